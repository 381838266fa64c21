#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
using riskatlas::load::load_atlas_yaml;
using riskatlas::load::LoadReport;

namespace {

// Why load_atlas_yaml refuses `file`: the test stops if it loads, and nothing may be half-loaded.
std::string refusal(const std::filesystem::path& file) {
  LoadReport report;
  const Status s = load_atlas_yaml(file, report);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(report.atlas.techniques.empty());
  CHECK(report.atlas.mitigations.empty());
  return s.message();
}

}  // namespace

TEST_CASE("ATLAS minimal distribution loads tactics, techniques, mitigations and case studies", "[load][atlas]") {
  LoadReport report = load_ok(load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  const auto& a = report.atlas;
  check_stats(report.stats,
              {.tactics = 2, .techniques = 3, .mitigations = 2, .case_studies = 1, .procedure_steps = 3});
  CHECK(a.versions.at("atlas_version") == "0.9.1");
  CHECK(a.versions.at("atlas_name") == "Test Threat Matrix");
  REQUIRE(a.tactics.size() == 2);
  CHECK(a.tactics[0].id == "AML.TA0100");
  CHECK(a.tactics[1].description == "The adversary carries something away.");

  const auto* t = find_technique(a, "AML.T0100");
  REQUIRE(t != nullptr);
  CHECK(t->name == "Ask Nicely");
  // Markdown: the lines of one paragraph are one paragraph.
  CHECK(t->description == "The adversary simply asks the model for what it wants.");
  CHECK(t->tactics == std::vector<std::string>{"AML.TA0100"});
  CHECK(t->maturity == "demonstrated");
  CHECK(t->created == "2023-01-02");
  CHECK(t->modified == "2024-05-06");
  CHECK(t->origin == "atlas.yaml:18");
  CHECK(find_technique(a, "AML.T0101")->tactics == std::vector<std::string>{"AML.TA0101"});

  const auto* m = find_mitigation(a, "AML.M0101");
  REQUIRE(m != nullptr);
  CHECK(m->categories == std::vector<std::string>{"technical-cyber", "policy"});
  CHECK(m->lifecycle == std::vector<std::string>{"deployment"});
  REQUIRE(m->techniques.size() == 1);
  CHECK(m->techniques[0].technique_id == "AML.T0101");
  CHECK(m->techniques[0].use == "Fewer people can copy the files.");
  CHECK(has_warning(report.warnings, "atlas.yaml:", "AML.M0101", "unknown ml-lifecycle value 'Somewhere Else'"));
}

TEST_CASE("ATLAS case study keeps its facts, references and procedure; bad steps are named", "[load][atlas]") {
  LoadReport report = load_ok(load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  REQUIRE(report.atlas.case_studies.size() == 1);
  const model::CaseStudy& cs = report.atlas.case_studies[0];
  CHECK(cs.id == "AML.CS0100");
  CHECK(cs.name == "Vault Copy at a Test Lab");
  CHECK(cs.summary == "A tester asked nicely for the storage path, then copied the weights.");
  CHECK(cs.incident_date == "2024-03-01");
  CHECK(cs.year() == "2024");
  CHECK(cs.date_precision == "month");
  CHECK(cs.kind == "exercise");
  CHECK(cs.target == "A lab assistant");
  CHECK(cs.actor == "Test team");
  CHECK(cs.reporter.empty());
  // The listed references come first; the summary's citation of the same URL shares its number; a
  // link in a step adds one; a javascript: URL is kept as a title without a link.
  REQUIRE(cs.references.size() == 3);
  CHECK(cs.references[0].number == 1);
  CHECK(cs.references[0].url == "https://example.org/lab-report");
  CHECK(cs.references[1].title == "Internal note");
  CHECK(cs.references[1].url.empty());
  CHECK(cs.references[2].url == "https://example.org/notes");
  CHECK(has_warning(report.warnings, "AML.CS0100", "reference URL 'javascript:alert(1)' is not http(s)"));
  REQUIRE(cs.procedure.size() == 3);
  CHECK(cs.procedure[0].tactic == "AML.TA0100");
  CHECK(cs.procedure[0].technique == "AML.T0100");
  CHECK(cs.procedure[1].description == "The tester copied the files out (notes).");
  CHECK(has_warning(report.warnings, "AML.CS0100 step 3", "unknown technique 'AML.T0199'"));
  CHECK(has_warning(report.warnings, "AML.CS0100 step 4", "a procedure step given as a text: ignored"));
}

TEST_CASE("ATLAS sub-technique without tactics inherits its parent's", "[load][atlas]") {
  LoadReport report = load_ok(load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  const auto* sub = find_technique(report.atlas, "AML.T0100.000");
  REQUIRE(sub != nullptr);
  CHECK(sub->parent == "AML.T0100");
  CHECK(sub->tactics == std::vector<std::string>{"AML.TA0100"});
}

TEST_CASE("ATLAS stray technique mapping in ml-lifecycle is moved to the techniques", "[load][atlas]") {
  LoadReport report = load_ok(load_atlas_yaml, load_fixture("corpus/atlas.yaml"));
  const auto* m = find_mitigation(report.atlas, "AML.M0100");
  REQUIRE(m != nullptr);
  CHECK(m->lifecycle == std::vector<std::string>{"ml-model-engineering", "deployment"});
  CHECK(m->categories == std::vector<std::string>{"technical-ml"});
  REQUIRE(m->techniques.size() == 2);
  CHECK(m->techniques[1].technique_id == "AML.T0100.000");
  CHECK(m->techniques[1].use == "Declining twice also works.");
  CHECK(has_warning(report.warnings, "atlas.yaml:48 (AML.M0100)", "repaired", "AML.T0100.000", "ml-lifecycle"));
}

TEST_CASE("ATLAS wrong kinds, missing ids and duplicate ids are repaired or skipped with warnings", "[load][atlas]") {
  LoadReport report = load_ok(load_atlas_yaml, load_fixture("dirty_atlas.yaml"));
  const auto& a = report.atlas;
  // Tactics: one good (its list-valued description dropped), three skipped.
  REQUIRE(a.tactics.size() == 1);
  CHECK(a.tactics[0].description.empty());
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:10", "'description' is a list, expected text"));
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:11", "skipped: tactic without an id"));
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:12", "skipped: tactic without a name"));
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:13", "skipped: tactic is a text"));
  CHECK(report.stats.skipped == 3);
  // Techniques: duplicate key keeps the first name; duplicate id kept with a suffix.
  const auto* first = find_technique(a, "AML.T0200");
  const auto* second = find_technique(a, "AML.T0200-2");
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  CHECK(first->name == "First");
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:18", "duplicate key 'name'"));
  CHECK(has_warning(report.warnings, "dirty_atlas.yaml:19", "duplicate id 'AML.T0200'", "AML.T0200-2"));
  CHECK(second->tactics == std::vector<std::string>{"AML.TA0200"});
  CHECK(second->created == "2021-02-03");
  CHECK(has_warning(report.warnings, "AML.T0200", "unknown tactic 'AML.TA0299'"));
  // Mitigation: unknown technique kept with a warning, bad items ignored, bad categories dropped.
  const auto* m = find_mitigation(a, "AML.M0200");
  REQUIRE(m != nullptr);
  REQUIRE(m->techniques.size() == 2);
  CHECK(m->techniques[0].technique_id == "AML.T0999");
  CHECK(m->techniques[1].technique_id == "no-mapping-here");
  CHECK(has_warning(report.warnings, "AML.M0200", "unknown technique 'AML.T0999'"));
  CHECK(has_warning(report.warnings, "AML.M0200", "a technique use without an id"));
  CHECK(m->lifecycle == std::vector<std::string>{"deployment"});
  CHECK(m->categories == std::vector<std::string>{"technical-ml"});
  CHECK(has_warning(report.warnings, "AML.M0200", "unknown category value 'Fairy Dust'"));
  CHECK(has_warning(report.warnings, "AML.M0200", "a list inside 'category'"));
}

TEST_CASE("ATLAS loader refuses YAML that is not an ATLAS distribution", "[load][atlas]") {
  const auto f = load_fixture("not_atlas.yaml");
  CHECK_THAT(refusal(f), Catch::StartsWith(f.string() + ":2: not an ATLAS distribution"));
  ScratchDir dir("load_atlas_not");
  CHECK_THAT(refusal(write_file(dir.path(), "l.yaml", "- a\n- b\n")),
             Catch::Contains(":1: not an ATLAS distribution: the document is a list"));
  CHECK_THAT(refusal(write_file(dir.path(), "m.yaml", "id: X\nname: Y\nversion: 1\nmatrices: none\n")),
             Catch::Contains(":4: not an ATLAS distribution: no 'matrices' list"));
  CHECK_THAT(refusal(write_file(dir.path(), "e.yaml", "\n\n")), Catch::Contains("empty file"));
}

TEST_CASE("ATLAS syntax error or truncated file is fatal naming the line, not half-loaded", "[load][atlas]") {
  for (const auto& [name, line] : {std::pair{"syntax_error.yaml", ":7:"}, {"truncated_atlas.yaml", ":12:"}}) {
    const auto f = load_fixture(name);
    CHECK_THAT(refusal(f), Catch::StartsWith(f.string() + line) && Catch::Contains("YAML syntax error"));
  }
}

TEST_CASE("ATLAS alias bomb is refused at its first alias, before anything is expanded", "[load][atlas]") {
  const auto f = load_fixture("alias_bomb.yaml");
  CHECK_THAT(refusal(f), Catch::StartsWith(f.string() + ":2:") && Catch::Contains("aliases are not supported"));
}

TEST_CASE("ATLAS file with a byte order mark and CRLF line endings loads the same", "[load][atlas]") {
  std::string text = "\xEF\xBB\xBF";
  for (char c : read_text(load_fixture("corpus/atlas.yaml"))) {
    if (c == '\n') text += '\r';
    text += c;
  }
  ScratchDir dir("load_atlas_crlf");
  LoadReport report = load_ok(load_atlas_yaml, write_file(dir.path(), "crlf.yaml", text));
  CHECK(report.stats.techniques == 3);
  CHECK(find_technique(report.atlas, "AML.T0100")->description == "The adversary simply asks the model for what it wants.");
  CHECK(find_technique(report.atlas, "AML.T0100")->origin == "crlf.yaml:18");
}
