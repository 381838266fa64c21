#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;

TEST_CASE("real AI Risk Repository export loads every risk and all its evidence", "[load][real]") {
  const auto report = load_ok(load::load_risk_repository_csv, require_real_data() / "ai-risk-repository.csv");
  const auto& a = report.atlas;
  check_stats(report.stats, {.csv_rows = 1518, .sources = 56, .risks = 1061, .evidence_merged = 401});
  CHECK(a.risks.size() == 1061);
  CHECK(a.sources.size() == 56);
  std::set<std::string> ids;
  std::size_t evidence = 0;
  for (const auto& r : a.risks) {
    ids.insert(r.id);
    evidence += r.evidence.size();
  }
  CHECK(ids.size() == 1061);
  CHECK(evidence >= 401);

  // The duplicated Ev_ID: both risks, distinct ids, each findable.
  const auto* first = find_risk(a, "49.01.02");
  const auto* second = find_risk(a, "49.01.02-2");
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  CHECK(first->ev_id == "49.01.02");
  CHECK(second->ev_id == "49.01.02");
  CHECK(first->title() != second->title());
  // Its additional evidence names the second risk's subcategory, so it is merged there.
  CHECK(first->evidence.empty());
  REQUIRE(second->evidence.size() == 2);
  CHECK(second->evidence[0].id == "49.01.02.a");
  CHECK(second->evidence[1].id == "49.01.02.b");
  // 21.02.01 and 21.02.01.a share (Paper_ID, Cat_ID, SubCat_ID); rows .b-.d name the second one.
  const auto* misspec = find_risk(a, "21.02.01.a");
  REQUIRE(misspec != nullptr);
  REQUIRE(misspec->evidence.size() == 3);
  CHECK(misspec->evidence[0].id == "21.02.01.b");
  CHECK(misspec->evidence[2].id == "21.02.01.d");
  CHECK(find_risk(a, "21.02.01")->evidence.empty());

  std::size_t excluded = 0;
  for (const auto& r : a.risks)
    if (r.subdomain == "X.1") {
      ++excluded;
      CHECK(r.domain == "X");
    }
  CHECK(excluded == 94);
  // The one U+0001 is removed, with a warning.
  CHECK(has_warning(report.warnings, "37.02.05.a", "control character removed"));
  CHECK(a.versions.at("risk_repository_rows") == "1518");
}

TEST_CASE("real ATLAS distribution loads with its stray lifecycle mappings repaired", "[load][real]") {
  const auto report = load_ok(load::load_atlas_yaml, require_real_data() / "atlas.yaml");
  const auto& a = report.atlas;
  check_stats(report.stats, {.tactics = 16, .techniques = 170, .mitigations = 35});
  CHECK(a.tactics.size() == 16);
  CHECK(a.techniques.size() == 170);
  CHECK(a.mitigations.size() == 35);
  CHECK(a.versions.at("atlas_version") == "5.6.0");
  for (const char* id : {"AML.M0018", "AML.M0034"}) {
    const auto* m = find_mitigation(a, id);
    REQUIRE(m != nullptr);
    CHECK(m->lifecycle.size() >= 1);
    bool repaired = false;
    for (const auto& u : m->techniques) repaired = repaired || u.technique_id == "AML.T0052.001";
    CHECK(repaired);
    CHECK(has_warning(report.warnings, id, "repaired", "AML.T0052.001"));
  }
  for (const auto& t : a.techniques) {
    INFO(t.id);
    CHECK_FALSE(t.tactics.empty());
  }
}

TEST_CASE("real exports load together as a corpus", "[load][real]") {
  const auto dir = require_real_data();
  load::CorpusOptions options;
  options.corpus_dir = dir;
  auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  CHECK(r->stats.risks == 1061);
  CHECK(r->stats.techniques == 170);
  CHECK(r->atlas.risks.size() + r->atlas.techniques.size() + r->atlas.mitigations.size() == 1061 + 170 + 35);
}
