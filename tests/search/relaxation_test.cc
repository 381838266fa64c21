// Relaxed matching over the tiny atlas (tests/search/fixture.h), answers worked out by hand.
#include <algorithm>

#include <catch2/catch.hpp>

#include "search/fixture.h"
#include "search/ranking.h"
#include "search/remote_relaxation.h"
#include "search/searcher.h"

using namespace riskatlas;
using riskatlas::testing::tiny_generation;

namespace {

search::SearchResponse run(const std::string& q, search::FacetFilters filters = {}, std::size_t per_page = 20) {
  auto r = testing::search_tiny({.q = q, .filters = std::move(filters), .per_page = per_page});
  REQUIRE(r.ok());
  return std::move(r.value());
}

const search::Hit* find(const search::SearchResponse& r, const std::string& id) {
  for (const auto& h : r.hits)
    if (h.id == id) return &h;
  return nullptr;
}

std::size_t facet_count(const search::SearchResponse& r, const std::string& facet, const std::string& value) {
  for (const auto& f : r.facets)
    if (f.name == facet)
      for (const auto& v : f.values)
        if (v.value == value) return v.count;
  return 0;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("no record has both words: each record with one of them, told which it lacks", "[search]") {
  const auto r = run("chatbot hiring ");
  REQUIRE(r.relaxation);
  CHECK(r.relaxation->words == Words{"chatbot", "hiring"});
  CHECK(r.relaxation->min_matched == 1);
  CHECK(r.relaxation->best_matched == 1);
  CHECK(r.relaxation->dropped_words.empty());
  CHECK(r.total == 2);
  REQUIRE(r.hits.size() == 2);
  REQUIRE(find(r, "03.01.00"));
  CHECK(find(r, "03.01.00")->missing_words == Words{"hiring"});
  REQUIRE(find(r, "02.01.00"));
  CHECK(find(r, "02.01.00")->missing_words == Words{"chatbot"});
}

TEST_CASE("a record holding more of the words ranks above any holding fewer, whatever its BM25", "[search]") {
  // AML.M0007 holds "planted" and "triggers" in a use note; 03.02.00 holds "trigger" in its
  // description and its quote and outweighs it on that word alone, but holds one word.
  const auto r = run("triggers planted qqqxv ");
  REQUIRE(r.relaxation);
  CHECK(r.relaxation->best_matched == 2);
  CHECK(r.relaxation->min_matched == 1);
  CHECK(r.relaxation->dropped_words == Words{"qqqxv"});
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "AML.M0007");
  CHECK(r.hits[0].missing_words == Words{"qqqxv"});
  CHECK(r.hits[1].id == "03.02.00");
  CHECK(r.hits[1].missing_words == Words{"planted", "qqqxv"});
  // On "triggers" alone, BM25 puts 03.02.00 first.
  const auto alone = run("triggers ");
  const auto position = [&](const std::string& id) {
    return std::find_if(alone.hits.begin(), alone.hits.end(), [&](const search::Hit& h) { return h.id == id; });
  };
  CHECK(position("03.02.00") < position("AML.M0007"));
}

TEST_CASE("a relaxed answer's total and facet counts describe exactly the records it pages through", "[search]") {
  // Words held by at most 2 of the 13 records: relaxation counts them all.
  const auto all = run("evasion hiring chatbot backdoor ", {}, 100);
  REQUIRE(all.relaxation);
  CHECK(all.total == all.hits.size());
  std::size_t by_type = 0;
  for (const char* type : {"risk", "technique", "mitigation"}) {
    const std::size_t n = facet_count(all, "type", type);
    by_type += n;
    CHECK(n == static_cast<std::size_t>(std::count_if(all.hits.begin(), all.hits.end(),
                                                       [&](const search::Hit& h) { return h.type == type; })));
  }
  CHECK(by_type == all.total);

  CHECK(facet_count(all, "type", "risk") == 4);
  CHECK(facet_count(all, "type", "technique") == 2);
  CHECK(facet_count(all, "type", "mitigation") == 0);

  // Filtered to risks, the type facet still counts its siblings (disjunctive) in the same answer.
  const auto risks = run("evasion hiring chatbot backdoor ", {{"type", {"risk"}}}, 100);
  REQUIRE(risks.relaxation);
  CHECK(risks.total == facet_count(all, "type", "risk"));
  CHECK(facet_count(risks, "type", "technique") == facet_count(all, "type", "technique"));
  for (const auto& h : risks.hits) CHECK(h.type == "risk");

  // Paging walks the same answer.
  const auto first = run("evasion hiring chatbot backdoor ", {}, 2);
  CHECK(first.total == all.total);
  REQUIRE(first.hits.size() == 2);
  CHECK(first.hits[0].id == all.hits[0].id);
  CHECK(first.hits[1].id == all.hits[1].id);
}

TEST_CASE("export relaxes a query exactly as search does", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  search::SearchRequest request;
  request.q = "chatbot hiring ";
  auto exported = searcher.export_matches(request, 100);
  REQUIRE(exported.ok());
  CHECK(exported->total == 2);
  CHECK(exported->records.size() == 2);
}

TEST_CASE("export answers what search answers, a spelling correction included", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  for (const char* q : {"poisning attacker ", "chatbot hiring ", "hirng "}) {
    INFO(q);
    search::SearchRequest request;
    request.q = q;
    request.per_page = 100;
    auto searched = searcher.search(request);
    auto exported = searcher.export_matches(request, 100);
    REQUIRE(searched.ok());
    REQUIRE(exported.ok());
    CHECK(exported->total == searched->total);
    CHECK(exported->corrected == searched->corrected);
    CHECK(exported->suggestion == searched->suggestion);
    REQUIRE(exported->records.size() == searched->hits.size());
    for (std::size_t i = 0; i < exported->records.size(); ++i) CHECK(exported->records[i]["id"] == searched->hits[i].id);
  }
}

TEST_CASE("a word of the vocabulary is never corrected into another word", "[search]") {
  // "trojan" is in no record but is a synonym of "backdoor"; "trojn" is a misspelling of nothing held.
  const auto r = run("trojan ");
  CHECK_FALSE(r.corrected);
  CHECK_FALSE(r.suggestion);
  CHECK(find(r, "03.02.00"));
}

TEST_CASE("a synonym holding a function word matches records that hold it in full", "[search]") {
  // The vocabulary pairs "denial" (in no record) with "samples before training", which AML.M0007's
  // note holds with "before" between the other words.
  const auto r = run("denial ");
  CHECK(find(r, "AML.M0007"));
}

TEST_CASE("enough records holding every word: no relaxation", "[search]") {
  const auto r = run("poisoning ");
  CHECK_FALSE(r.relaxation);
  for (const auto& h : r.hits) CHECK(h.missing_words.empty());
}

TEST_CASE("explicit operators are never relaxed", "[search]") {
  CHECK(run("+chatbot +hiring").total == 0);
  CHECK(run("chatbot AND hiring").total == 0);
  CHECK(run("\"medical hiring\"").total == 0);
  CHECK(run("title:chatbot hiring").total == 0);
  // A phrase stays required; only the plain word beside it may go.
  const auto phrase = run("\"training data\" qqqxv ");
  REQUIRE(phrase.relaxation);
  CHECK(phrase.relaxation->min_matched == 0);
  CHECK(phrase.total == run("\"training data\"").total);
  // An exclusion still excludes from a relaxed answer.
  const auto excluded = run("chatbot hiring -medical ");
  CHECK(excluded.total == 1);
  REQUIRE(excluded.hits.size() == 1);
  CHECK(excluded.hits[0].id == "02.01.00");
}

TEST_CASE("function words of a question neither block a match nor rank", "[search]") {
  // "how", "can", "the" are in no record; the content words all are in 01.01.00.
  const auto r = run("how can an attacker poison the training data ");
  REQUIRE_FALSE(r.hits.empty());
  CHECK(r.hits[0].id == "01.01.00");
  CHECK(r.hits[0].missing_words.empty());
  if (r.relaxation) CHECK(r.relaxation->words == Words{"attacker", "poison", "training", "data"});
}

TEST_CASE("synonyms from the index's vocabulary match in both directions", "[search]") {
  // "Language models emit toxic or hateful text." holds no "llm".
  const auto llm = run("llm ");
  REQUIRE(find(llm, "02.02.00"));
  CHECK(run("toxic llm ").hits.at(0).id == "02.02.00");
  // "trojan" is in no record; its synonym "backdoor" is.
  const auto trojan = run("trojan ");
  CHECK(find(trojan, "03.02.00"));
  CHECK(find(trojan, "AML.T0018.000"));
  CHECK(trojan.total == run("backdoor ").total);
}

TEST_CASE("a misspelt plain word is corrected even when the other words match", "[search]") {
  const auto r = run("poisning attacker ");
  CHECK(r.corrected);
  REQUIRE(r.suggestion);
  CHECK(*r.suggestion == "poisoning attacker ");
  CHECK(r.query == "poisning attacker ");
  REQUIRE_FALSE(r.hits.empty());
  CHECK(r.hits[0].id == "01.01.00");
  // Inside OR the user's words are kept while they match something; the correction is offered.
  const auto ored = run("evasion OR poisning");
  CHECK_FALSE(ored.corrected);
  REQUIRE(ored.suggestion);
  CHECK(*ored.suggestion == "evasion OR poisoning");
  // A phrase that matches nothing as typed is answered by its correction.
  const auto phrase = run("\"data poisning\"");
  CHECK(phrase.corrected);
  REQUIRE(phrase.suggestion);
  CHECK(*phrase.suggestion == "\"data poisoning\"");
  CHECK(phrase.total > 0);
}

TEST_CASE("a query that is a record's whole title ranks that record first", "[search]") {
  CHECK(run("training data poisoning").hits.at(0).id == "01.01.00");
  CHECK(run("Poison Training Data").hits.at(0).id == "AML.T0020");
  // The boost is no word of the record: explain lists the words only.
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  search::SearchRequest request;
  request.q = "training data poisoning";
  request.explain = true;
  auto r = searcher.search(request);
  REQUIRE(r.ok());
  REQUIRE(r->hits.at(0).explain);
  REQUIRE_FALSE(r->hits[0].explain->empty());
  for (const auto& e : *r->hits[0].explain) CHECK(e.term.rfind("XT", 0) != 0);
}

TEST_CASE("over remote shards a tier too costly to spell out gives way to the nearest wider one", "[search]") {
  using search::spellable_tier;
  CHECK(spellable_tier(10, 5) == 5);   // ten words: every tier spelt out (C(10, 5) = 252 sets at most)
  CHECK(spellable_tier(12, 7) == 3);   // 7 of 12 is 792 sets, 4 of 12 495, 3 of 12 220
  CHECK(spellable_tier(12, 10) == 10);  // 66 sets
  CHECK(spellable_tier(64, 2) == 1);   // C(64, 2) = 2016: any one word
  CHECK(spellable_tier(12, 0) == 0);
}
