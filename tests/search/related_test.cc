// Related records over the tiny atlas (tests/search/fixture.h).
#include <algorithm>

#include <catch2/catch.hpp>

#include "search/fixture.h"
#include "search/searcher.h"

using namespace riskatlas;
using riskatlas::testing::tiny_generation;

namespace {

search::RelatedRecords related(const std::string& id) {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto r = searcher.related(id);
  REQUIRE(r.ok());
  return std::move(r.value());
}

std::vector<std::string> ids(const std::vector<search::RelatedRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

bool has(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

TEST_CASE("related risks come from other source papers, never the record itself", "[search]") {
  // 01.01.00 and 01.02.00 share "poisoning" but the same paper (Alpha2023); 03.02.00 (Delta2021)
  // shares "training".
  const auto r = related("01.01.00");
  const auto found = ids(r.related);
  CHECK_FALSE(has(found, "01.01.00"));
  CHECK_FALSE(has(found, "01.02.00"));
  REQUIRE(has(found, "03.02.00"));
  for (const auto& one : r.related) {
    CHECK(one.type == "risk");
    CHECK(one.source != "Alpha2023");
    CHECK_FALSE(one.words.empty());
    CHECK(one.score > 0);
  }
  const auto training = std::find_if(r.related.begin(), r.related.end(), [](const auto& x) { return x.id == "03.02.00"; });
  CHECK(has(training->words, "training"));
  CHECK(training->source == "Delta2021");
}

TEST_CASE("a risk's linked techniques and mitigations are ordered by what they share with its text", "[search]") {
  // 03.02.00 "Backdoor in a fine-tuned model": AML.T0018.000 ("Embedding a backdoor during training")
  // shares its title word "backdoor"; AML.T0018 ("Changing a model's weights or code") only "model".
  const auto r = related("03.02.00");
  REQUIRE(ids(r.techniques) == std::vector<std::string>{"AML.T0018.000", "AML.T0018"});
  CHECK(has(r.techniques[0].words, "backdoor"));
  CHECK(r.techniques[0].title == "Manipulate AI Model: Poison AI Model");
  CHECK(r.techniques[0].score > r.techniques[1].score);
  // AML.M0007's note "Check data for planted triggers." shares "triggers"; Code Signing shares less.
  REQUIRE(ids(r.mitigations) == std::vector<std::string>{"AML.M0007", "AML.M0013"});
  CHECK(has(r.mitigations[0].words, "triggers"));
}

TEST_CASE("related records of an unknown id are NotFound", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  CHECK(searcher.related("NO.SUCH").status().code() == StatusCode::kNotFound);
  CHECK(searcher.related("").status().code() == StatusCode::kNotFound);
}
