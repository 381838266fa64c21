// Known-item retrieval figures for riskatlas and its FTS5 peers, and their printed report.
//
// A query's rank is the 1-based position of the first relevant record in a system's top 10, 0 when
// none is there. MRR@10 is the mean of 1/rank (0 for a miss). A query "shares a word with the
// corpus" when FTS5 OR finds anything for it; the zero-hit rate over those queries is the one the
// floors use, because a query without any corpus word cannot be found by any lexical engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "eval/query_set.h"

namespace riskatlas::eval {

inline constexpr std::size_t kTopK = 10;

enum System : std::size_t { kRiskatlas, kFts5And, kFts5Or, kSystemCount };
const char* system_name(System system);  // "riskatlas", "fts5-and", "fts5-or"

struct QueryOutcome {
  const KnownItemQuery* query = nullptr;
  std::array<std::size_t, kSystemCount> rank{};  // 0 = not in the top 10
  std::array<bool, kSystemCount> zero_hit{};
  std::vector<std::string> riskatlas_top;  // riskatlas's first ids, for the verbose listing
};

struct SystemFigures {
  double mrr = 0;
  double success_at_10 = 0;
  double success_at_1 = 0;
  double zero_hit_rate = 0;         // over all queries
  double zero_hit_rate_shared = 0;  // over queries sharing a word with the corpus; 0 when there are none
  std::array<double, kQueryKindCount> mrr_by_kind{};
};

struct Figures {
  std::size_t queries = 0;
  std::size_t shared = 0;  // queries sharing a word with the corpus
  std::array<std::size_t, kQueryKindCount> queries_by_kind{};
  std::array<SystemFigures, kSystemCount> system;
  // riskatlas MRR@10 / max(fts5-and, fts5-or) - 1: +inf when only riskatlas finds anything, NaN when
  // no system does.
  double margin = 0;
};

Figures summarize(const std::vector<QueryOutcome>& outcomes);

// "+34.5%", "+inf%" or "n/a".
std::string format_margin(double margin);

// The tables of one query file (or of all of them): per system, then MRR@10 per kind, then the margin.
void print_figures(std::FILE* out, const std::string& title, const Figures& figures);

// The queries riskatlas misses or ranks worse than FTS5 OR, one line each.
void print_losses(std::FILE* out, const QuerySet& set, const std::vector<QueryOutcome>& outcomes);

}  // namespace riskatlas::eval
