// The API routes against an index of the default corpus (README.md, "HTTP API").
#include <set>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "process.h"
#include "server/server_fixture.h"
#include "util/version.h"

using namespace riskatlas::testing;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

// The JSON body of a successful API answer.
Json body_of(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body.substr(0, 300));
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kJson);
  return Json::parse(r->body);
}

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

// A server on an index of its own in `dir`, which it checks for a new generation every 50 ms.
riskatlas::server::HttpServer::Options own_index_options(const ScratchDir& dir) {
  auto options = TestServer::default_options();
  options.index = build_index(dir.path() / "index");
  options.index_check_interval = std::chrono::milliseconds(50);
  return options;
}

// After a new build of `root` the server moves to it without a restart: /healthz is 200 again and
// searches answer.
void check_recovers_after_reindex(httplib::Client& cli, const std::filesystem::path& root) {
  build_index(root);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    status = cli.Get("/healthz")->status;
  }
  CHECK(status == 200);
  CHECK(cli.Get("/api/search?q=poisoning")->status == 200);
}

}  // namespace

TEST_CASE_METHOD(ServerTest, "search answers ranked hits with facets and the generation", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/search?q=poisoning&per_page=3"));
  CHECK(keys_of(body) == std::vector<std::string>{"query", "total", "page", "per_page", "hits", "facets", "corrected",
                                                  "interpreted_literally", "relaxed", "generation", "took_ms"});
  CHECK(body["query"] == "poisoning");
  CHECK(body["total"].get<int>() > 3);
  CHECK(body["per_page"] == 3);
  REQUIRE(body["hits"].size() == 3);
  const Json& hit = body["hits"][0];
  CHECK(keys_of(hit) == std::vector<std::string>{"id", "type", "title", "snippet", "score", "facets"});
  CHECK(hit["facets"]["type"]["value"].is_string());
  CHECK(keys_of(hit["facets"]["type"]) == std::vector<std::string>{"value", "label"});
  CHECK(body["generation"].get<std::string>().rfind("gen-", 0) == 0);
  // Facets in model order: type first; each value has value, label, count, selected.
  REQUIRE(body["facets"].contains("type"));
  CHECK(keys_of(body["facets"]).front() == "type");
  CHECK(keys_of(body["facets"]["type"][0]) == std::vector<std::string>{"value", "label", "count", "selected"});
}

TEST_CASE_METHOD(ServerTest, "a hit shows the facets of its record page, lists and all, in the same order", "[http][slow]") {
  // Techniques and mitigations hold multi-valued lifecycle and category facets.
  const Json body = body_of(cli->Get("/api/search?q=model&type=technique&type=mitigation&per_page=20"));
  REQUIRE(body["hits"].size() > 5);
  std::size_t lists = 0;
  for (const auto& hit : body["hits"]) {
    INFO(hit["id"]);
    const Json record = body_of(cli->Get("/api/records/" + hit["id"].get<std::string>()));
    CHECK(hit["facets"].dump() == record["facets"].dump());
    for (const auto& [name, value] : hit["facets"].items()) lists += value.is_array() ? 1 : 0;
  }
  CHECK(lists > 0);
}

TEST_CASE_METHOD(ServerTest, "search filters by facets with OR within a facet", "[http][slow]") {
  const Json risks = body_of(cli->Get("/api/search?type=risk&per_page=1"));
  const Json techniques = body_of(cli->Get("/api/search?type=technique&per_page=1"));
  const Json both = body_of(cli->Get("/api/search?type=risk&type=technique&per_page=1"));
  CHECK(risks["total"].get<int>() > 0);
  CHECK(techniques["total"].get<int>() > 0);
  CHECK(both["total"].get<int>() == risks["total"].get<int>() + techniques["total"].get<int>());
  bool selected = false;
  for (const auto& v : risks["facets"]["type"])
    if (v["value"] == "risk") selected = v["selected"].get<bool>();
  CHECK(selected);
  // An unknown value of a known facet matches nothing; it is not an error.
  CHECK(body_of(cli->Get("/api/search?domain=nonexistent"))["total"] == 0);
}

TEST_CASE_METHOD(ServerTest, "search explains matches on request", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/search?q=poisoning&explain=1&per_page=1"));
  REQUIRE(body["hits"].size() == 1);
  REQUIRE(body["hits"][0].contains("explain"));
  const Json& terms = body["hits"][0]["explain"];
  REQUIRE_FALSE(terms.empty());
  CHECK(keys_of(terms[0]) == std::vector<std::string>{"field", "term", "weight"});
  // Only the first 20 hits of a page are explained, and only they carry the key.
  const Json page = body_of(cli->Get("/api/search?q=model&explain=1&per_page=30"));
  REQUIRE(page["hits"].size() == 30);
  for (std::size_t i = 0; i < 30; ++i) CHECK(page["hits"][i].contains("explain") == (i < 20));
}

TEST_CASE_METHOD(ServerTest, "snippets escape record text as HTML", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/search?q=display%20name%20admin%20console&per_page=1"));
  REQUIRE(body["hits"].size() == 1);
  const std::string snippet = body["hits"][0]["snippet"];
  CHECK_THAT(snippet, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(snippet.find("<script") == std::string::npos);
  CHECK(snippet.find("<img") == std::string::npos);
  CHECK_THAT(snippet, Catch::Contains("<mark>"));
}

TEST_CASE_METHOD(ServerTest, "operators that do not parse are taken literally", "[http][slow]") {
  // What each answer matches: every record (nothing searchable is left to narrow it), some, or none.
  enum Matches { kAll, kSome, kNone };
  struct Case {
    const char* q;
    bool literal;    // interpreted_literally: syntax that did not parse was read as words
    bool corrected;  // the words matched nothing, so a spelling correction answered
    Matches matches;
  };
  const std::vector<Case> cases{
      {"poisning%20AND", true, true, kSome},  // a dangling AND is a word; "poisning" is corrected
      {"NOT%20bar", false, false, kAll},      // a pure exclusion of a word no record holds
      {"AND%20OR%20(", true, false, kSome},   // the words "and" and "or"
      {"%22abc", true, false, kNone},         // an unclosed quote; "abc" is no word, nor one edit from one
      {"(((", true, false, kAll},             // parentheses are not grouping: no words left
      {")", true, false, kAll},
      {"-", false, false, kNone},             // a word of symbols only cannot match
      {"%2B", false, false, kNone},
      {"*", false, false, kNone},
      {"a*", false, false, kAll},             // every record holds a word starting with "a"
  };
  const int documents = body_of(cli->Get("/healthz"))["documents"];
  for (const auto& c : cases) {
    INFO(c.q);
    const Json body = body_of(cli->Get((std::string("/api/search?q=") + c.q).c_str()));
    CHECK(body["interpreted_literally"] == c.literal);
    CHECK(body["corrected"] == c.corrected);
    const int total = body["total"];
    switch (c.matches) {
      case kAll: CHECK(total == documents); break;
      case kSome: CHECK((total > 0 && total < documents)); break;
      case kNone: CHECK(total == 0); break;
    }
  }
}

TEST_CASE_METHOD(ServerTest, "records are served by id with their generation", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/records/AML.T0070"));
  CHECK(keys_of(body).front() == "id");
  CHECK(body["id"] == "AML.T0070");
  CHECK(body["type"] == "technique");
  CHECK(body["generation"].get<std::string>().rfind("gen-", 0) == 0);

  check_errors(*cli, {{"/api/records/NO.SUCH.ID", 404, "not_found"},
                      {"/api/records/a%20b", 404, "not_found"},
                      {"/api/records/a/b", 404, "not_found"},
                      {"/api/records/" + std::string(200, 'x'), 404, "not_found"},
                      {"/api/records/AML.T0070?x=1", 400, "unknown_parameter"}});
}

TEST_CASE_METHOD(ServerTest, "related records: other papers' risks, and the record's links ordered by relevance", "[http][slow]") {
  const Json record = body_of(cli->Get("/api/records/08.01.01"));
  const Json body = body_of(cli->Get("/api/records/08.01.01/related?limit=3"));
  CHECK(keys_of(body) == std::vector<std::string>{"id", "related", "techniques", "mitigations", "generation"});
  CHECK(body["id"] == "08.01.01");
  REQUIRE_FALSE(body["related"].empty());
  CHECK(body["related"].size() <= 3);
  for (const auto& one : body["related"]) {
    CHECK(keys_of(one) == std::vector<std::string>{"id", "type", "title", "source", "score", "words"});
    CHECK(one["type"] == "risk");
    CHECK(one["id"] != "08.01.01");
    CHECK(one["source"] != record["source"]["quickref"]);
  }
  // The same techniques and mitigations as the record page, reordered: scored ones first, by score.
  for (const char* key : {"techniques", "mitigations"}) {
    INFO(key);
    std::set<std::string> linked, ordered;
    for (const auto& t : record[key]) linked.insert(t["id"].get<std::string>());
    for (const auto& t : body[key]) ordered.insert(t["id"].get<std::string>());
    CHECK(linked == ordered);
    REQUIRE_FALSE(body[key].empty());
    CHECK(body[key][0]["score"].get<double>() > 0);
    for (std::size_t i = 1; i < body[key].size(); ++i)
      CHECK(body[key][i - 1]["score"].get<double>() >= body[key][i]["score"].get<double>());
  }

  check_errors(*cli, {{"/api/records/NO.SUCH.ID/related", 404, "not_found"},
                      {"/api/records/08.01.01/related?limit=0", 400, "invalid_parameter"},
                      {"/api/records/08.01.01/related?limit=21", 400, "invalid_parameter"},
                      {"/api/records/08.01.01/related?q=x", 400, "unknown_parameter"},
                      {"/api/records/08.01.01/other", 404, "not_found"}});
}

TEST_CASE_METHOD(ServerTest, "a relaxed search says which words it counted and what each hit lacks", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/search?q=invoices%20qqqxv%20"));
  CHECK(body["relaxed"] == true);
  CHECK(body["relaxation"]["words"] == Json::array({"invoices", "qqqxv"}));
  CHECK(body["relaxation"]["min_matched"] == 1);
  CHECK(body["relaxation"]["best_matched"] == 1);
  CHECK(body["relaxation"]["dropped_words"] == Json::array({"qqqxv"}));
  REQUIRE_FALSE(body["hits"].empty());
  for (const auto& hit : body["hits"]) CHECK(hit["missing_words"] == Json::array({"qqqxv"}));
  const Json strict = body_of(cli->Get("/api/search?q=invoices"));
  CHECK(strict["relaxed"] == false);
  CHECK_FALSE(strict.contains("relaxation"));
  CHECK_FALSE(strict["hits"][0].contains("missing_words"));
}

TEST_CASE_METHOD(ServerTest, "suggest completes a prefix", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/suggest?q=poi&limit=4"));
  CHECK(keys_of(body) == std::vector<std::string>{"query", "suggestions", "generation"});
  CHECK(body["query"] == "poi");
  CHECK(body["generation"].get<std::string>().starts_with("gen-"));
  REQUIRE_FALSE(body["suggestions"].empty());
  CHECK(body["suggestions"].size() <= 4);
  for (const auto& s : body["suggestions"]) {
    CHECK(s["text"].is_string());
    CHECK((s["kind"] == "record" || s["kind"] == "term"));
    if (s["kind"] == "record") CHECK(s["id"].is_string());
  }
  check_errors(*cli, {{"/api/suggest", 400, "invalid_parameter"},
                      {"/api/suggest?q=", 400, "invalid_parameter"},
                      {"/api/suggest?q=a&limit=11", 400, "invalid_parameter"}});
}

TEST_CASE_METHOD(ServerTest, "a shorter suggestion list is the start of a longer one, and a colon reads as a space",
                 "[http][slow]") {
  const auto suggestions = [&](const std::string& q, int limit) {
    const Json body = body_of(cli->Get(("/api/suggest?q=" + httplib::detail::encode_query_param(q) +
                                        "&limit=" + std::to_string(limit)).c_str()));
    std::vector<std::string> records, terms;
    for (const auto& s : body["suggestions"]) {
      if (s["kind"] == "record") records.push_back(s["id"]);
      else terms.push_back(s["text"]);
    }
    return std::pair{records, terms};
  };
  // "ai ": nothing left to complete, ten records at most; a parent ranked below its sub-technique
  // moves before it at every limit.
  for (const std::string q : {"ai ", "model ", "prompt inj", "poison"}) {
    const auto longest = suggestions(q, 10).first;
    REQUIRE_FALSE(longest.empty());
    for (int limit = 1; limit < 10; ++limit) {
      INFO(q << " limit " << limit);
      const auto records = suggestions(q, limit).first;
      REQUIRE(records.size() <= longest.size());
      CHECK(records == std::vector<std::string>(longest.begin(), longest.begin() + static_cast<long>(records.size())));
    }
  }
  // Completions after "name:" are checked beside the words before it, as after a space
  // ("emergent:beh" offered "behind", which no record holds beside "emergent").
  for (const std::string q : {"emergent:beh", "data:poiso", "prompt:inj"}) {
    INFO(q);
    auto [records, terms] = suggestions(q, 10);
    for (auto& t : terms) std::replace(t.begin(), t.end(), ':', ' ');
    std::string spaced = q;
    std::replace(spaced.begin(), spaced.end(), ':', ' ');
    CHECK(std::pair{records, terms} == suggestions(spaced, 10));
  }
}

TEST_CASE_METHOD(ServerTest, "facets lists every facet over the whole index", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/facets"));
  CHECK(keys_of(body) == std::vector<std::string>{"facets", "generation"});
  CHECK(keys_of(body["facets"]).front() == "type");
  int documents = 0;
  for (const auto& v : body["facets"]["type"]) documents += v["count"].get<int>();
  const Json health = body_of(cli->Get("/healthz"));
  CHECK(documents == health["documents"].get<int>());
}

TEST_CASE_METHOD(ServerTest, "healthz reports the generation being served", "[http][slow]") {
  const Json body = body_of(cli->Get("/healthz"));
  CHECK(body["status"] == "ok");
  CHECK(body["version"] == std::string(riskatlas::version()));
  CHECK(body["documents"].get<int>() > 0);
  CHECK(body["uuid"].is_string());
  CHECK(body.contains("built_at"));
  CHECK(body["versions"].is_object());
  CHECK(body["load"].is_object());
  CHECK(body["analyzer"]["matches"] == true);
  CHECK_FALSE(body.contains("problem"));
}

TEST_CASE("without an index the API answers 503", "[http][slow]") {
  ScratchDir empty("http-no-index-" + std::to_string(::getpid()));
  auto options = TestServer::default_options();
  options.index = empty.path() / "missing";
  TestServer server(options);
  auto cli = server.client();
  const auto health = cli->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 503);
  const Json body = Json::parse(health->body);
  CHECK(body["status"] == "unavailable");
  CHECK(body["version"] == std::string(riskatlas::version()));
  CHECK(body["problem"].is_string());
  check_errors(*cli, {{"/api/search?q=x", 503, "index_unavailable"},
                      {"/api/records/AML.T0070", 503, "index_unavailable"},
                      {"/api/facets", 503, "index_unavailable"},
                      {"/api/export", 503, "index_unavailable"},
                      {"/api/suggest?q=a", 503, "index_unavailable"}});
  // Worth retrying, and a client is told when.
  const auto search = cli->Get("/api/search?q=x");
  REQUIRE(search);
  CHECK(search->get_header_value("Retry-After") == "5");
  // Bad parameters are still the caller's fault.
  check_error(cli->Get("/api/search?page=0"), 400, "invalid_parameter");
}

TEST_CASE_METHOD(ServerTest, "export answers the whole match set as JSON", "[http][slow]") {
  const Json body = body_of(cli->Get("/api/export?type=risk"));
  CHECK(keys_of(body) ==
        std::vector<std::string>{"query", "total", "exported", "corrected", "relaxed", "generation", "records"});
  CHECK(body["relaxed"] == false);
  CHECK(body["total"].get<int>() > 20);  // more than one search page
  CHECK(body["exported"] == body["total"]);
  CHECK(body["records"].size() == body["total"].get<std::size_t>());
  CHECK(body["records"][0]["type"] == "risk");
  // A widened search is exported widened, and says so as the search does.
  const Json search = body_of(cli->Get("/api/search?q=poisoning%20qqqxv"));
  const Json widened = body_of(cli->Get("/api/export?q=poisoning%20qqqxv"));
  REQUIRE(search["relaxed"] == true);
  CHECK(widened["relaxed"] == true);
  CHECK(widened["relaxation"] == search["relaxation"]);
  CHECK(widened["total"] == search["total"]);
}

TEST_CASE_METHOD(ServerTest, "export answers CSV as an attachment with RFC 4180 quoting", "[http][slow]") {
  const auto r = cli->Get("/api/export?format=csv&q=display%20name%20admin%20console");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(r->get_header_value("Content-Disposition") == "attachment; filename=\"riskatlas-export.csv\"");
  // The counts the JSON export gives in its body (a CSV cut at 10000 records says so only here).
  const Json counted = body_of(cli->Get("/api/export?q=display%20name%20admin%20console"));
  CHECK(r->get_header_value("X-Total-Count") == counted["total"].dump());
  CHECK(r->get_header_value("X-Exported-Count") == counted["exported"].dump());
  CHECK(r->get_header_value("X-Relaxed") == counted["relaxed"].dump());
  CHECK(r->get_header_value("X-Corrected") == counted["corrected"].dump());
  CHECK(r->body.rfind("id,type,title,domain,subdomain,entity,intent,timing,lifecycle,category,tactic,description,"
                      "source,quickref,kind,year,incident_date\r\n",
                      0) == 0);
  CHECK_THAT(r->body, Catch::Contains("08.02.00,risk,Insecure output handling,2. Privacy & Security,"));
  // The description holds commas, so it is quoted.
  CHECK_THAT(r->body, Catch::Contains(",\"Applications place model output into web pages, shells or SQL"));
  check_error(cli->Get("/api/export?format=xml"), 400, "invalid_parameter");
}

TEST_CASE_METHOD(ServerTest, "metrics count requests by route template", "[http][slow]") {
  cli->set_keep_alive(true);  // one connection: each request is counted before the next is read
  REQUIRE(cli->Get("/api/search?q=poisoning"));
  REQUIRE(cli->Get("/api/records/AML.T0070"));
  REQUIRE(cli->Get("/api/records/AML.T0070/related"));
  REQUIRE(cli->Get("/no/such/path/12345"));
  // Malformed requests on known paths count as "other", not under the route they named.
  CHECK_THAT(raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                          std::chrono::seconds(5)),
             Catch::StartsWith("HTTP/1.1 400"));
  CHECK_THAT(raw_exchange(server.port(), "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                          std::chrono::seconds(5)),
             Catch::StartsWith("HTTP/1.1 405"));
  // Refused before its body is asked for: the refusal, not "100 Continue", and counted once.
  CHECK_THAT(raw_exchange(server.port(),
                          "POST /api/search HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n",
                          std::chrono::seconds(5)),
             Catch::StartsWith("HTTP/1.1 405"));
  const auto r = cli->Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_THAT(r->get_header_value("Content-Type"), Catch::StartsWith("text/plain; version=0.0.4"));
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_requests_total{route=\"/api/search\",status=\"200\"} 1\n"));
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_requests_total{route=\"/api/records/{id}\",status=\"200\"} 1\n"));
  CHECK_THAT(r->body,
             Catch::Contains("riskatlas_http_requests_total{route=\"/api/records/{id}/related\",status=\"200\"} 1\n"));
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_requests_total{route=\"other\",status=\"404\"} 1\n"));
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_requests_total{route=\"other\",status=\"400\"} 1\n"));
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_requests_total{route=\"other\",status=\"405\"} 2\n"));
  CHECK(r->body.find("route=\"/healthz\"") == std::string::npos);
  CHECK_THAT(r->body, Catch::Contains("riskatlas_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"} 1\n"));
  CHECK_THAT(r->body, Catch::Contains("\nriskatlas_index_documents "));
  CHECK(r->body.find("12345") == std::string::npos);
  CHECK(r->body.find("AML.T0070") == std::string::npos);
}

TEST_CASE_METHOD(ServerTest, "the web UI is served under / with security headers", "[http][slow]") {
  const auto r = cli->Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_THAT(r->get_header_value("Content-Type"), Catch::StartsWith("text/html"));
  CHECK(r->get_header_value("Cache-Control") == "no-cache");
  CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK_THAT(r->get_header_value("Content-Security-Policy"), Catch::Contains("default-src 'self'"));
  CHECK_THAT(r->get_header_value("Content-Security-Policy"), Catch::Contains("frame-ancestors 'none'"));
  // API answers carry the same policy.
  const auto api = cli->Get("/healthz");
  REQUIRE(api);
  CHECK_THAT(api->get_header_value("Content-Security-Policy"), Catch::Contains("object-src 'none'"));
}

TEST_CASE_METHOD(ServerTest, "HEAD is answered like GET without a body", "[http][slow]") {
  const auto r = cli->Head("/api/search?q=poisoning");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
}

TEST_CASE_METHOD(ServerTest, "a repeated request is answered from the response cache with the same body", "[http][slow]") {
  const auto first = cli->Get("/api/search?q=poisoning&type=technique");
  const auto second = cli->Get("/api/search?q=poisoning&type=technique");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->get_header_value("X-Cache") == "miss");
  CHECK(second->get_header_value("X-Cache") == "hit");
  CHECK(second->body == first->body);
  CHECK(body_of(second)["total"].get<int>() > 0);
  // Errors are not kept: each is worked out again.
  for (int i = 0; i < 2; ++i) {
    const auto bad = cli->Get("/api/search?q=x&per_page=0");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK_FALSE(bad->has_header("X-Cache"));
  }
  const auto metrics = cli->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("riskatlas_response_cache_hits_total 1\n") != std::string::npos);
}

TEST_CASE("a newly published generation is served without a restart", "[http][slow][concurrency]") {
  ScratchDir dir("http-reload");
  auto options = TestServer::default_options();
  options.index = build_index(dir.path() / "index");
  options.index_check_interval = std::chrono::milliseconds(50);
  TestServer server(options);
  auto cli = server.client();
  const std::string before = body_of(cli->Get("/api/search?q=poisoning"))["generation"];

  build_index(options.index);
  std::string after = before;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (after == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    after = body_of(cli->Get("/api/search?q=poisoning"))["generation"];
  }
  CHECK(after != before);
  CHECK(body_of(cli->Get("/healthz"))["generation"] == after);
  CHECK(body_of(cli->Get("/api/records/AML.T0070"))["generation"] == after);
}

// A clean-up after the server failed to move to a new generation (one it could not read) can remove
// the generation it serves; nothing is damaged while read, and handles already open still answer,
// but none can be opened again.
TEST_CASE("healthz is 503 while the generation being served is gone from disk", "[http][slow][long]") {
  ScratchDir dir("http-gone");
  const auto options = own_index_options(dir);
  TestServer server(options);
  auto cli = server.client();
  REQUIRE(cli->Get("/healthz")->status == 200);

  for (const auto& gen : std::filesystem::directory_iterator(options.index))
    if (gen.is_directory()) std::filesystem::remove_all(gen.path());
  // At first it may be a reindex removing it in the second before the server moves on (--keep 1).
  auto health = cli->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(Json::parse(health->body)["problem"].get<std::string>().find("cannot be opened") != std::string::npos);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (health->status == 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    health = cli->Get("/healthz");
    REQUIRE(health);
  }
  CHECK(health->status == 503);
  const Json body = Json::parse(health->body);
  CHECK(body["status"] == "unavailable");
  CHECK(body["problem"].get<std::string>().find("cannot be opened") != std::string::npos);
  CHECK_FALSE(body.contains("shards"));

  check_recovers_after_reindex(*cli, options.index);
}

TEST_CASE("a damaged live generation answers 503 and is unhealthy until the next reindex", "[http][slow]") {
  ScratchDir dir("http-damaged");
  const auto options = own_index_options(dir);
  TestServer server(options);
  auto cli = server.client();
  REQUIRE(cli->Get("/api/search?q=poisoning")->status == 200);

  for (const auto& gen : std::filesystem::directory_iterator(options.index))
    if (gen.is_directory())
      for (const auto& file : std::filesystem::directory_iterator(gen.path()))
        if (file.path().extension() == ".glass") std::filesystem::resize_file(file.path(), 0);
  // Answers computed before the damage may still come from the response cache; a new one needs the files.
  check_errors(*cli, {{"/api/search?q=poisoning&per_page=5", 503, "index_unavailable"}});
  const auto health = cli->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 503);
  CHECK(Json::parse(health->body)["status"] == "damaged");

  check_recovers_after_reindex(*cli, options.index);
}
