// The query language, parsed without an index (no synonyms, no word frequencies) unless a test says so.
#include <catch2/catch.hpp>

#include "search/fixture.h"
#include "search/query_builder.h"

using namespace riskatlas;

namespace {

search::ParsedQuery parse(const std::string& q, const Xapian::Database* db = nullptr, bool partial = false) {
  analysis::Analyzer analyzer;
  auto parsed = search::parse_query(q, analyzer, {db, partial});
  REQUIRE(parsed.ok());
  return std::move(parsed.value());
}

std::vector<std::string> texts(const search::ParsedQuery& p) {
  std::vector<std::string> out;
  for (const auto& c : p.clauses) out.push_back(c.text);
  return out;
}

std::vector<bool> optional(const search::ParsedQuery& p) {
  std::vector<bool> out;
  for (const auto& c : p.clauses) out.push_back(c.optional);
  return out;
}

using Texts = std::vector<std::string>;
using Flags = std::vector<bool>;

}  // namespace

TEST_CASE("plain words are optional clauses; operators, phrases, scopes and identifiers are required", "[search]") {
  CHECK(texts(parse("data poisoning")) == Texts{"data", "poisoning"});
  CHECK(optional(parse("data poisoning")) == Flags{true, true});
  CHECK(optional(parse("+data poisoning")) == Flags{false, true});
  CHECK(optional(parse("data AND poisoning")) == Flags{false, false});
  CHECK(optional(parse("\"training data\" poisoning")) == Flags{false, true});
  CHECK(optional(parse("title:poisoning data")) == Flags{false, true});
  CHECK(optional(parse("AML.T0020 data")) == Flags{false, true});
  CHECK(optional(parse("gpt-4 misuse")) == Flags{false, true});
  CHECK(optional(parse("poison* data")) == Flags{false, true});
  // A hyphenated word is a word, not an identifier.
  CHECK(optional(parse("fine-tuning data")) == Flags{true, true});
}

TEST_CASE("an OR group is one required clause named by its whole text", "[search]") {
  const auto p = parse("chatbot OR hiring bias");
  CHECK(texts(p) == Texts{"chatbot OR hiring", "bias"});
  CHECK(optional(p) == Flags{false, true});
}

TEST_CASE("exclusions and facet scopes are no clauses", "[search]") {
  const auto p = parse("poisoning -evasion NOT image domain:2");
  CHECK(texts(p) == Texts{"poisoning"});
  CHECK_FALSE(p.exclusions.empty());
  CHECK(p.facet_scopes.at("domain") == Texts{"2"});
}

TEST_CASE("function words are left out of a question, kept when nothing else is asked", "[search]") {
  const auto q = parse("how can attackers steal a model");
  CHECK(texts(q) == Texts{"attackers", "steal", "model"});
  CHECK(q.ignored_words == Texts{"how", "can", "a"});
  CHECK(texts(parse("the who")) == Texts{"the", "who"});
  // Quoted, a function word stays in the phrase.
  CHECK(texts(parse("\"denial of service\"")) == Texts{"\"denial of service\""});
}

TEST_CASE("only plain words may be corrected unasked", "[search]") {
  const auto p = parse("poisning OR evasoin attakc");
  REQUIRE(p.spell_words.size() == 3);
  CHECK_FALSE(p.spell_words[0].optional);
  CHECK_FALSE(p.spell_words[1].optional);
  CHECK(p.spell_words[2].optional);
  CHECK(p.spell_words[2].term == "attakc");
}

TEST_CASE("with an index: synonyms widen a word's clause, common words are not counted", "[search]") {
  auto lease = testing::tiny_generation()->lease();
  REQUIRE(lease.ok());
  const Xapian::Database& db = lease->db();
  const auto p = parse("llm poisoning hiring", &db);
  REQUIRE(p.clauses.size() == 3);
  // "llm" expands to the phrase "language model(s)"; "hiring" has no synonym.
  CHECK(p.clauses[0].query.get_description().find("PHRASE") != std::string::npos);
  CHECK(p.clauses[2].query.get_description().find("PHRASE") == std::string::npos);
  // "poisoning" (stem "poison") is held by 4 of the 13 records: over kCommonWordShare.
  CHECK(p.clauses[0].counted);
  CHECK_FALSE(p.clauses[1].counted);
  CHECK(p.clauses[2].counted);
  CHECK(p.counted_count() == 2);
}

TEST_CASE("with an index: a light word weighs but is not counted, unless nothing else is", "[search]") {
  auto lease = testing::tiny_generation()->lease();
  REQUIRE(lease.ok());
  const Xapian::Database& db = lease->db();
  // A light verb, an adverb particle and a general noun.
  const auto p = parse("attackers took over hiring things", &db);
  REQUIRE(p.clauses.size() == 5);
  CHECK(p.clauses[0].counted);
  CHECK_FALSE(p.clauses[1].counted);
  CHECK(p.clauses[1].optional);
  CHECK_FALSE(p.clauses[2].counted);
  CHECK(p.clauses[2].optional);
  CHECK(p.clauses[3].counted);
  CHECK_FALSE(p.clauses[4].counted);
  CHECK(p.counted_count() == 2);
  // Alone it is all there is to count.
  const auto alone = parse("using", &db);
  REQUIRE(alone.clauses.size() == 1);
  CHECK(alone.clauses[0].counted);
}

TEST_CASE("the last word is completed only while it is not a word the index holds", "[search]") {
  auto lease = testing::tiny_generation()->lease();
  REQUIRE(lease.ok());
  const Xapian::Database& db = lease->db();
  CHECK_FALSE(parse("data poiso", &db, true).highlight.prefixes.empty());
  CHECK(parse("data hiring", &db, true).highlight.prefixes.empty());
  CHECK(parse("data poiso ", &db, true).highlight.prefixes.empty());  // a space ends the word
}

TEST_CASE("a query that is a whole title carries the exact-title boost", "[search]") {
  const Xapian::Query core("x");
  CHECK(parse("Training data poisoning").finish(core).get_description().find("XTtraining data poisoning") != std::string::npos);
  CHECK(parse("training -data").finish(core).get_description().find("XT") == std::string::npos);
}

TEST_CASE("a wildcard word longer than a short string expands from the whole word", "[search]") {
  // Found by tests/fuzz (query_search): the word was read after its token had been destroyed, a
  // heap-use-after-free once the text outgrew the string's inline buffer (15 bytes).
  const std::string word = "backdoorpoisoningcampaign";
  for (const std::string& q : {word + "*", "data " + word + "*", "title:" + word + "*"}) {
    const auto p = parse(q);
    INFO(q);
    REQUIRE_FALSE(p.clauses.empty());
    CHECK(p.clauses.back().query.get_description().find(word) != std::string::npos);
    CHECK(p.highlight.prefixes == std::vector<std::string>{word});
  }
}

namespace {

// The weight of document `did` in the match of `query` on `db`; -1 when it does not match.
double weight_of(const Xapian::Database& db, const Xapian::Query& query, Xapian::docid did) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it)
    if (*it == did) return it.get_weight();
  return -1;
}

Xapian::Query near(const char* a, const char* b) {
  const Xapian::Query words[] = {Xapian::Query(a), Xapian::Query(b)};
  return Xapian::Query(Xapian::Query::OP_NEAR, std::begin(words), std::end(words), 4);
}

}  // namespace

TEST_CASE("an OR of positional queries gives no document the weight of a pair it does not hold", "[search]") {
  // Xapian 1.4.22's OrPostList::check() (query_builder.h, any_of): asked about document 1, both NEARs
  // move to document 2, where 'patch NEAR surveillance' fails its position test; the OR still says
  // both are there, and document 2 gains the weight of a pair whose words are far apart.
  testing::ScratchDir dir("any-of-positional");
  Xapian::WritableDatabase db((dir.path() / "db").string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
  const auto add = [&](std::vector<std::string> words) {
    Xapian::Document doc;
    for (Xapian::termpos p = 0; p < words.size(); ++p) doc.add_posting(words[p], p + 1);
    db.add_document(doc);
  };
  add({"camera", "x"});
  add({"patch", "a", "b", "c", "d", "e", "f", "g", "h", "surveillance", "camera"});
  db.commit();
  const Xapian::Query holds_pair(Xapian::Query::OP_AND_MAYBE, Xapian::Query("camera"), near("surveillance", "camera"));
  const Xapian::Query either(Xapian::Query::OP_AND_MAYBE, Xapian::Query("camera"),
                             search::any_of({near("patch", "surveillance"), near("surveillance", "camera")}));
  REQUIRE(weight_of(db, holds_pair, 2) > weight_of(db, Xapian::Query("camera"), 2));
  CHECK(weight_of(db, either, 2) == weight_of(db, holds_pair, 2));
  CHECK(weight_of(db, either, 1) == weight_of(db, Xapian::Query("camera"), 1));
}
