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
  check_stats(report.stats,
              {.tactics = 16, .techniques = 170, .mitigations = 35, .case_studies = 57, .procedure_steps = 449});
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
  CHECK(r->atlas.case_studies.size() == 57);
}

TEST_CASE("real ATLAS case studies load with every step's technique resolved", "[load][real]") {
  const auto report = load_ok(load::load_atlas_yaml, require_real_data() / "atlas.yaml");
  const auto& a = report.atlas;
  REQUIRE(a.case_studies.size() == 57);
  std::set<std::string> techniques, tactics;
  for (const auto& t : a.techniques) techniques.insert(t.id);
  for (const auto& t : a.tactics) tactics.insert(t.id);
  std::size_t incidents = 0, exercises = 0, steps = 0, with_reporter = 0;
  for (const auto& cs : a.case_studies) {
    INFO(cs.id);
    incidents += cs.kind == "incident";
    exercises += cs.kind == "exercise";
    with_reporter += !cs.reporter.empty();
    CHECK(cs.year().size() == 4);
    CHECK_FALSE(cs.date_precision.empty());
    CHECK_FALSE(cs.target.empty());
    CHECK_FALSE(cs.actor.empty());
    for (std::size_t s = 0; s < cs.procedure.size(); ++s) {
      const auto& step = cs.procedure[s];
      ++steps;
      // Resolved, or a warning names the step.
      if (!techniques.count(step.technique))
        CHECK(has_warning(report.warnings, cs.id + " step " + std::to_string(s + 1), "unknown technique"));
      CHECK(tactics.count(step.tactic) == 1);
    }
  }
  CHECK(incidents == 17);
  CHECK(exercises == 40);
  CHECK(steps == 449);
  CHECK(with_reporter == 16);
  // The first case study lists one reference; its summary cites the same paper by the same URL.
  const auto& first = a.case_studies.front();
  CHECK(first.id == "AML.CS0000");
  CHECK(first.references.front().url == "https://arxiv.org/abs/1802.03162");
  CHECK(first.references.front().number == 1);
}

TEST_CASE("real ATLAS text is indexed as words only: no URL, reference definition or escape", "[load][real]") {
  const auto report = load_ok(load::load_atlas_yaml, require_real_data() / "atlas.yaml");
  const auto& a = report.atlas;
  // (A code block may quote Markdown as it is, "[click here](" without its URL; that is its text.)
  auto check_plain = [](const std::string& id, const std::string& text) {
    INFO(id << ": " << text);
    CHECK(text.find("http://") == std::string::npos);
    CHECK(text.find("https://") == std::string::npos);
    CHECK(text.find("\\[") == std::string::npos);
    CHECK(text.find("][") == std::string::npos);
    CHECK(text.find("<sup>") == std::string::npos);
  };
  std::size_t with_references = 0;
  for (const auto& t : a.techniques) {
    check_plain(t.id, t.description);
    with_references += !t.references.empty();
  }
  for (const auto& m : a.mitigations) {
    check_plain(m.id, m.description);
    for (const auto& u : m.techniques) check_plain(m.id + " use", u.use);
    with_references += !m.references.empty();
  }
  for (const auto& cs : a.case_studies) {
    check_plain(cs.id, cs.summary);
    for (const auto& step : cs.procedure) check_plain(cs.id + " step", step.description);
  }
  // The vishing technique cites its sources by reference-style links.
  const auto* vishing = find_technique(a, "AML.T0052.001");
  REQUIRE(vishing != nullptr);
  CHECK_FALSE(vishing->references.empty());
  for (const auto& r : vishing->references) CHECK(r.url.starts_with("http"));
  // Techniques and mitigations whose text links to the web (AML.T0077's one URL is in a code example,
  // which cites nothing).
  CHECK(with_references == 18);
}
