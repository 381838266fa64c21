// Spelling corrections against the tiny atlas's spelling table.
#include <catch2/catch.hpp>

#include "analysis/english_words.h"
#include "search/fixture.h"
#include "search/spelling.h"

using namespace riskatlas;

namespace {

std::optional<search::Correction> correct(const std::string& q, const Xapian::Database& db) {
  analysis::Analyzer analyzer;
  auto parsed = search::parse_query(q, analyzer, {&db, false});
  REQUIRE(parsed.ok());
  return search::correct_spelling(db, q, parsed.value());
}

std::optional<search::Correction> correct(const std::string& q) {
  auto lease = testing::tiny_generation()->lease();
  REQUIRE(lease.ok());
  return correct(q, lease->db());
}

// An index of one risk per text, each text its title.
Xapian::Database index_of_texts(const std::filesystem::path& dir, const std::vector<std::string>& texts) {
  model::Atlas atlas;
  for (std::size_t i = 0; i < texts.size(); ++i)
    atlas.risks.push_back(testing::make_risk("01.01." + std::to_string(10 + i), texts[i], "", "", "1", "1.1", "ai",
                                             "unintentional", "post-deployment"));
  Diagnostics warnings;
  REQUIRE(index::write_database(atlas, dir, {}, warnings).ok());
  return Xapian::Database(dir.string());
}

}  // namespace

TEST_CASE("a misspelt plain word is corrected unasked; a required one only with asking", "[search]") {
  const auto plain = correct("poisning samples");
  REQUIRE(plain);
  CHECK(plain->text == "poisoning samples");
  CHECK(plain->unasked);

  const auto required = correct("+poisning samples");
  REQUIRE(required);
  CHECK(required->text == "+poisoning samples");
  CHECK_FALSE(required->unasked);

  // Words of a phrase, in place inside its quotes; only with asking.
  const auto phrase = correct("\"trainng data poisning\" attack");
  REQUIRE(phrase);
  CHECK(phrase->text == "\"training data poisoning\" attack");
  CHECK_FALSE(phrase->unasked);
}

TEST_CASE("words the index or its vocabulary holds, and acronyms as typed, are never corrected", "[search]") {
  CHECK_FALSE(correct("poisoning samples"));
  CHECK_FALSE(correct("trojan"));    // a vocabulary word: it means its synonyms
  CHECK_FALSE(correct("POISNING"));  // two capitals or more: an acronym
}

TEST_CASE("a short word is at most one edit from its correction", "[search]") {
  const auto one_edit = correct("modl");
  REQUIRE(one_edit);
  CHECK(one_edit->text == "model");
  CHECK_FALSE(correct("moxxl"));  // two edits from "model"
}

TEST_CASE("of two equally close spellings, the one the records use more", "[search]") {
  // "modle" is one swap from "model", one deletion from "mode"; "bais" one swap from "bias", one
  // substitution from "bait".
  testing::ScratchDir dir("spelling-frequency");
  const Xapian::Database db = index_of_texts(dir.path() / "db", {"model", "model", "model", "mode", "bait", "bias", "bias"});
  CHECK(correct("modle drift", db).value_or(search::Correction{}).text == "model drift");
  CHECK(correct("bais scores", db).value_or(search::Correction{}).text == "bias scores");
}

TEST_CASE("a word of four letters or fewer keeps its first letter", "[search]") {
  REQUIRE_FALSE(analysis::is_english_word("xata"));
  CHECK_FALSE(correct("xata poisoning"));  // one edit from "data", but a lower-case acronym as likely
  const auto last_letter = correct("datx poisoning");
  REQUIRE(last_letter);
  CHECK(last_letter->text == "data poisoning");
}

TEST_CASE("a word held only through its stem is corrected when a far commoner word is as close", "[search]") {
  // "bais" stems to "bai", the stem of an author's name one record holds.
  testing::ScratchDir dir("spelling-stem");
  std::vector<std::string> texts(10, "Hiring bias");
  texts.push_back("As Bai notes");
  const auto swapped = correct("bais in hiring", index_of_texts(dir.path() / "ten", texts));
  REQUIRE(swapped);
  CHECK(swapped->text == "bias in hiring");
  // Held through its stem, with no far commoner word as close: left alone.
  CHECK_FALSE(correct("bais in hiring", index_of_texts(dir.path() / "two", {"Hiring bias", "Hiring bias", "As Bai notes"})));
  // An inflection shares its stem with its closest spelling, never more common than the stem.
  CHECK_FALSE(correct("deepfakes", index_of_texts(dir.path() / "fakes", {"deepfake", "deepfake", "deepfaked"})));
}

TEST_CASE("an English word the records do not hold is what the user meant, never a misspelling", "[search]") {
  // "modal" is one edit from the index's "model", "firing" from "hiring": both stay.
  CHECK_FALSE(correct("modal"));
  CHECK_FALSE(correct("poisoning firing"));
  CHECK(analysis::is_english_word("particles"));
  CHECK(analysis::is_english_word("darker"));
  CHECK_FALSE(analysis::is_english_word("poisning"));
  CHECK_FALSE(analysis::is_english_word("coles"));  // the word lists' proper nouns ("Coles") are left out
  CHECK_FALSE(analysis::is_english_word("caf"));    // nor is any piece of a word with an accent ("café")
  CHECK_FALSE(analysis::is_english_word(""));
}
