// Spelling corrections against the tiny atlas's spelling table.
#include <catch2/catch.hpp>

#include "analysis/english_words.h"
#include "search/fixture.h"
#include "search/spelling.h"

using namespace riskatlas;

namespace {

std::optional<search::Correction> correct(const std::string& q) {
  analysis::Analyzer analyzer;
  auto lease = testing::tiny_generation()->lease();
  REQUIRE(lease.ok());
  auto parsed = search::parse_query(q, analyzer, {&lease->db(), false});
  REQUIRE(parsed.ok());
  return search::correct_spelling(lease->db(), q, parsed.value());
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
