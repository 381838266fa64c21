#include <catch2/catch.hpp>

#include <string>

#include "load/corpus.h"
#include "load/source_file.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
using riskatlas::load::load_jsonl;
using riskatlas::load::LoadReport;

TEST_CASE("JSONL good lines become risks, techniques and mitigations", "[load][jsonl]") {
  LoadReport report = load_ok(load_jsonl, load_fixture("corpus/org.jsonl"));
  const auto& a = report.atlas;
  check_stats(report.stats, {.risks = 1, .techniques = 1, .mitigations = 1, .jsonl_records = 3});

  const auto* r = find_risk(a, "ORG-001");
  REQUIRE(r != nullptr);
  CHECK(r->title() == "Prompt injection through shared documents");
  CHECK(r->category == "Assistant misuse");
  CHECK(r->ev_id == "ORG-001");
  CHECK(r->source_title == "Internal review 2024");
  CHECK(r->quickref == "OrgReview2024");
  CHECK(r->domain == "2");
  CHECK(r->subdomain == "2.2");
  CHECK(r->subdomain_label == "AI system security vulnerabilities and attacks");
  CHECK(r->entity == "human");
  CHECK(r->intent == "intentional");
  CHECK(r->timing == "post-deployment");
  CHECK(r->origin == "org.jsonl:2");
  REQUIRE(r->evidence.size() == 1);
  CHECK(r->evidence[0].text == "Hidden text told the assistant to forward the file.");
  // Links are resolved against the atlas later (load_corpus); here both are recorded.
  REQUIRE(a.links.size() == 2);
  CHECK(a.links[0].risk_id == "ORG-001");
  CHECK(a.links[0].technique_id == "AML.T0100");
  CHECK(a.links[0].origin == "org.jsonl:2");

  const auto* t = find_technique(a, "ORG-T1");
  REQUIRE(t != nullptr);
  CHECK(t->tactics == std::vector<std::string>{"AML.TA0100"});
  CHECK(t->maturity == "feasible");
  const auto* m = find_mitigation(a, "ORG-M1");
  REQUIRE(m != nullptr);
  CHECK(m->categories == std::vector<std::string>{"technical-ml"});
  CHECK(m->lifecycle == std::vector<std::string>{"deployment"});
  REQUIRE(m->techniques.size() == 1);
  CHECK(m->techniques[0].technique_id == "ORG-T1");
  CHECK(m->techniques[0].use == "Nothing hidden is left to read.");
}

TEST_CASE("JSONL bad lines are skipped with a warning naming the line", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_bad");
  const std::string text =
      "{\"type\":\"risk\",\"id\":\"A-1\",\"title\":\"Fine\",\"entity\":\"1 - Human\",\"timing\":\"Pre-deployment\"}\n"  // 1
      "{\"type\":\"risk\",\"id\":\"A-2\",\"title\":\"Broken\"\n"                                   // 2: invalid JSON
      "{\"type\":\"risk\",\"id\":\"A-3\",\"title\":42}\n"                                           // 3: wrong type
      "{\"type\":\"risk\",\"title\":\"No id\"}\n"                                                   // 4: missing id
      "{\"id\":\"A-5\",\"title\":\"No type\"}\n"                                                    // 5: missing type
      "{\"type\":\"widget\",\"id\":\"A-6\",\"name\":\"x\"}\n"                                       // 6: unknown type
      "{\"type\":\"risk\",\"id\":\"A-7\",\"title\":\"Big\",\"score\":1e400}\n"                      // 7: huge number
      "[1,2,3]\n"                                                                                   // 8: not an object
      "{\"type\":\"risk\",\"id\":\"A-9\",\"title\":\"Bad \xFF byte\"}\n"                            // 9: invalid UTF-8
      "{\"type\":\"risk\",\"id\":\"A-10\",\"id\":\"A-11\",\"title\":\"Twice\"}\n"                   // 10: duplicate key
      "{\"type\":\"technique\",\"id\":\"T-1\"}\n"                                                   // 11: no name
      "{\"type\":\"risk\",\"id\":\"A-12\",\"title\":\"Lists\",\"techniques\":\"AML.T0100\"}\n"      // 12: wrong type
      "\n"                                                                                          // 13: blank
      "   # a comment\n"                                                                            // 14
      "{\"type\":\"risk\",\"id\":\"A-1\",\"title\":\"Same id\",\"domain\":\"Nowhere\"}\r\n";        // 15: id taken
  LoadReport report = load_ok(load_jsonl, write_file(dir.path(), "bad.jsonl", text));
  CHECK(report.stats.jsonl_records == 2);
  CHECK(report.stats.skipped == 11);
  CHECK(has_warning(report.warnings, "bad.jsonl:2", "invalid JSON"));
  CHECK(has_warning(report.warnings, "bad.jsonl:3", "\"title\" must be a string"));
  CHECK(has_warning(report.warnings, "bad.jsonl:4", "missing \"id\""));
  CHECK(has_warning(report.warnings, "bad.jsonl:5", "missing \"type\""));
  CHECK(has_warning(report.warnings, "bad.jsonl:6", "unknown type 'widget'"));
  CHECK(has_warning(report.warnings, "bad.jsonl:7", "invalid JSON"));
  CHECK(has_warning(report.warnings, "bad.jsonl:8", "not a JSON object"));
  CHECK(has_warning(report.warnings, "bad.jsonl:9", "not valid UTF-8"));
  CHECK(has_warning(report.warnings, "bad.jsonl:10", "duplicate key \"id\""));
  CHECK(has_warning(report.warnings, "bad.jsonl:11", "missing \"name\""));
  CHECK(has_warning(report.warnings, "bad.jsonl:12", "\"techniques\" must be a list"));
  CHECK(has_warning(report.warnings, "bad.jsonl:15", "already taken", "A-1-2"));
  CHECK(has_warning(report.warnings, "bad.jsonl:15", "unknown domain 'Nowhere'"));
  const auto* fine = find_risk(report.atlas, "A-1");
  REQUIRE(fine != nullptr);
  CHECK(fine->entity == "human");
  CHECK(fine->timing == "pre-deployment");
  CHECK(find_risk(report.atlas, "A-1-2") != nullptr);
}

TEST_CASE("JSONL ids colliding with loaded records get a suffix", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_collide");
  LoadReport report = load_ok(load::load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  const auto f = write_file(dir.path(), "c.jsonl",
                            "{\"type\":\"technique\",\"id\":\"AML.T0100\",\"name\":\"Mine\",\"parent\":\"AML.T0101\"}\n");
  REQUIRE(load_jsonl(f, report).ok());
  const auto* t = find_technique(report.atlas, "AML.T0100-2");
  REQUIRE(t != nullptr);
  CHECK(t->name == "Mine");
  CHECK(t->tactics == std::vector<std::string>{"AML.TA0101"});  // inherited from its parent
  CHECK(has_warning(report.warnings, "c.jsonl:1", "already taken"));
}

TEST_CASE("JSONL techniques and tactics no loaded record is are warned about, and kept", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_unknown");
  LoadReport report = load_ok(load::load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  const auto f = write_file(dir.path(), "u.jsonl",
                            "{\"type\":\"technique\",\"id\":\"ORG-T9\",\"name\":\"Mine\",\"tactics\":[\"AML.TA9999\"]}\n"
                            "{\"type\":\"mitigation\",\"id\":\"ORG-M9\",\"name\":\"Guard\",\"techniques\":"
                            "[{\"id\":\"AML.T9999\",\"use\":\"x\"},{\"id\":\"ORG-T9\",\"use\":\"y\"}]}\n");
  REQUIRE(load_jsonl(f, report).ok());
  CHECK(has_warning(report.warnings, "u.jsonl:1 (ORG-T9)", "unknown tactic 'AML.TA9999'"));
  CHECK(has_warning(report.warnings, "u.jsonl:2 (ORG-M9)", "unknown technique 'AML.T9999'"));
  CHECK_FALSE(has_warning(report.warnings, "u.jsonl:2", "'ORG-T9'"));
  const auto* m = find_mitigation(report.atlas, "ORG-M9");
  REQUIRE(m != nullptr);
  CHECK(m->techniques.size() == 2);
}

TEST_CASE("JSONL control characters in strings are removed with a warning", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_ctrl");
  const LoadReport report =
      load_ok(load_jsonl, write_file(dir.path(), "x.jsonl", "{\"type\":\"risk\",\"id\":\"C-1\",\"title\":\"a\\u0001b\"}\n"));
  REQUIRE(report.atlas.risks.size() == 1);
  CHECK(report.atlas.risks[0].title() == "ab");
  CHECK(has_warning(report.warnings, "x.jsonl:1", "1 control character removed"));
}

TEST_CASE("a JSON Lines id that no URL path could carry is skipped", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_ids");
  const LoadReport report = load_ok(load_jsonl, write_file(dir.path(), "ids.jsonl",
                                                           "{\"type\":\"risk\",\"id\":\"ORG 9/\xC3\xBC\",\"title\":\"Bad id\"}\n"
                                                           "{\"type\":\"risk\",\"id\":\"ORG-9.a_b~c\",\"title\":\"Good id\"}\n"
                                                           "{\"type\":\"risk\",\"id\":\".hidden\",\"title\":\"Dot id\"}\n"));
  REQUIRE(report.atlas.risks.size() == 1);
  CHECK(report.atlas.risks[0].id == "ORG-9.a_b~c");
  CHECK(report.stats.skipped == 2);
  CHECK(has_warning(report.warnings, "ids.jsonl:1", "id must be"));
  CHECK(has_warning(report.warnings, "ids.jsonl:3", "not starting with a dot"));
}

TEST_CASE("a JSON Lines file larger than the read buffer streams: every record, the bad one named by its line",
          "[load][jsonl]") {
  ScratchDir dir("load_jsonl_stream");
  // ~400 KB: records cross the 64 KB read buffer at many points; CRLF and LF mixed; no final break.
  std::string text = "\xEF\xBB\xBF";
  const std::size_t n = 3000;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i == 1500) {
      text += "{\"type\":\"risk\",\"id\":\"S-1500\",\"title\":\"Cut short\"\r\n";  // invalid JSON, mid-file
      continue;
    }
    text += "{\"type\":\"risk\",\"id\":\"S-" + std::to_string(i) + "\",\"title\":\"Streamed record " +
            std::to_string(i) + "\",\"description\":\"" + std::string(100 + i % 57, 'w') + "\"}";
    if (i != n) text += i % 2 ? "\r\n" : "\n";
  }
  const LoadReport report = load_ok(load_jsonl, write_file(dir.path(), "big.jsonl", text));
  CHECK(report.stats.jsonl_records == n - 1);
  CHECK(report.stats.skipped == 1);
  REQUIRE(report.warnings.size() == 1);
  CHECK(has_warning(report.warnings, "big.jsonl:1500", "invalid JSON"));
  const auto* first = find_risk(report.atlas, "S-1");
  REQUIRE(first != nullptr);  // the byte-order mark did not spoil the first record
  CHECK(first->origin == "big.jsonl:1");
  const auto* last = find_risk(report.atlas, "S-3000");
  REQUIRE(last != nullptr);  // the last line has no line break
  CHECK(last->title() == "Streamed record 3000");
  CHECK(last->origin == "big.jsonl:3000");
}

TEST_CASE("a JSON Lines line over the line limit is skipped with a warning, the rest loads", "[load][jsonl]") {
  ScratchDir dir("load_jsonl_overlong");
  const std::string huge = "{\"type\":\"risk\",\"id\":\"H-1\",\"title\":\"" +
                           std::string(load::detail::kMaxLineBytes, 'h') + "\"}\n";
  const LoadReport report = load_ok(
      load_jsonl, write_file(dir.path(), "h.jsonl", huge + "{\"type\":\"risk\",\"id\":\"H-2\",\"title\":\"After\"}\n"));
  CHECK(report.stats.jsonl_records == 1);
  CHECK(report.stats.skipped == 1);
  CHECK(has_warning(report.warnings, "h.jsonl:1", "line longer than"));
  CHECK(find_risk(report.atlas, "H-2") != nullptr);
}
