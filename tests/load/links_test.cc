#include <catch2/catch.hpp>

#include <string>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
using riskatlas::load::LoadReport;

namespace {

LoadReport fixture_records() {
  LoadReport report = load_ok(load::load_risk_repository_csv, load_fixture("corpus/risks.csv"));
  REQUIRE(load::load_atlas_yaml(load_fixture("corpus/atlas.yaml"), report).ok());
  return report;
}

// The fixture's risks and ATLAS records, and a folder for the links file a test writes.
struct LinksTest {
  LoadReport report = fixture_records();
  ScratchDir dir{"load_links"};
  // Resolves the links file `name` holding `text` against the records in `report`.
  Status load(const std::string& name, std::string_view text) {
    return load::load_links(write_file(dir.path(), name, text), report);
  }
};

}  // namespace

TEST_CASE("links.yaml links risks by subdomain, domain and risk id", "[load][links]") {
  LoadReport report = fixture_records();
  report.warnings.clear();
  REQUIRE(load::load_links(load_fixture("corpus/links.yaml"), report).ok());
  const auto& a = report.atlas;
  // subdomain 2.2 -> the one fixture risk in 2.2
  CHECK(has_link(a, "01.01.00", "AML.T0101"));
  CHECK_FALSE(has_link(a, "01.01.01", "AML.T0101"));
  // domain 4
  CHECK(has_link(a, "02.01.00", "AML.T0100"));
  // risk 01.02.01 selects both risks that share the Ev_ID
  CHECK(has_link(a, "01.02.01", "AML.T0100.000"));
  CHECK(has_link(a, "01.02.01-2", "AML.T0100.000"));
  CHECK(a.links.size() == 4);
  CHECK(report.stats.links == 4);
  for (const auto& l : a.links)
    if (l.risk_id == "01.01.00") CHECK(l.origin == "links.yaml:3 subdomain 2.2");
  // ORG-001 is not loaded here: no match; 6.6 matches nothing; AML.T4040 is unknown.
  CHECK(has_warning(report.warnings, "links.yaml:11", "risk 'ORG-001' matches no risk"));
  CHECK(has_warning(report.warnings, "links.yaml:13", "subdomain '6.6' matches no risk"));
  CHECK(has_warning(report.warnings, "links.yaml:15", "unknown technique 'AML.T4040'", "link skipped"));
}

TEST_CASE_METHOD(LinksTest, "links.csv links risks and deduplicates repeated links keeping the first origin", "[load][links]") {
  REQUIRE(load("links.csv",
              "selector,value,technique,why\r\n"
              "subdomain,2.2 > AI system security,AML.T0101,\"copies, weights\"\r\n"
              "risk,01.01.00,AML.T0101,again\r\n"
              "domain,5,AML.T0100,trust\r\n"
              "colour,blue,AML.T0100,bad selector\r\n"
              "risk,01.01.01,AML.T7777,unknown technique\r\n").ok());
  const auto& a = report.atlas;
  CHECK(has_link(a, "01.01.00", "AML.T0101"));
  CHECK(has_link(a, "01.02.01", "AML.T0100"));
  CHECK(has_link(a, "01.02.01-2", "AML.T0100"));
  CHECK(a.links.size() == 3);
  CHECK(a.links[0].origin == "links.csv:2 subdomain 2.2");
  CHECK(has_warning(report.warnings, "links.csv:5", "unknown selector 'colour'"));
  CHECK(has_warning(report.warnings, "links.csv:6", "unknown technique 'AML.T7777'"));
}

TEST_CASE_METHOD(LinksTest, "links file with another shape or header is fatal", "[load][links]") {
  CHECK_THAT(load("l.csv", "risk,technique\nx,y\n").message(), Catch::Contains(":1: not a links file"));
  CHECK_THAT(load("l.yaml", "version: 1\nlinks: {}\n").message(), Catch::Contains(":2: not a links file"));
  CHECK_THAT(load("v.yaml", "version: 7\nlinks: []\n").message(),
             Catch::Contains(":1: not a links file: unsupported version"));
}

TEST_CASE_METHOD(LinksTest, "links.yaml entries without exactly one selector or without techniques are skipped", "[load][links]") {
  REQUIRE(load("links.yaml",
              "version: 1\n"
              "links:\n"
              "  - techniques: [AML.T0100]\n"                      // 3: no selector
              "  - domain: \"2\"\n"                                 // 4: two selectors
              "    risk: \"01.01.00\"\n"
              "    techniques: [AML.T0100]\n"
              "  - subdomain: \"2.1\"\n"                            // 7: no techniques
              "  - subdomian: \"2.1\"\n"                            // 8: typo
              "    techniques: [AML.T0100]\n"
              "  - risk: \"01.01.01\"\n"                            // 10: good
              "    techniques: AML.T0100\n").ok());
  CHECK(report.atlas.links.size() == 1);
  CHECK(has_link(report.atlas, "01.01.01", "AML.T0100"));
  CHECK(report.stats.skipped == 4);
  CHECK(has_warning(report.warnings, "links.yaml:3", "without a selector"));
  CHECK(has_warning(report.warnings, "links.yaml:4", "more than one selector"));
  CHECK(has_warning(report.warnings, "links.yaml:7", "without techniques"));
  CHECK(has_warning(report.warnings, "links.yaml:8", "unknown key 'subdomian'"));
}

TEST_CASE_METHOD(LinksTest, "a source qualifier keeps a risk selector to that source's risks", "[load][links]") {
  REQUIRE(load("links.yaml",
              "version: 1\n"
              "links:\n"
              "  - risk: \"01.01.00\"\n"
              "    source: Doe2020\n"
              "    techniques: [AML.T0101]\n"
              "  - risk: \"01.01.01\"\n"
              "    source: Someone2030\n"
              "    techniques: [AML.T0101]\n").ok());
  CHECK(has_link(report.atlas, "01.01.00", "AML.T0101"));
  CHECK_FALSE(has_link(report.atlas, "01.01.01", "AML.T0101"));
  CHECK(has_warning(report.warnings, "links.yaml:6", "risk '01.01.01' of Someone2030 matches no risk"));
}
