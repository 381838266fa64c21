// make_hit: a matched document's stored summary made into a hit, whatever the index holds.
#include <catch2/catch.hpp>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "index/hit_summary.h"
#include "index/schema.h"
#include "search/hits.h"

using namespace riskatlas;

namespace {

// The hit made of the one document of an in-memory database holding `data` and, if not empty, `summary`.
std::optional<search::Hit> hit_of(const std::string& data, const std::string& summary) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document doc;
  doc.add_term("word");
  doc.set_data(data);
  if (!summary.empty()) doc.add_value(schema::kSlotHit, summary);
  db.add_document(doc);
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query("word"));
  const Xapian::MSet mset = enquire.get_mset(0, 1);
  REQUIRE(mset.size() == 1);
  analysis::Analyzer analyzer;
  return search::make_hit(mset.begin(), false, {}, analyzer);
}

}  // namespace

TEST_CASE("a hit is made from the stored summary", "[search][hits]") {
  const auto hit = hit_of("not read", R"({"id":"01.02.03","type":"risk","title":"T","facets":{},"text":["Some text."]})");
  REQUIRE(hit);
  CHECK(hit->id == "01.02.03");
  CHECK(hit->title == "T");
  CHECK(hit->snippet == "Some text.");
}

TEST_CASE("without a summary a hit is made from the whole record, and an unreadable one is skipped", "[search][hits]") {
  const auto hit = hit_of(R"({"id":"AML.T0001","type":"technique","title":"T","description":"A description."})", "");
  REQUIRE(hit);
  CHECK(hit->id == "AML.T0001");
  CHECK(hit->snippet == "A description.");
  CHECK_FALSE(hit_of("not json", ""));
  CHECK_FALSE(hit_of("[1, 2]", ""));
  CHECK_FALSE(hit_of("", "not json either"));
}

TEST_CASE("a hit is made from the packed summary the indexer stores", "[search][hits]") {
  const auto hit = hit_of("not read", index::pack_hit_summary(nlohmann::json{
                                          {"id", "AML.T0001"},
                                          {"type", "technique"},
                                          {"title", "T"},
                                          {"facets", {{"type", {{"value", "technique"}, {"label", "Technique"}}}}},
                                          {"description", "Packed <text>."}}));
  REQUIRE(hit);
  CHECK(hit->id == "AML.T0001");
  CHECK(hit->type == "technique");
  REQUIRE(hit->facets.size() == 1);
  CHECK(hit->facets[0].name == "type");
  CHECK_FALSE(hit->facets[0].multi);
  REQUIRE(hit->facets[0].values.size() == 1);
  CHECK(hit->facets[0].values[0] == std::pair<std::string, std::string>("technique", "Technique"));
  CHECK(hit->snippet == "Packed &lt;text&gt;.");
}

TEST_CASE("a hit whose packed summary is damaged is skipped", "[search][hits]") {
  std::string damaged = index::pack_hit_summary(index::HitSummary{"7.1", "risk", "T", {}, {"text"}});
  damaged.pop_back();
  CHECK_FALSE(hit_of(R"({"id":"7.1","type":"risk","title":"T","description":"Would read."})", damaged));
}

TEST_CASE("a hit is made from a summary packed by an older index, facets as JSON", "[search][hits]") {
  // Marker 1, then id, type, title and the facets' JSON each after its length, one text.
  const std::string facets = R"({"domain":{"label":"Privacy","value":"2"}})";
  const std::string older = std::string("\x01\x03" "7.1" "\x04" "risk" "\x01" "T") + static_cast<char>(facets.size()) +
                            facets + "\x01\x09" "Old text.";
  const auto hit = hit_of("not read", older);
  REQUIRE(hit);
  CHECK(hit->id == "7.1");
  CHECK(hit->snippet == "Old text.");
  REQUIRE(hit->facets.size() == 1);
  REQUIRE(hit->facets[0].values.size() == 1);
  CHECK(hit->facets[0].values[0].second == "Privacy");
}
