#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "index/record_document.h"
#include "index/stored_record.h"
#include "index/index_writer.h"
#include "search/fixture.h"
#include "search/searcher.h"
#include "test_support.h"

using namespace riskatlas;
using nlohmann::json;

namespace {

json whole_record(const model::Atlas& atlas, const model::LinkGraph& graph, const index::FacetLabels& labels,
                  std::size_t ordinal) {
  const auto at = index::record_at(atlas, ordinal);
  switch (at.type) {
    case model::RecordType::kRisk: return index::risk_json(atlas, graph, labels, at.index);
    case model::RecordType::kTechnique: return index::technique_json(atlas, graph, labels, at.index);
    case model::RecordType::kMitigation: return index::mitigation_json(atlas, graph, labels, at.index);
    case model::RecordType::kCaseStudy: return index::case_study_json(atlas, graph, labels, at.index);
  }
  return json();
}

// Every record of `atlas`, stripped as stored and filled as read, is the record as built; the
// stored bytes are returned against the whole records' bytes.
std::pair<std::size_t, std::size_t> check_round_trip(const model::Atlas& atlas) {
  const model::LinkGraph graph(atlas);
  const index::FacetLabels labels = index::collect_labels(atlas);
  const json linked = index::linked_fields(atlas, graph, labels);
  std::size_t stored_bytes = 0, whole_bytes = 0;
  for (std::size_t i = 0; i < index::record_count(atlas); ++i) {
    const json whole = whole_record(atlas, graph, labels, i);
    json stored = whole;
    index::strip_shared(stored, linked, labels);
    stored_bytes += stored.dump().size();
    whole_bytes += whole.dump().size();
    json read = stored;
    index::fill_shared(read, linked, labels);
    INFO(index::record_id(atlas, i));
    CHECK(read == whole);
  }
  return {stored_bytes, whole_bytes};
}

}  // namespace

TEST_CASE("a record is stored without what it shares and read back whole: the default corpus", "[index]") {
  const model::Atlas atlas = testing::load_linked_corpus(testing::corpus_dir());
  REQUIRE_FALSE(atlas.case_studies.empty());
  const auto [stored, whole] = check_round_trip(atlas);
  CHECK(stored < whole * 3 / 4);
}

TEST_CASE("a record is stored without what it shares and read back whole: the real data", "[index][real][long]") {
  const model::Atlas atlas = testing::load_linked_corpus(testing::require_real_data());
  const auto [stored, whole] = check_round_trip(atlas);
  CHECK(stored < whole * 3 / 4);
}

TEST_CASE("every record of an index of the default corpus is read back as built", "[index]") {
  const model::Atlas atlas = testing::load_linked_corpus(testing::corpus_dir());
  testing::ScratchDir dir("stored-read");
  Diagnostics warnings;
  REQUIRE(index::write_database(atlas, dir.path() / "db", {}, warnings).ok());
  auto gen = search::Generation::open(dir.path() / "db");
  REQUIRE(gen.ok());
  analysis::Analyzer analyzer;
  search::Searcher searcher(std::move(gen).value(), analyzer);
  const model::LinkGraph graph(atlas);
  const index::FacetLabels labels = index::collect_labels(atlas);
  for (std::size_t i = 0; i < index::record_count(atlas); ++i) {
    INFO(index::record_id(atlas, i));
    const auto read = searcher.record(index::record_id(atlas, i));
    REQUIRE(read.ok());
    CHECK(*read == whole_record(atlas, graph, labels, i));
  }
}

TEST_CASE("only what equals the shared copy of a record of the link's kind is stripped, and only what is missing filled in",
          "[index]") {
  const json linked = {
      {"technique", {{"AML.T0001", {{"name", "Shared Name"}}}}},
      {"mitigation", {{"AML.M0001", {{"name", "Guard"}, {"lifecycle", json::array({"x"})}}}}},
      {"case_study", {{"AML.CS0001", {{"name", "Incident"}, {"kind", "incident"}}}}},
      {"tactic", json::object()},
  };
  const index::FacetLabels labels = {{"domain", {{"1", "1. One"}}}};
  const json whole = {
      {"id", "AML.T0001"},  // the record itself keeps its own name
      {"name", "Shared Name"},
      {"facets", {{"domain", {{"value", "1"}, {"label", "1. One"}}}, {"intent", {{"value", "x"}, {"label", "X"}}}}},
      {"techniques",
       {{{"id", "AML.T0001"}, {"name", "Another Name"}},  // differs (dirty data): kept
        {{"id", "AML.T0001"}, {"name", "Shared Name"}, {"origin", "links.yaml"}},
        {{"id", "AML.T9999"}, {"name", "Unknown"}}}},
      {"case_studies", {{{"id", "AML.CS0001"}, {"name", "Incident"}, {"kind", "incident"},
                         {"techniques", {{{"id", "AML.T0001"}, {"name", "Shared Name"}}}}}}},
      {"mitigations", {{{"id", "AML.M0001"}, {"name", "Guard"}, {"lifecycle", json::array({"x"})}}}},
      // A step naming ids of other kinds as its technique and tactic: not links to those records.
      {"procedure", {{{"step", 1},
                      {"technique", {{"id", "AML.M0001"}, {"name", "AML.M0001"}, {"known", false}}},
                      {"tactic", {{"id", "AML.CS0001"}, {"name", "AML.CS0001"}}}}}},
      {"evidence", {{{"id", "AML.T0001"}, {"name", "Shared Name"}}}},  // not a link
  };
  json stored = whole;
  index::strip_shared(stored, linked, labels);
  CHECK(stored["name"] == "Shared Name");
  CHECK(stored["facets"]["domain"] == json{{"value", "1"}});
  CHECK(stored["facets"]["intent"]["label"] == "X");  // no shared label for it
  CHECK(stored["techniques"][0]["name"] == "Another Name");
  CHECK(stored["techniques"][1] == json{{"id", "AML.T0001"}, {"origin", "links.yaml"}});
  CHECK(stored["techniques"][2]["name"] == "Unknown");
  CHECK(stored["case_studies"][0] == json{{"id", "AML.CS0001"}, {"techniques", {{{"id", "AML.T0001"}}}}});
  CHECK(stored["mitigations"][0] == json{{"id", "AML.M0001"}});
  CHECK(stored["procedure"] == whole["procedure"]);
  CHECK(stored["evidence"] == whole["evidence"]);
  json read = stored;
  index::fill_shared(read, linked, labels);
  CHECK(read == whole);
  // A record stored whole (an index before schema 4) reads as it is.
  json old = whole;
  index::fill_shared(old, linked, labels);
  CHECK(old == whole);
}

TEST_CASE("a technique stored without its full title gets it from its parent's name", "[index]") {
  const json linked = {{"technique", {{"AML.T0051", {{"name", "LLM Prompt Injection"}}}}}};
  json sub = {{"id", "AML.T0051.000"}, {"type", "technique"}, {"title", "Direct"},
              {"parent", {{"id", "AML.T0051"}}}};
  index::fill_shared(sub, linked, {});
  CHECK(sub["full_title"] == "LLM Prompt Injection: Direct");
  json parent = {{"id", "AML.T0051"}, {"type", "technique"}, {"title", "LLM Prompt Injection"}, {"parent", nullptr}};
  index::fill_shared(parent, linked, {});
  CHECK(parent["full_title"] == "LLM Prompt Injection");
  json stored = {{"id", "AML.T0051.000"}, {"type", "technique"}, {"title", "Direct"}, {"full_title", "Kept"}};
  index::fill_shared(stored, linked, {});
  CHECK(stored["full_title"] == "Kept");
}
