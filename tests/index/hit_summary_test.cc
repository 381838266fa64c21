// The packed hit summary of value slot schema::kSlotHit.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "index/hit_summary.h"

using namespace riskatlas;
using nlohmann::json;

namespace {

// A summary as indexes stored it before facets were packed: marker 1, then id, type, title and the
// facets' JSON, the number of texts and the texts, each string after its length (one byte here).
std::string older_summary(const std::string& facets_json = R"({"type":{"label":"Risk","value":"risk"}})") {
  std::string out = "\x01";
  for (const std::string& s : {std::string("7.1"), std::string("risk"), std::string("T"), facets_json})
    out += static_cast<char>(s.size()) + s;
  return out + "\x01" + "\x04" + "Text";
}

}  // namespace

TEST_CASE("a packed hit summary holds the record's id type title facets and text fields in order", "[index][hits]") {
  const json record = {{"id", "AML.M0001"},
                       {"type", "mitigation"},
                       {"title", "Limit \"model\" queries"},
                       {"facets", {{"category", {{{"value", "technical"}, {"label", "Technical"}}}}}},
                       {"description", "Rate-limit the API.\nEspecially ✓ bulk callers."},
                       {"techniques", {{{"id", "AML.T0001"}, {"use", "Slows extraction."}}, {{"id", "AML.T0002"}}}},
                       {"evidence", {{{"text", ""}}}}};
  const std::string packed = index::pack_hit_summary(record);
  const auto summary = index::unpack_hit_summary(packed);
  REQUIRE(summary);
  CHECK(summary->id == "AML.M0001");
  CHECK(summary->type == "mitigation");
  CHECK(summary->title == "Limit \"model\" queries");
  REQUIRE(summary->facets.size() == 1);
  CHECK(summary->facets[0].name == "category");
  CHECK(summary->facets[0].multi);
  REQUIRE(summary->facets[0].values.size() == 1);
  CHECK(summary->facets[0].values[0] == std::pair<std::string_view, std::string_view>("technical", "Technical"));
  REQUIRE(summary->text.size() == 3);
  CHECK(summary->text[0] == "Rate-limit the API.\nEspecially ✓ bulk callers.");
  CHECK(summary->text[1].empty());  // the evidence, in its place
  CHECK(summary->text[2] == "Slows extraction.");
}

TEST_CASE("a record without text fields is summarised by its title", "[index][hits]") {
  const std::string packed = index::pack_hit_summary(json{{"id", "7.1"}, {"type", "risk"}, {"title", "Only a title"}});
  const auto summary = index::unpack_hit_summary(packed);
  REQUIRE(summary);
  REQUIRE(summary->text.size() == 1);
  CHECK(summary->text[0] == "Only a title");
  CHECK(summary->facets.empty());
}

TEST_CASE("long fields pack with multi-byte lengths", "[index][hits]") {
  const std::string long_text(300000, 'x');
  const std::string packed = index::pack_hit_summary(index::HitSummary{"id", "risk", "", {}, {long_text, "short"}});
  const auto summary = index::unpack_hit_summary(packed);
  REQUIRE(summary);
  CHECK(summary->text[0] == long_text);
  CHECK(summary->text[1] == "short");
}

TEST_CASE("JSON and damaged bytes are not a packed summary", "[index][hits]") {
  CHECK_FALSE(index::unpack_hit_summary(""));
  CHECK_FALSE(index::unpack_hit_summary(R"({"id":"x","text":[]})"));
  const std::string packed = index::pack_hit_summary(index::HitSummary{
      "id", "risk", "Title", {{"type", false, {{"risk", "Risk"}}}, {"lifecycle", true, {{"a", "A"}, {"b", "B"}}}}, {"one", "two"}});
  REQUIRE(index::unpack_hit_summary(packed));
  // Every cut short (in the facets too), and trailing bytes, are refused rather than read past.
  for (std::size_t n = 0; n < packed.size(); ++n) CHECK_FALSE(index::unpack_hit_summary(packed.substr(0, n)));
  CHECK_FALSE(index::unpack_hit_summary(packed + "x"));
  // A length that runs past the end, and a count far beyond what the bytes could hold.
  std::string overlong = packed;
  overlong[1] = '\x7f';
  CHECK_FALSE(index::unpack_hit_summary(overlong));
  CHECK_FALSE(index::unpack_hit_summary(std::string("\x02\x00\x00\x00\x00\xff\xff\xff\xff\x0f", 10)));
  CHECK_FALSE(index::unpack_hit_summary(std::string("\x02\x00\x00\x00\xff\xff\xff\xff\x0f\x00", 10)));
  // More facets than the model has; a list-or-single flag that is neither.
  CHECK_FALSE(index::unpack_hit_summary(std::string("\x02\x00\x00\x00\x7f", 5) + std::string(127 * 3 + 1, '\x00')));
  std::string flag = index::pack_hit_summary(index::HitSummary{"i", "r", "t", {{"type", false, {{"risk", "Risk"}}}}, {}});
  const std::size_t at = flag.find("type") + 4;  // the flag follows the facet's name
  REQUIRE(flag[at] == '\x00');
  flag[at] = '\x02';
  CHECK_FALSE(index::unpack_hit_summary(flag));
}

TEST_CASE("only bytes behind the packed marker are taken for a packed summary", "[index][hits]") {
  CHECK(index::is_packed_hit_summary(index::pack_hit_summary(index::HitSummary{"id", "risk", "T", {}, {}})));
  CHECK(index::is_packed_hit_summary("\x02 damaged"));  // packed form, refused by unpack_hit_summary
  CHECK_FALSE(index::unpack_hit_summary("\x02 damaged"));
  CHECK_FALSE(index::is_packed_hit_summary(older_summary()));  // facets as JSON: repack_hit_summary reads it
  CHECK_FALSE(index::is_packed_hit_summary(R"({"id":"x"})"));
  CHECK_FALSE(index::is_packed_hit_summary(""));
}

TEST_CASE("a summary's facets come in model order, single values apart from lists", "[index][hits]") {
  const json record = {{"id", "01.02.00"},
                       {"type", "risk"},
                       {"title", "T"},
                       {"facets",
                        {{"unknown", {{"value", "x"}, {"label", "X"}}},
                         {"lifecycle", json::array({{{"value", "deploy"}, {"label", "Deployment"}},
                                                    {{"value", "train"}, {"label", "Training"}}})},
                         {"domain", {{"value", "2"}, {"label", "2. Privacy & Security"}}},
                         {"type", {{"value", "risk"}, {"label", "Risk"}}}}}};
  const std::string packed = index::pack_hit_summary(record);
  const auto summary = index::unpack_hit_summary(packed);
  REQUIRE(summary);
  REQUIRE(summary->facets.size() == 3);  // "unknown" is no facet of the model
  CHECK(summary->facets[0].name == "type");
  CHECK(summary->facets[1].name == "domain");
  CHECK_FALSE(summary->facets[1].multi);
  REQUIRE(summary->facets[1].values.size() == 1);
  CHECK(summary->facets[1].values[0].second == "2. Privacy & Security");
  CHECK(summary->facets[2].name == "lifecycle");
  CHECK(summary->facets[2].multi);
  REQUIRE(summary->facets[2].values.size() == 2);
  CHECK(summary->facets[2].values[1].first == "train");
}

TEST_CASE("a summary stored by an older index is packed again as now", "[index][hits]") {
  const std::string facets = R"({"lifecycle":[{"label":"Deployment","value":"deploy"}],"type":{"label":"Risk","value":"risk"}})";
  const std::string json_summary = R"({"id":"7.1","type":"risk","title":"T","facets":)" + facets + R"(,"text":["Text"]})";
  for (const std::string& older : {older_summary(facets), json_summary}) {
    INFO(older);
    const auto repacked = index::repack_hit_summary(older);
    REQUIRE(repacked);
    const auto summary = index::unpack_hit_summary(*repacked);
    REQUIRE(summary);
    CHECK(summary->id == "7.1");
    CHECK(summary->title == "T");
    REQUIRE(summary->facets.size() == 2);
    CHECK(summary->facets[0].name == "type");
    CHECK_FALSE(summary->facets[0].multi);
    CHECK(summary->facets[1].name == "lifecycle");
    CHECK(summary->facets[1].multi);
    REQUIRE(summary->facets[1].values.size() == 1);
    CHECK(summary->facets[1].values[0] == std::pair<std::string_view, std::string_view>("deploy", "Deployment"));
    REQUIRE(summary->text.size() == 1);
    CHECK(summary->text[0] == "Text");
  }
  // Facets that are not JSON are left out; bytes cut anywhere, and the present form, are not an
  // older summary.
  const auto bad_facets = index::repack_hit_summary(older_summary("{not json"));
  REQUIRE(bad_facets);
  const auto unpacked = index::unpack_hit_summary(*bad_facets);
  REQUIRE(unpacked);
  CHECK(unpacked->facets.empty());
  const std::string older = older_summary(facets);
  for (std::size_t n = 0; n < older.size(); ++n) CHECK_FALSE(index::repack_hit_summary(older.substr(0, n)));
  CHECK_FALSE(index::repack_hit_summary(*index::repack_hit_summary(older)));
  CHECK_FALSE(index::repack_hit_summary(R"({"id":"x"})"));  // JSON without its texts
}

TEST_CASE("a summary whose fields are not strings is read with those fields empty, never thrown on", "[index][hits]") {
  // Found by the hit_summary fuzzer: an id that is an object threw nlohmann's type_error.
  const auto repacked = index::repack_hit_summary(
      R"({"id":{"x":1},"type":7,"title":null,"facets":{"lifecycle":[{"value":"a","label":"A"},3],"domain":"2"},"text":["T",1]})");
  REQUIRE(repacked);
  const auto summary = index::unpack_hit_summary(*repacked);
  REQUIRE(summary);
  CHECK(summary->id.empty());
  CHECK(summary->type.empty());
  CHECK(summary->title.empty());
  REQUIRE(summary->facets.size() == 1);  // "domain" holds no {value,label}
  CHECK(summary->facets[0].values.size() == 1);
  CHECK(summary->text == std::vector<std::string_view>{"T"});
  const std::string packed = index::pack_hit_summary(json{{"id", 1}, {"type", {"risk"}}, {"description", "D"}});
  REQUIRE(index::unpack_hit_summary(packed));
  CHECK(index::unpack_hit_summary(packed)->id.empty());
}
