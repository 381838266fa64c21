// The packed hit summary of value slot schema::kSlotHit.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "index/hit_summary.h"

using namespace riskatlas;
using nlohmann::json;

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
  CHECK(json::parse(summary->facets) == record["facets"]);
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
  CHECK(summary->facets == "{}");
}

TEST_CASE("long fields pack with multi-byte lengths", "[index][hits]") {
  const std::string long_text(300000, 'x');
  const std::string packed = index::pack_hit_summary(index::HitSummary{"id", "risk", "", "{}", {long_text, "short"}});
  const auto summary = index::unpack_hit_summary(packed);
  REQUIRE(summary);
  CHECK(summary->text[0] == long_text);
  CHECK(summary->text[1] == "short");
}

TEST_CASE("JSON and damaged bytes are not a packed summary", "[index][hits]") {
  CHECK_FALSE(index::unpack_hit_summary(""));
  CHECK_FALSE(index::unpack_hit_summary(R"({"id":"x","text":[]})"));
  const std::string packed = index::pack_hit_summary(index::HitSummary{"id", "risk", "Title", "{}", {"one", "two"}});
  REQUIRE(index::unpack_hit_summary(packed));
  // Every cut short, and trailing bytes, are refused rather than read past.
  for (std::size_t n = 0; n < packed.size(); ++n) CHECK_FALSE(index::unpack_hit_summary(packed.substr(0, n)));
  CHECK_FALSE(index::unpack_hit_summary(packed + "x"));
  // A length that runs past the end, and a count far beyond what the bytes could hold.
  std::string overlong = packed;
  overlong[1] = '\x7f';
  CHECK_FALSE(index::unpack_hit_summary(overlong));
  CHECK_FALSE(index::unpack_hit_summary(std::string("\x01\x00\x00\x00\x00\xff\xff\xff\xff\x0f", 10)));
}

TEST_CASE("only bytes behind the packed marker are taken for a packed summary", "[index][hits]") {
  CHECK(index::is_packed_hit_summary(index::pack_hit_summary(index::HitSummary{"id", "risk", "T", "{}", {}})));
  CHECK(index::is_packed_hit_summary("\x01 damaged"));  // packed form, refused by unpack_hit_summary
  CHECK_FALSE(index::unpack_hit_summary("\x01 damaged"));
  CHECK_FALSE(index::is_packed_hit_summary(R"({"id":"x"})"));
  CHECK_FALSE(index::is_packed_hit_summary(""));
}
