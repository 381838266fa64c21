#include <catch2/catch.hpp>

#include "request_params.h"

using namespace riskatlas::server;
using riskatlas::search::SearchRequest;
using riskatlas::search::SortOrder;

namespace {

template <typename T>
ApiError error_of(const Parsed<T>& parsed) {
  REQUIRE(std::holds_alternative<ApiError>(parsed));
  return std::get<ApiError>(parsed);
}

template <typename T>
T value_of(const Parsed<T>& parsed) {
  if (const auto* e = std::get_if<ApiError>(&parsed)) FAIL(e->code + ": " + e->message);
  return std::get<T>(parsed);
}

}  // namespace

TEST_CASE("search parameters fill a SearchRequest", "[http]") {
  const auto r = value_of(parse_search_params(
      {{"q", "prompt injection"}, {"page", "2"}, {"per_page", "50"}, {"sort", "title"}, {"explain", "1"},
       {"domain", "2"}, {"domain", "7"}, {"domain", "2"}, {"type", "risk"}, {"entity", ""}}));
  CHECK(r.q == "prompt injection");
  CHECK(r.page == 2);
  CHECK(r.per_page == 50);
  CHECK(r.sort == SortOrder::kTitle);
  CHECK(r.explain);
  CHECK(r.filters.at("domain") == std::vector<std::string>{"2", "7"});  // OR within a facet, duplicates once
  CHECK(r.filters.at("type") == std::vector<std::string>{"risk"});
  CHECK(r.filters.count("entity") == 0);  // an empty form field selects nothing
}

TEST_CASE("search parameters have documented defaults", "[http]") {
  const auto r = value_of(parse_search_params({}));
  CHECK(r.q.empty());
  CHECK(r.page == 1);
  CHECK(r.per_page == 20);
  CHECK(r.sort == SortOrder::kRelevance);
  CHECK_FALSE(r.explain);
}

TEST_CASE("bad search parameters are refused with a code naming the problem", "[http]") {
  struct Case {
    Params params;
    const char* code;
  };
  const std::vector<Case> cases{
      {{{"bogus", "1"}}, "unknown_parameter"},
      {{{"limit", "1"}}, "unknown_parameter"},
      {{{"q", "a"}, {"q", "b"}}, "invalid_parameter"},
      {{{"page", "1"}, {"page", "2"}}, "invalid_parameter"},
      {{{"sort", "id"}, {"sort", "id"}}, "invalid_parameter"},
      {{{"page", "0"}}, "invalid_parameter"},
      {{{"page", "-1"}}, "invalid_parameter"},
      {{{"page", "abc"}}, "invalid_parameter"},
      {{{"page", "1e9"}}, "invalid_parameter"},
      {{{"page", "99999999999999999999"}}, "invalid_parameter"},
      {{{"page", ""}}, "invalid_parameter"},
      {{{"per_page", "0"}}, "invalid_parameter"},
      {{{"per_page", "101"}}, "invalid_parameter"},
      {{{"page", "101"}, {"per_page", "100"}}, "invalid_parameter"},
      {{{"q", std::string(1025, 'a')}}, "query_too_long"},
      {{{"q", "\xff\xfe"}}, "invalid_utf8"},
      {{{"domain", "\xc0\xaf"}}, "invalid_utf8"},
      {{{"q", "a\x01"}}, "invalid_parameter"},
      {{{"q", "line\nbreak"}}, "invalid_parameter"},
      {{{"sort", "newest"}}, "invalid_parameter"},
      {{{"explain", "yes"}}, "invalid_parameter"},
      {{{"domain", std::string(201, 'x')}}, "invalid_parameter"},
  };
  for (const auto& c : cases) {
    INFO("params: " << (c.params.empty() ? "" : c.params.begin()->first));
    const ApiError e = error_of(parse_search_params(c.params));
    CHECK(e.http_status == 400);
    CHECK(e.code == c.code);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("a page past the result window is refused for the window, whatever the page size", "[http]") {
  for (const Params& p : {Params{{"page", "101"}, {"per_page", "100"}}, Params{{"page", "10001"}, {"per_page", "1"}},
                          Params{{"page", "10001"}}, Params{{"page", "99999999999999999999"}}}) {
    const ApiError e = error_of(parse_search_params(p));
    CHECK(e.code == "invalid_parameter");
    CHECK_THAT(e.message, Catch::Contains("page x per_page may not exceed 10000"));
  }
}

TEST_CASE("an unknown parameter name is shown only when it is printable", "[http]") {
  CHECK_THAT(error_of(parse_search_params({{"colour", "x"}})).message, Catch::Contains("'colour'"));
  const ApiError e = error_of(parse_search_params({{"a\r\nSet-Cookie: x", "1"}}));
  CHECK(e.message.find('\n') == std::string::npos);
  CHECK(e.message.find("Set-Cookie") == std::string::npos);
  CHECK_THAT(e.message, Catch::StartsWith("unknown parameter (its name is empty"));
  CHECK_THAT(error_of(parse_search_params({{"\xff", "1"}})).message, Catch::StartsWith("unknown parameter (its name"));
}

TEST_CASE("filters take 64 values across facets and refuse the 65th", "[http]") {
  // Distinct values: 40 tactics and `domains` domains.
  auto filters = [](int domains) {
    Params p;
    for (int i = 0; i < 40; ++i) p.emplace("tactic", "AML.TA" + std::to_string(i));
    for (int i = 0; i < domains; ++i) p.emplace("domain", std::to_string(i));
    return p;
  };
  const auto at_limit = value_of(parse_search_params(filters(24)));
  CHECK(at_limit.filters.at("tactic").size() == 40);
  CHECK(at_limit.filters.at("domain").size() == 24);

  const ApiError over = error_of(parse_search_params(filters(25)));
  CHECK(over.http_status == 400);
  CHECK(over.code == "invalid_parameter");
  CHECK_THAT(over.message, Catch::Contains("at most 64"));

  // A repeated value is one value.
  Params repeated = filters(24);
  repeated.emplace("domain", "0");
  CHECK(value_of(parse_search_params(repeated)).filters.at("domain").size() == 24);
}

TEST_CASE("export parameters add a format", "[http]") {
  CHECK(value_of(parse_export_params({})).format == ExportFormat::kJson);
  const auto r = value_of(parse_export_params({{"format", "csv"}, {"q", "x"}, {"type", "risk"}, {"page", "3"}}));
  CHECK(r.format == ExportFormat::kCsv);
  CHECK(r.search.q == "x");
  CHECK(error_of(parse_export_params({{"format", "xml"}})).code == "invalid_parameter");
  CHECK(error_of(parse_export_params({{"format", "csv"}, {"format", "json"}})).code == "invalid_parameter");
}

TEST_CASE("suggest needs a prefix and a small limit", "[http]") {
  const auto r = value_of(parse_suggest_params({{"q", "pro"}, {"limit", "5"}}));
  CHECK(r.q == "pro");
  CHECK(r.limit == 5);
  CHECK(value_of(parse_suggest_params({{"q", "pro"}})).limit == 10);
  CHECK(error_of(parse_suggest_params({})).code == "invalid_parameter");
  CHECK(error_of(parse_suggest_params({{"q", ""}})).code == "invalid_parameter");
  CHECK(error_of(parse_suggest_params({{"q", "a"}, {"limit", "0"}})).code == "invalid_parameter");
  CHECK(error_of(parse_suggest_params({{"q", "a"}, {"limit", "11"}})).code == "invalid_parameter");
  CHECK(error_of(parse_suggest_params({{"q", "a"}, {"domain", "2"}})).code == "unknown_parameter");
}

TEST_CASE("routes without parameters refuse any", "[http]") {
  CHECK_FALSE(expect_no_params({}).has_value());
  CHECK(expect_no_params({{"x", "1"}})->code == "unknown_parameter");
}

TEST_CASE("query strings are decoded and keep repeated pairs", "[http]") {
  const Params p = parse_query_string("q=prompt+injection%21&domain=2&domain=2&&flag&bad=%zz%4&utf=%C3%A9");
  CHECK(p.find("q")->second == "prompt injection!");
  CHECK(p.count("domain") == 2);
  CHECK(p.find("flag")->second.empty());
  CHECK(p.find("bad")->second == "%zz%4");
  CHECK(p.find("utf")->second == "\xc3\xa9");
  CHECK(parse_query_string("").empty());
  // An exact repeat of a parameter that may not repeat is still refused.
  CHECK(error_of(parse_search_params(parse_query_string("per_page=5&per_page=5"))).code == "invalid_parameter");
}
