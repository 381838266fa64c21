// The reference peer of the relevance harness: the same records in an in-memory SQLite FTS5 table,
// ranked by BM25 with field weights (title 6, description 3, quotes 1: fts5_peer.cc says why).
//
// It stands for "what an off-the-shelf full-text index gives": the query is cut into plain tokens
// and run either with every token required (AND) or any token (OR); no stemming beyond FTS5's
// porter tokenizer, no spelling correction, no synonyms.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/record.h"
#include "util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace riskatlas::eval {

enum class Fts5Mode { kAnd, kOr };

// The query's tokens: maximal runs of letters, digits and combining marks (by ICU's Unicode
// categories); everything else separates. Empty tokens are dropped.
std::vector<std::string> fts5_tokens(std::string_view query);

// The FTS5 MATCH expression: every token double-quoted (a '"' doubled), joined by spaces (AND) or
// " OR ". Empty when there is no token. With `prefix_last` the last token matches as a prefix.
std::string fts5_match_expression(const std::vector<std::string>& tokens, Fts5Mode mode, bool prefix_last = false);

// What the benchmark asks of the peer: a page of hits with snippets, the total and facet counts.
struct Fts5Answer {
  std::vector<std::string> ids;
  std::vector<std::string> snippets;
  std::size_t total = 0;
  // facet -> value -> count: each facet counted with every filter but its own (disjunctive).
  std::map<std::string, std::map<std::string, std::size_t>> facets;
};

class Fts5Peer {
 public:
  // Loads every risk, technique and mitigation of `atlas`. Internal on an SQLite failure (for
  // instance an SQLite built without FTS5). With `facets`, also a table of each record's facet values
  // (risks: all of theirs; techniques and mitigations: their type) for search_faceted().
  static Result<std::unique_ptr<Fts5Peer>> build(const model::Atlas& atlas, bool facets = false);
  ~Fts5Peer();
  Fts5Peer(const Fts5Peer&) = delete;
  Fts5Peer& operator=(const Fts5Peer&) = delete;

  // Ids of the best `limit` records, best first (ties by load order). Empty when the query has no
  // token. Internal on an SQLite failure.
  Result<std::vector<std::string>> search(std::string_view query, Fts5Mode mode, std::size_t limit);

  // The best `limit` records holding every token of `query` (all records, by load order, when it has
  // none), each with an FTS5 snippet, restricted by `filters` (facet -> values: OR within a facet,
  // AND across), with the total and disjunctive facet counts by GROUP BY over the match set, the way
  // an application on FTS5 would answer a search box. Needs build(atlas, true).
  Result<Fts5Answer> search_faceted(std::string_view query, const std::map<std::string, std::vector<std::string>>& filters,
                                    std::size_t limit, bool prefix_last = false);

 private:
  Fts5Peer() = default;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* search_ = nullptr;
};

}  // namespace riskatlas::eval
