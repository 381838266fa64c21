// Fuzzes the query language and a search with it: any bytes as q (the query parser, relaxation,
// spelling, snippets, explanations) against the tiny in-code atlas of the search tests, indexed once
// at start in a scratch directory. A search may refuse a query (too long, invalid UTF-8, a wildcard
// too broad) but never fail otherwise, throw or crash.
#include "fuzz_support.h"
#include "search/fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskatlas;
  using fuzz::check;
  static analysis::Analyzer analyzer;
  static search::Searcher searcher(testing::tiny_generation(), analyzer);
  static const std::size_t records = testing::tiny_atlas().risks.size() + testing::tiny_atlas().techniques.size() +
                                     testing::tiny_atlas().mitigations.size();

  search::SearchRequest request;
  request.q = std::string(fuzz::as_text(data, size));
  request.explain = true;  // the explanation walks the query's terms too
  const auto answer = searcher.search(request);
  if (answer.ok()) {
    check(answer->hits.size() <= request.per_page, "a page holds at most per_page hits");
    check(answer->total <= records, "no more matches than records");
  } else {
    // The index is whole and never changes here: the only failure is the query's own fault.
    const StatusCode code = answer.status().code();
    check(code == StatusCode::kInvalidArgument || code == StatusCode::kTooBroad, "a search fails only for its query");
  }
  // Search-as-you-type takes the same text as a prefix.
  const auto suggestions = searcher.suggest(request.q);
  check(suggestions.ok() || suggestions.status().code() == StatusCode::kInvalidArgument,
        "suggest fails only for its prefix");
  return 0;
}
