// Known-item query sets for the relevance harness: UTF-8 TSV files, one query a line.
//
//   # a comment line (its first character is '#'); blank lines are skipped
//   query<TAB>id [id ...]<TAB>kind
//
// The ids are the relevant records, the first the one sought; kind is keyword, paraphrase, question,
// abbreviation or misspelling. The query is kept exactly as typed (no trimming), because that is
// what the search box would send. A malformed line is an error naming file:line, never skipped:
// a query set that silently shrinks would flatter the figures.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/status.h"

namespace riskatlas::eval {

enum class QueryKind { kKeyword, kParaphrase, kQuestion, kAbbreviation, kMisspelling };
inline constexpr QueryKind kQueryKinds[] = {QueryKind::kKeyword, QueryKind::kParaphrase, QueryKind::kQuestion,
                                           QueryKind::kAbbreviation, QueryKind::kMisspelling};
inline constexpr std::size_t kQueryKindCount = std::size(kQueryKinds);

const char* kind_name(QueryKind kind);  // "keyword", ...

struct KnownItemQuery {
  std::string text;                   // as typed
  std::vector<std::string> relevant;  // never empty; relevant[0] is the record sought
  QueryKind kind = QueryKind::kKeyword;
  std::size_t line = 0;               // 1-based line in its file
};

struct QuerySet {
  std::filesystem::path file;
  std::vector<KnownItemQuery> queries;  // never empty
};

// InvalidArgument naming file:line for a malformed line, NotFound for a missing file, and
// InvalidArgument for a file without any query.
Result<QuerySet> load_query_set(const std::filesystem::path& file);

// InvalidArgument naming file:line for the first id that is not in `known_ids`: the query set is
// stale against the corpus.
Status check_ids(const QuerySet& set, const std::unordered_set<std::string>& known_ids);

}  // namespace riskatlas::eval
