// Fuzzes request-parameter handling without a socket: any bytes as the query string of a request
// (the part after '?'), through parse_query_string and every route's parameter parser. A search
// request the parser accepts is then run against the tiny in-code atlas of the search tests, since
// an accepted request must be answerable (never a failure of the server's own making).
#include "fuzz_support.h"
#include "request_params.h"
#include "search/fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskatlas;
  using fuzz::check;
  static analysis::Analyzer analyzer;
  static search::Searcher searcher(testing::tiny_generation(), analyzer);

  const server::Params params = server::parse_query_string(fuzz::as_text(data, size));
  (void)server::parse_export_params(params);
  (void)server::parse_suggest_params(params);
  (void)server::parse_related_params(params);
  (void)server::expect_no_params(params);
  const auto parsed = server::parse_search_params(params);
  if (const auto* request = std::get_if<search::SearchRequest>(&parsed)) {
    check(search::validate(*request).ok(), "an accepted request is valid");
    const auto answer = searcher.search(*request);
    check(answer.ok() || answer.status().code() == StatusCode::kTooBroad, "an accepted request is answered");
  }
  return 0;
}
