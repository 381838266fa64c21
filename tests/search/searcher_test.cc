#include <algorithm>
#include <regex>

#include <catch2/catch.hpp>

#include "analysis/stopwords.h"
#include "search/fixture.h"
#include "search/facet_counter.h"
#include "search/searcher.h"

using namespace riskatlas;
using riskatlas::testing::tiny_generation;

namespace {

search::SearchResponse run(const std::string& q, search::FacetFilters filters = {},
                           search::SortOrder sort = search::SortOrder::kRelevance) {
  auto r = testing::search_tiny({.q = q, .filters = std::move(filters), .sort = sort});
  REQUIRE(r.ok());
  return std::move(r.value());
}

std::vector<std::string> ids(const search::SearchResponse& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.id);
  return out;
}

bool has(const search::SearchResponse& r, const std::string& id) {
  const auto v = ids(r);
  return std::find(v.begin(), v.end(), id) != v.end();
}

std::size_t count_of(const search::SearchResponse& r, const std::string& facet, const std::string& value) {
  for (const auto& f : r.facets)
    if (f.name == facet)
      for (const auto& v : f.values)
        if (v.value == value) return v.count;
  return 0;
}

const search::FacetCounts* facet(const search::SearchResponse& r, const std::string& name) {
  for (const auto& f : r.facets)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("an exact title match outranks a passing mention in quoted text", "[search]") {
  const auto r = run("poisoning ");
  REQUIRE(r.hits.size() >= 2);
  CHECK(r.hits[0].id == "01.01.00");
  CHECK(has(r, "01.02.00"));  // mentions data poisoning in its quote only
  const auto v = ids(r);
  CHECK(std::find(v.begin(), v.end(), "01.01.00") < std::find(v.begin(), v.end(), "01.02.00"));
}

TEST_CASE("stemming lets poisoned find poisoning and poison", "[search]") {
  const auto r = run("poisoned ");
  CHECK(has(r, "01.01.00"));
  CHECK(has(r, "AML.T0020"));
}

TEST_CASE("a quoted phrase needs its words in order, loose words do not", "[search]") {
  CHECK(run("\"data poisoning\"").total == 2);  // 01.01.00's title and 01.02.00's quote
  const auto phrase = run("\"poisoning literature\"");
  CHECK(phrase.total == 1);
  CHECK(has(phrase, "01.02.00"));
  CHECK(run("\"literature poisoning\"").total == 0);
  CHECK(has(run("literature poisoning "), "01.02.00"));
}

TEST_CASE("a minus excludes a word", "[search]") {
  const auto all = run("poisoning ");
  const auto without = run("poisoning -evasion");
  CHECK(has(all, "01.02.00"));
  CHECK_FALSE(has(without, "01.02.00"));
  CHECK(has(without, "01.01.00"));
  CHECK(without.total == all.total - 1);
}

TEST_CASE("a wildcard that completes no word matches no record alone or beside a word", "[search]") {
  // An expansion to nothing once came back as an empty query, which the parser drops: 'zzq*' browsed
  // the whole index and 'poisoning zzq*' answered as 'poisoning'.
  CHECK(run("zzq*").total == 0);
  CHECK(run("poisoning zzq*").total == 0);
  CHECK(run("poisoning zzq*").relaxation == std::nullopt);
  CHECK(run("poison*").total > 0);
}

TEST_CASE("an identifier or dotted number before a wildcard begins the ids it names", "[search]") {
  // "01.0*" once became "01" and "0*": any record with a part "01" and a number.
  const auto risks = run("01.0*");
  CHECK(risks.total == 2);
  CHECK(has(risks, "01.01.00"));
  CHECK(has(risks, "01.02.00"));
  const auto scoped = run("id:03.0*");
  CHECK(scoped.total == 2);
  CHECK(has(scoped, "03.01.00"));
  CHECK(has(scoped, "03.02.00"));
  const auto technique = run("aml.t0018*");
  CHECK(technique.total == 2);
  CHECK(has(technique, "AML.T0018"));
  CHECK(has(technique, "AML.T0018.000"));
}

TEST_CASE("facet values typed in q are held to the limits of the request's filters", "[search]") {
  const auto too_long = testing::search_tiny({.q = "year:" + std::string(201, '1'), .filters = {}});
  CHECK(too_long.status().code() == StatusCode::kInvalidArgument);
  std::string scopes;
  for (int i = 0; i < 40; ++i) scopes += "year:" + std::to_string(1990 + i) + " ";
  search::FacetFilters filters;
  for (int i = 0; i < 30; ++i) filters["domain"].push_back(std::to_string(i));
  const auto too_many = testing::search_tiny({.q = scopes, .filters = filters});
  CHECK(too_many.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(too_many.status().message(), Catch::Contains("too many filter values"));
  filters["domain"].resize(20);
  CHECK(testing::search_tiny({.q = scopes, .filters = filters}).ok());  // 60 in all
}

TEST_CASE("OR matches either word", "[search]") {
  const auto r = run("chatbot OR hiring");
  CHECK(r.total == 2);
  CHECK(has(r, "03.01.00"));
  CHECK(has(r, "02.01.00"));
  CHECK(run("+chatbot +hiring").total == 0);
}

TEST_CASE("field scopes restrict words to the title, the source or the id", "[search]") {
  const auto title = run("title:poisoning");
  CHECK(has(title, "01.01.00"));
  CHECK_FALSE(has(title, "01.02.00"));
  const auto source = run("source:Beta2022");
  CHECK(source.total == 2);
  CHECK(has(source, "02.01.00"));
  const auto id = run("id:AML.T0018");
  CHECK(id.hits.size() >= 1);
  CHECK(id.hits[0].id == "AML.T0018");
}

TEST_CASE("a facet name in the query filters by that facet", "[search]") {
  const auto r = run("domain:1");
  CHECK(r.total == 2);
  CHECK(has(r, "02.01.00"));
  CHECK(has(r, "02.02.00"));
  const auto f = facet(r, "domain");
  REQUIRE(f != nullptr);
  CHECK(std::any_of(f->values.begin(), f->values.end(), [](const auto& v) { return v.value == "1" && v.selected; }));
}

TEST_CASE("typed filters of one facet joined by OR are their union; OR between a filter and a word is ignored, and said",
          "[search]") {
  const auto same_as = [](const std::string& typed, const std::string& q, search::FacetFilters filters,
                          bool literal) {
    INFO(typed);
    const auto r = run(typed, {}, search::SortOrder::kId);
    const auto expected = run(q, std::move(filters), search::SortOrder::kId);
    CHECK_FALSE(ids(expected).empty());
    CHECK(ids(r) == ids(expected));
    CHECK(r.interpreted_literally == literal);
  };
  same_as("domain:1 OR domain:2", "", {{"domain", {"1", "2"}}}, false);
  same_as("domain:2 AND poisoning", "poisoning", {{"domain", {"2"}}}, false);
  same_as("poisoning AND domain:2", "poisoning", {{"domain", {"2"}}}, false);
  // An AND across a filter still joins the words on either side: never relaxed.
  same_as("data AND domain:2 AND poisoning", "data AND poisoning", {{"domain", {"2"}}}, false);
  CHECK_FALSE(run("poisoning AND domain:2 AND qqqxv").relaxation.has_value());
  CHECK(run("poisoning AND domain:2 AND qqqxv").total == 0);
  same_as("poisoning OR domain:2", "poisoning", {{"domain", {"2"}}}, true);
  same_as("domain:2 OR poisoning", "poisoning", {{"domain", {"2"}}}, true);
  // The OR after a filter does not reach back past it to the word before.
  same_as("data domain:2 OR poisoning", "data poisoning", {{"domain", {"2"}}}, true);
}

TEST_CASE("a colon between words that scopes nothing joins them as a space does", "[search]") {
  const auto spaced = run("data poisoning", {}, search::SortOrder::kId);
  REQUIRE_FALSE(spaced.hits.empty());
  for (const std::string q : {"data:poisoning", "Data:Poisoning", "note:data:poisoning"}) {
    INFO(q);
    const auto r = run(q, {}, search::SortOrder::kId);
    CHECK(ids(r) == ids(run(std::regex_replace(q, std::regex(":"), " "), {}, search::SortOrder::kId)));
    CHECK_FALSE(r.interpreted_literally);
  }
  CHECK(ids(run("data:poisoning", {}, search::SortOrder::kId)) == ids(spaced));
  // A word no record holds before the colon no longer sinks the query: it is widened like any other.
  const auto unknown = run("qqqxv:poisoning ");
  CHECK(unknown.relaxation.has_value());
  CHECK(has(unknown, "01.01.00"));
  // Typing on after the colon completes the last word; a misspelt one is corrected in place.
  CHECK(has(run("data:poiso"), "01.01.00"));
  CHECK(ids(run("data:poiso:*", {}, search::SortOrder::kId)) == ids(run("data poiso*", {}, search::SortOrder::kId)));
  const auto misspelt = run("data:poisning ");
  CHECK(misspelt.suggestion.value_or("") == "data:poisoning ");
  // Suggestions read the colon as the query does: "emergent:beh" is checked as "emergent beh" is.
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  for (const std::string_view typed : {"data:poiso", "model:poisoning da"}) {
    INFO(typed);
    std::string spaced(typed);
    std::replace(spaced.begin(), spaced.end(), ':', ' ');
    const auto colon = searcher.suggest(typed);
    const auto space = searcher.suggest(spaced);
    REQUIRE(colon.ok());
    REQUIRE(space.ok());
    REQUIRE_FALSE(space->empty());
    REQUIRE(colon->size() == space->size());
    for (std::size_t i = 0; i < space->size(); ++i) {
      CHECK((*colon)[i].id == (*space)[i].id);
      if ((*space)[i].kind == "term") {
        std::string text = (*colon)[i].text;
        std::replace(text.begin(), text.end(), ':', ' ');
        CHECK(text == (*space)[i].text);
      }
    }
  }
  // A field or facet before the colon still scopes.
  CHECK(run("title:poisoning").total < run("poisoning").total);
}

TEST_CASE("the last word matches as a prefix while typing", "[search]") {
  CHECK(has(run("poiso"), "01.01.00"));
  // A finished word is a whole word: nothing holds "poiso", so the hits are a spelling correction.
  const auto finished = run("poiso ");
  CHECK(finished.corrected);
  CHECK(finished.suggestion.value_or("") != "poiso ");
}

TEST_CASE("a misspelt query gets a suggestion and the corrected hits", "[search]") {
  const auto r = run("poisning attack ");
  REQUIRE(r.suggestion.has_value());
  CHECK(*r.suggestion == "poisoning attack ");
  CHECK(r.corrected);
  CHECK(has(r, "01.01.00"));
  CHECK_FALSE(run("poisoning ").suggestion.has_value());
}

TEST_CASE("typing an identifier puts that record first", "[search]") {
  for (const std::string id : {"AML.T0018", "AML.M0007", "01.02.00", "AML.T0018.000"}) {
    const auto r = run(id);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits[0].id == id);
  }
}

TEST_CASE("disjunctive facet counts leave out each facet's own filter", "[search]") {
  // Worked by hand: domain 2 = {01.01.00, 01.02.00, 03.02.00}; pre-deployment = {01.01.00, 03.02.00}.
  const auto r = run("", {{"domain", {"2"}}, {"timing", {"pre-deployment"}}});
  CHECK(r.total == 2);
  CHECK(count_of(r, "domain", "2") == 2);  // timing applied: two pre-deployment risks in domain 2
  CHECK(count_of(r, "domain", "1") == 0);
  CHECK(count_of(r, "timing", "pre-deployment") == 2);  // domain applied, timing not
  CHECK(count_of(r, "timing", "post-deployment") == 1);
  CHECK(count_of(r, "type", "risk") == 2);
  CHECK(count_of(r, "entity", "human") == 2);
  CHECK(count_of(r, "lifecycle", "data-preparation") == 2);  // via Sanitize Training Data
  CHECK(count_of(r, "lifecycle", "deployment") == 1);        // 03.02.00 via Code Signing
  CHECK(count_of(r, "category", "technical-ml") == 2);
  CHECK(count_of(r, "category", "technical-cyber") == 1);
  CHECK(facet(r, "tactic") == nullptr);  // no technique matched: the facet does not apply
}

TEST_CASE("OR within a facet and AND across facets", "[search]") {
  CHECK(run("", {{"domain", {"1", "3"}}}).total == 3);
  CHECK(run("", {{"domain", {"1", "3"}}, {"entity", {"human"}}}).total == 0);
  const auto r = run("", {{"domain", {"1", "3"}}, {"entity", {"human"}}});
  const auto f = facet(r, "entity");
  REQUIRE(f != nullptr);
  // A selected value is listed even at zero so it can be unticked.
  CHECK(std::any_of(f->values.begin(), f->values.end(),
                    [](const auto& v) { return v.value == "human" && v.selected && v.count == 0; }));
}

TEST_CASE("technique filters count tactics and keep the type counts disjunctive", "[search]") {
  const auto r = run("", {{"type", {"technique"}}});
  CHECK(r.total == 4);
  CHECK(count_of(r, "type", "risk") == 6);
  CHECK(count_of(r, "type", "technique") == 4);
  CHECK(count_of(r, "type", "mitigation") == 3);
  CHECK(count_of(r, "tactic", "AML.TA0003") == 3);
  CHECK(count_of(r, "tactic", "AML.TA0007") == 1);
  CHECK(facet(r, "domain") == nullptr);
  const auto f = facet(r, "tactic");
  REQUIRE(f != nullptr);
  CHECK(f->values[0].label == "Resource Development");
}

TEST_CASE("facet values are sorted by count then label", "[search]") {
  const auto r = run("");
  const auto f = facet(r, "domain");
  REQUIRE(f != nullptr);
  REQUIRE(f->values.size() == 3);
  CHECK(f->values[0].value == "2");  // 3 risks
  CHECK(f->values[1].value == "1");  // 2 risks, label "1. ..." before "3. ..."
  CHECK(f->values[1].count == 2);
  CHECK(f->values[2].value == "3");
}

TEST_CASE("snippets mark matches and escape record text", "[search]") {
  const auto r = run("resume alert");
  REQUIRE(r.total == 1);
  const auto& s = r.hits[0].snippet;
  CHECK(s.find("&lt;script&gt;") != std::string::npos);
  CHECK(s.find("<script>") == std::string::npos);
  CHECK(s.find("<mark>r\xC3\xA9sum\xC3\xA9</mark>") != std::string::npos);
  CHECK(s.find("<mark>alert</mark>") != std::string::npos);
}

TEST_CASE("sorting by id and by title", "[search]") {
  const auto by_id = run("", {{"type", {"risk"}}}, search::SortOrder::kId);
  CHECK(ids(by_id).front() == "01.01.00");
  CHECK(ids(by_id).back() == "03.02.00");
  const auto by_title = run("", {{"type", {"risk"}}}, search::SortOrder::kTitle);
  CHECK(by_title.hits.front().title == "Backdoor in a fine-tuned model");
}

TEST_CASE("paging is exact", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  search::SearchRequest request;
  request.per_page = 5;
  request.page = 3;
  request.sort = search::SortOrder::kId;
  auto r = searcher.search(request);
  REQUIRE(r.ok());
  CHECK(r->total == 13);
  CHECK(r->hits.size() == 3);
}

TEST_CASE("bad requests are invalid arguments, never exceptions", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto bad = [&](search::SearchRequest request) {
    auto r = searcher.search(request);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
  };
  search::SearchRequest r;
  r.q = std::string(1025, 'a');
  bad(r);
  r.q = "bad \xff utf8";
  bad(r);
  r.q = "ctrl \x01";
  bad(r);
  r = {};
  r.page = 0;
  bad(r);
  r = {};
  r.per_page = 101;
  bad(r);
  r = {};
  r.page = 501;
  bad(r);
  r = {};
  r.filters["colour"] = {"red"};
  bad(r);
  r = {};
  r.q = "p*";  // a short prefix, but few words start with it here: answered, not refused
  const auto prefix = searcher.search(r);
  REQUIRE(prefix.ok());
  CHECK(prefix->total == 8);
  CHECK(has(*prefix, "01.01.00"));  // "poisoning"
}

TEST_CASE("ordinary typing that is not valid syntax is read as words", "[search]") {
  const std::vector<std::string> poisoning{"01.01.00", "01.02.00", "AML.T0018.000", "AML.T0020"};
  const std::vector<std::string> everything{"01.01.00", "01.02.00",  "02.01.00",  "02.02.00",      "03.01.00",
                                            "03.02.00", "AML.M0007", "AML.M0013", "AML.M0015",     "AML.T0015",
                                            "AML.T0018", "AML.T0018.000", "AML.T0020"};
  struct Case {
    std::string q;
    bool literal;    // interpreted_literally: syntax that did not parse was read as words
    bool corrected;  // the words matched nothing and a spelling correction answered
    std::vector<std::string> ids;  // every record answered, in id order
  };
  const std::vector<Case> cases{
      {"poisoning AND", true, false, poisoning},  // a dangling operator is dropped
      {"OR poisoning", true, false, poisoning},
      {"\"poisoning", true, false, poisoning},     // an unclosed quote
      {"((poisoning", true, false, poisoning},     // parentheses do not group
      {")", true, false, everything},              // nothing left to search: browse
      {"AND OR (", true, false, {"02.02.00", "AML.T0018"}},  // only operators: read as the words "and or"
      {"OR AND", true, false, {"02.02.00", "AML.T0018"}},
      {"NOT NOT", true, false, {}},  // the word "not", held by none: no NOT excludes it from everything
      {"-", false, false, {}},                     // a word of symbols only cannot match
      {"+", false, false, {}},
      {"*", false, false, {}},
      {"title:", false, false, {}},                // not a field scope: the word "title", held by none
      {"-\"\"", false, false, everything},         // excluding an empty phrase excludes nothing
  };
  for (const auto& c : cases) {
    INFO(c.q);
    const auto r = run(c.q, {}, search::SortOrder::kId);
    CHECK(r.interpreted_literally == c.literal);
    CHECK(r.corrected == c.corrected);
    CHECK(ids(r) == c.ids);
  }
  // A lone NOT is read as the word "not", which no record holds; typed in capitals it is never
  // "corrected" into another word.
  const auto lone_not = run("NOT", {}, search::SortOrder::kId);
  INFO("suggestion " << lone_not.suggestion.value_or(""));
  CHECK_FALSE(lone_not.corrected);
  CHECK(lone_not.total == 0);
}

TEST_CASE("explain lists matched terms by field with weights", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  search::SearchRequest request;
  request.q = "poisoning ";
  request.explain = true;
  auto r = searcher.search(request);
  REQUIRE(r.ok());
  REQUIRE_FALSE(r->hits.empty());
  REQUIRE(r->hits[0].explain);
  const auto& ex = *r->hits[0].explain;
  REQUIRE_FALSE(ex.empty());
  CHECK(std::any_of(ex.begin(), ex.end(), [](const auto& e) { return e.field == "title" && e.weight > 0; }));
  // A word scoped to a field is explained under that field, its stem too ("stem:aml" of id:, which
  // was shown as the text term "stem:XIDaml").
  request.q = "id:aml ";
  r = searcher.search(request);
  REQUIRE(r.ok());
  REQUIRE_FALSE(r->hits.empty());
  REQUIRE(r->hits[0].explain);
  for (const auto& e : *r->hits[0].explain) {
    INFO(e.field << " " << e.term);
    CHECK(e.field == "id");
    CHECK(e.term.find("XID") == std::string::npos);
  }
  CHECK_FALSE(r->hits[0].explain->empty());
}

TEST_CASE("a record is returned whole with its links", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto risk = searcher.record("03.02.00");
  REQUIRE(risk.ok());
  CHECK((*risk)["type"] == "risk");
  CHECK((*risk)["counts"]["techniques"] == 2);
  CHECK((*risk)["counts"]["mitigations"] == 2);
  auto technique = searcher.record("AML.T0018");
  REQUIRE(technique.ok());
  CHECK((*technique)["subtechniques"][0]["id"] == "AML.T0018.000");
  CHECK((*technique)["full_title"] == (*technique)["title"]);
  auto sub = searcher.record("AML.T0018.000");
  REQUIRE(sub.ok());
  CHECK((*sub)["full_title"] == (*technique)["title"].get<std::string>() + ": " + (*sub)["title"].get<std::string>());
  CHECK((*technique)["mitigations"][0]["use"] == "Only load signed model artifacts.");
  auto mitigation = searcher.record("AML.M0007");
  REQUIRE(mitigation.ok());
  CHECK((*mitigation)["risks"].size() == 2);
  CHECK(searcher.record("nope").status().code() == StatusCode::kNotFound);
  CHECK(searcher.record("../../etc/passwd").status().code() == StatusCode::kNotFound);
}

TEST_CASE("suggest completes titles and index words", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto s = searcher.suggest("poiso");
  REQUIRE(s.ok());
  REQUIRE_FALSE(s->empty());
  CHECK(std::any_of(s->begin(), s->end(), [](const auto& x) { return x.kind == "record" && x.id == "AML.T0020"; }));
  CHECK(std::any_of(s->begin(), s->end(), [](const auto& x) { return x.kind == "term" && x.text == "poisoning"; }));
  CHECK(s->size() <= search::kMaxSuggestions);
}

TEST_CASE("suggest expands a title word from its third character; shorter, it completes words only", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  const auto kinds = [&](std::string_view q, std::string_view kind) {
    auto s = searcher.suggest(q);
    REQUIRE(s.ok());
    return std::count_if(s->begin(), s->end(), [&](const auto& x) { return x.kind == kind; });
  };
  CHECK(kinds("poi", "record") > 0);
  CHECK(kinds("po", "record") == 0);
  CHECK(kinds("po", "term") > 0);
}

TEST_CASE("export returns the whole match set in order", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  search::SearchRequest request;
  request.filters["type"] = {"risk"};
  request.sort = search::SortOrder::kId;
  auto exported = searcher.export_matches(request, 100);
  REQUIRE(exported.ok());
  CHECK(exported->total == 6);
  REQUIRE(exported->records.size() == 6);
  CHECK(exported->records[0]["id"] == "01.01.00");
}

TEST_CASE("a snippet comes from the record's text, not its title", "[search]") {
  const auto r = run("title:poisoning");
  REQUIRE_FALSE(r.hits.empty());
  CHECK(r.hits[0].id == "01.01.00");
  CHECK(r.hits[0].snippet == "An attacker injects <mark>poisoned</mark> samples into the training set.");
}

TEST_CASE("an identifier stays required when the words beside it are relaxed", "[search]") {
  CHECK(run("\"aml.t0018 zzzqqq\"").total == 0);
  const auto r = run("AML.T0018 zzzqqq ");
  REQUIRE(r.relaxation);
  CHECK(r.relaxation->dropped_words == std::vector<std::string>{"zzzqqq"});
  REQUIRE_FALSE(r.hits.empty());
  CHECK(r.hits[0].id == "AML.T0018");
  CHECK(r.total == run("AML.T0018 ").total);
  CHECK(has(run("\"AML.T0018\""), "AML.T0018"));
}

TEST_CASE("a word with nothing searchable in it matches nothing instead of everything", "[search]") {
  CHECK(run("!!! ").total == 0);
  CHECK(run("+poisoning +" + std::string(300, 'a')).total == 0);
  // Beside other words, a plain word that can match nothing is left out like a function word.
  const auto beside = run("poisoning " + std::string(300, 'a') + " ? ");
  CHECK_FALSE(beside.relaxation);
  CHECK(beside.total == run("poisoning ").total);
  CHECK(run("id:" + std::string(300, 'x')).total == 0);
  CHECK(has(run("OR "), "02.02.00"));  // operators alone are searched as words: "toxic or hateful"
  CHECK(run("").total == 13);   // an empty query still browses everything
}

TEST_CASE("suggest keeps operators and identifiers and completes only a word being typed", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto terms = [&](std::string_view q) {
    std::vector<std::string> out;
    auto s = searcher.suggest(q);
    REQUIRE(s.ok());
    for (const auto& x : *s)
      if (x.kind == "term") out.push_back(x.text);
    return out;
  };
  // An identifier alone completes to records (the test below); after an operator, to terms.
  const auto ids = terms("-aml.t001");
  CHECK(std::find(ids.begin(), ids.end(), "-aml.t0018") != ids.end());
  const auto scoped = terms("title:poi");
  REQUIRE_FALSE(scoped.empty());
  for (const auto& t : scoped) CHECK(t.rfind("title:poi", 0) == 0);
  const auto negated = terms("data -poi");
  REQUIRE_FALSE(negated.empty());
  for (const auto& t : negated) CHECK(t.rfind("data -poi", 0) == 0);
  CHECK(terms("poison ").empty());
  // Beside other words, only completions some record holds with them: of the words starting "tr"
  // ("training", "triggers", ...), only "trusted" stands beside "chatbot".
  CHECK(terms("chatbot tr") == std::vector<std::string>{"chatbot trusted"});
  // A word being excluded is completed whatever the words before it.
  CHECK(terms("chatbot -tr").size() > 1);
}

TEST_CASE("suggest completes to function words after the other words, unless one is the word typed", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto terms = [&](std::string_view q) {
    std::vector<std::string> out;
    auto s = searcher.suggest(q, search::kMaxSuggestions);
    REQUIRE(s.ok());
    for (const auto& x : *s)
      if (x.kind == "term") out.push_back(x.text);
    return out;
  };
  for (const std::string prefix : {"t", "th", "i", "a", "o", "w"}) {
    INFO(prefix);
    const auto completions = terms(prefix);
    const auto first_function_word = std::find_if(completions.begin(), completions.end(), [&](const std::string& t) {
      return t != prefix && analysis::is_stopword(t);
    });
    CHECK(std::none_of(first_function_word, completions.end(), [&](const std::string& t) {
      return t != prefix && !analysis::is_stopword(t);
    }));
  }
  // "the" is in more records than any other word starting "t" but "training" and "test".
  const auto t = terms("t");
  INFO(Catch::Detail::stringify(t));
  const auto the = std::find(t.begin(), t.end(), "the");
  const auto triggers = std::find(t.begin(), t.end(), "triggers");
  REQUIRE(triggers != t.end());
  CHECK(the > triggers);
  CHECK(terms("a").front() == "a");  // the word as typed keeps its place
}

TEST_CASE("suggest completes the last words typed to an expression of the vocabulary some record holds", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  auto terms = [&](std::string_view q) {
    std::vector<std::string> out;
    auto s = searcher.suggest(q, search::kMaxSuggestions);
    REQUIRE(s.ok());
    for (const auto& x : *s)
      if (x.kind == "term") out.push_back(x.text);
    return out;
  };
  const auto contains = [](const std::vector<std::string>& v, std::string_view t) {
    return std::find(v.begin(), v.end(), t) != v.end();
  };
  // The fixture's vocabulary: "samples before training" = "denial", "language model" = "llm".
  CHECK(terms("samples bef").front() == "samples before training");
  CHECK(terms("Samples Before Tr").front() == "Samples Before training");  // kept as typed
  CHECK_FALSE(contains(terms("chatbot samples bef"), "chatbot samples before training"));  // no record holds it with "chatbot"
  CHECK_FALSE(contains(terms("-samples bef"), "samples before training"));  // "samples" is excluded there
  const auto langu = terms("langu");
  REQUIRE(contains(langu, "language model"));
  CHECK(langu.front() == "language model");  // before the words completing "langu"
  CHECK(contains(langu, "language"));
  CHECK_FALSE(contains(terms("la"), "language model"));  // a word alone from its third character
}

TEST_CASE("a sub-technique is found by its parent's name, as ATLAS writes it", "[search]") {
  // "Manipulate AI Model: Poison AI Model": "manipulate" is only in the parent's name.
  const auto r = run("manipulate backdoor");
  REQUIRE(!r.hits.empty());
  CHECK(r.hits[0].id == "AML.T0018.000");
  REQUIRE(r.relaxation);
  CHECK(r.relaxation->best_matched == 2);
}

TEST_CASE("a sub-technique is listed by its full name, in hits and suggestions", "[search]") {
  // Alone, "Poison AI Model" reads as its own technique; ATLAS lists it under its parent.
  const auto r = run("AML.T0018.000");
  REQUIRE(!r.hits.empty());
  CHECK(r.hits[0].id == "AML.T0018.000");
  CHECK(r.hits[0].title == "Manipulate AI Model: Poison AI Model");
  CHECK(run("manipulate ai model poison ai model").hits.at(0).id == "AML.T0018.000");  // the full name typed

  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  const auto s = searcher.suggest("poison ai");
  REQUIRE(s.ok());
  const auto sub = std::find_if(s->begin(), s->end(), [](const auto& x) { return x.id == "AML.T0018.000"; });
  REQUIRE(sub != s->end());
  CHECK(sub->text == "Manipulate AI Model: Poison AI Model");
}

TEST_CASE("suggest offers a parent technique before its sub-techniques", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  for (const std::string_view q : {"manipulate ai", "manipulate ai mod", "manip"}) {
    INFO(q);
    const auto s = searcher.suggest(q);
    REQUIRE(s.ok());
    std::vector<std::string> ids;
    for (const auto& x : *s)
      if (x.kind == "record") ids.push_back(x.id);
    CHECK(ids == std::vector<std::string>{"AML.T0018", "AML.T0018.000"});
    // With room for one record, it is the parent, which BM25 ranks after its sub-technique.
    const auto one = searcher.suggest(q, 2);
    REQUIRE(one.ok());
    REQUIRE_FALSE(one->empty());
    CHECK(one->front().id == "AML.T0018");
  }
  // After a space nothing is being completed and the list is all records; a short one is the start
  // of the longest.
  const auto all = searcher.suggest("manipulate ", 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() >= 2);
  for (std::size_t limit = 1; limit < all->size(); ++limit) {
    INFO(limit);
    const auto few = searcher.suggest("manipulate ", limit);
    REQUIRE(few.ok());
    REQUIRE(few->size() == limit);
    for (std::size_t i = 0; i < limit; ++i) CHECK((*few)[i].id == (*all)[i].id);
  }
}

TEST_CASE("a source paper's citation key is searchable by its name and its year", "[search]") {
  // Beta2022 is one word to the analyzer: "beta", typed whole, found nothing before.
  const auto beta = run("beta ");
  CHECK(beta.total == 2);
  CHECK(has(beta, "02.01.00"));
  CHECK(has(beta, "02.02.00"));
  const auto delta = run("delta 2021 ");
  REQUIRE_FALSE(delta.hits.empty());
  CHECK(delta.hits[0].id == "03.02.00");
  CHECK(delta.hits[0].missing_words.empty());  // it holds both words
  CHECK(run("gamma2024 ").total == 1);  // the key as written still matches
}

TEST_CASE("an identifier still being typed matches the ids it begins", "[search]") {
  for (const std::string typed : {"AML.T001", "aml.t00", "AML.T0018"}) {
    INFO(typed);
    const auto r = run(typed);
    CHECK(has(r, "AML.T0018"));
    CHECK(has(r, "AML.T0018.000"));
    CHECK_FALSE(has(r, "AML.M0007"));
  }
  CHECK(run("01.0").total == 2);    // 01.01.00 and 01.02.00
  CHECK(run("AML.T001 ").total == 0);  // typed whole (a space after it): an id no record has
}

TEST_CASE("suggest completes an identifier or dotted number being typed with the records it begins", "[search]") {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  const auto records = [&](std::string_view q) {
    const auto s = searcher.suggest(q);
    REQUIRE(s.ok());
    std::vector<std::string> ids;
    for (const auto& x : *s) {
      CHECK(x.kind == "record");
      ids.push_back(x.id);
    }
    return ids;
  };
  CHECK(records("AML.T00") == std::vector<std::string>{"AML.T0015", "AML.T0018", "AML.T0018.000", "AML.T0020"});
  CHECK(records("aml.t001") == std::vector<std::string>{"AML.T0015", "AML.T0018", "AML.T0018.000"});
  CHECK(records("aml.m") == std::vector<std::string>{"AML.M0007", "AML.M0013", "AML.M0015"});
  // "01.0" is one number: not its last part "0", which would complete to any number.
  CHECK(records("01.0") == std::vector<std::string>{"01.01.00", "01.02.00"});
}

TEST_CASE("suggest lists ids that are not zero-padded in number order", "[search]") {
  // TEAM-1 .. TEAM-200: in character order TEAM-100 .. TEAM-149 come before TEAM-15.
  model::Atlas atlas;
  for (int i = 1; i <= 200; ++i)
    atlas.risks.push_back(testing::make_risk("TEAM-" + std::to_string(i), "Register entry", "Text.", "Quote.", "1",
                                             "1.1", "human", "intentional", "post-deployment"));
  testing::ScratchDir dir("suggest-numbered");
  Diagnostics warnings;
  REQUIRE(index::write_database(atlas, dir.path() / "gen", {}, warnings).ok());
  auto opened = search::Generation::open(dir.path() / "gen");
  REQUIRE(opened.ok());
  analysis::Analyzer analyzer;
  search::Searcher searcher(std::shared_ptr<const search::Generation>(opened.value()), analyzer);
  const auto s = searcher.suggest("team-1", 10);
  REQUIRE(s.ok());
  std::vector<std::string> ids;
  for (const auto& x : *s) ids.push_back(x.id);
  CHECK(ids == std::vector<std::string>{"TEAM-1", "TEAM-10", "TEAM-11", "TEAM-12", "TEAM-13", "TEAM-14", "TEAM-15",
                                        "TEAM-16", "TEAM-17", "TEAM-18"});
}

TEST_CASE("a tactic's id finds the techniques under it", "[search]") {
  const auto r = run("AML.TA0003 ");
  CHECK(has(r, "AML.T0020"));
  CHECK(has(r, "AML.T0018"));
  CHECK_FALSE(has(r, "AML.T0015"));  // Defense Evasion
  for (const auto& h : r.hits) CHECK(h.type == "technique");
}
