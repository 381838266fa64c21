// ascii_words() against ICU's word break iterator, the oracle it stands in for, and the analyzer's
// ASCII path against its ICU path on the same text.
#include "analysis/ascii_words.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>

#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "analysis/analyzer.h"

namespace {

using riskatlas::analysis::Analyzer;
using riskatlas::analysis::ascii_words;
using riskatlas::analysis::Span;
using riskatlas::analysis::Token;
using riskatlas::analysis::WordRange;

class IcuWords {
 public:
  IcuWords() {
    UErrorCode status = U_ZERO_ERROR;
    it_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    REQUIRE(U_SUCCESS(status));
  }

  // ASCII text: UTF-16 offsets are byte offsets.
  std::vector<WordRange> operator()(const std::string& text) {
    const icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
    it_->setText(u);
    std::vector<WordRange> out;
    int32_t start = it_->first();
    for (int32_t end = it_->next(); end != icu::BreakIterator::DONE; start = end, end = it_->next())
      if (it_->getRuleStatus() >= UBRK_WORD_NONE_LIMIT)
        out.push_back({static_cast<std::size_t>(start), static_cast<std::size_t>(end)});
    return out;
  }

 private:
  std::unique_ptr<icu::BreakIterator> it_;
};

// Calls check(s) on every string of 1 to max_length characters of `alphabet`.
template <typename Check>
void each_string(const std::string& alphabet, std::size_t max_length, Check&& check) {
  std::string s;
  auto grow = [&](auto& self) -> void {
    for (char c : alphabet) {
      s.push_back(c);
      check(s);
      if (s.size() < max_length) self(self);
      s.pop_back();
    }
  };
  grow(grow);
}

// The characters that join words, and a few that do not.
const std::string kJoiners = "aZ7.',;:_@\" -\t\n/";

std::string all_ascii() {
  std::string out;
  for (int c = 1; c < 0x80; ++c) out.push_back(static_cast<char>(c));
  return out;
}

std::string random_text(std::mt19937& rng, std::size_t length) {
  static const std::string ascii = all_ascii();
  std::string out;
  for (std::size_t i = 0; i < length; ++i)
    out.push_back(rng() % 3 != 0 ? kJoiners[rng() % kJoiners.size()] : ascii[rng() % ascii.size()]);
  return out;
}

}  // namespace

TEST_CASE("ascii_words finds the words ICU's word break iterator finds in ASCII text", "[analysis]") {
  IcuWords icu_words;
  std::size_t differ = 0;
  std::string first_difference;
  const auto check = [&](const std::string& s) {
    if (ascii_words(s) == icu_words(s)) return;
    if (differ++ == 0) first_difference = s;
  };
  each_string(all_ascii(), 2, check);  // every pair of ASCII characters
  each_string(kJoiners, 4, check);
  std::mt19937 rng(20261201);
  for (int i = 0; i < 20000; ++i) check(random_text(rng, rng() % 40));
  check("e.g. don't 3.14, U.S. a1.2 1,000,000 user@example.com snake_case __init__ _ a:b it's models'");
  INFO("first text that differs: [" << first_difference << "]");
  CHECK(differ == 0);
}

TEST_CASE("ascii_words ranges", "[analysis]") {
  CHECK(ascii_words("").empty());
  CHECK(ascii_words("_ - .").empty());
  CHECK(ascii_words("don't stop") == std::vector<WordRange>{{0, 5}, {6, 10}});
  CHECK(ascii_words("e.g. 3.14.") == std::vector<WordRange>{{0, 3}, {5, 9}});
  CHECK(ascii_words("a:b __") == std::vector<WordRange>{{0, 1}, {2, 3}, {4, 6}});
}

TEST_CASE("NFKC_Casefold of an ASCII character is its lower case", "[analysis]") {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  REQUIRE(U_SUCCESS(status));
  for (int c = 1; c < 0x80; ++c) {
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    std::string folded;
    nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar>(c)), status).toUTF8String(folded);
    INFO("character " << c);
    CHECK(folded == std::string(1, lower));
  }
}

// A bullet after ASCII text sends it down ICU's path and adds no token or span: the two paths must
// give the same tokens, positions and spans.
TEST_CASE("the analyzer's ASCII path gives what its ICU path gives", "[analysis]") {
  Analyzer analyzer;
  const std::string bullet = " \xE2\x80\xA2";  // U+2022
  const auto same = [&](const std::string& text) {
    const std::vector<Token> fast = analyzer.analyze(text);
    const std::vector<Token> icu = analyzer.analyze(text + bullet);
    bool tokens_equal = fast.size() == icu.size();
    for (std::size_t i = 0; tokens_equal && i < fast.size(); ++i)
      tokens_equal = fast[i].text == icu[i].text && fast[i].stem == icu[i].stem &&
                     fast[i].position == icu[i].position && fast[i].kind == icu[i].kind;
    const std::vector<Span> fast_spans = analyzer.spans(text);
    const std::vector<Span> icu_spans = analyzer.spans(text + bullet);
    bool spans_equal = fast_spans.size() == icu_spans.size();
    for (std::size_t i = 0; spans_equal && i < fast_spans.size(); ++i)
      spans_equal = fast_spans[i].begin == icu_spans[i].begin && fast_spans[i].end == icu_spans[i].end &&
                    fast_spans[i].terms == icu_spans[i].terms;
    INFO("text: [" << text << "]");
    CHECK(tokens_equal);
    CHECK(spans_equal);
  };
  same("Poisoning the TRAINING data: e.g. 3.14% of GPT-4's state-of-the-art models' weights (AML.T0020)");
  same("it's 'quoted' -- a_b __ x@y.org 1,000.5 self-harm ... don't");
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"model", "Models", "attack", "it's", "GPT", "4", "v2.1", "AML.T0051",
                                          "state", "of", "the", "art", "x_y", "e.g", "O'Neil", "data"};
  const std::string glue = " -.',;:_@\"/()\t\n";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const std::size_t n = rng() % 12;
    for (std::size_t k = 0; k < n; ++k) {
      text += words[rng() % words.size()];
      text += glue[rng() % glue.size()];
      if (rng() % 4 == 0) text += glue[rng() % glue.size()];
    }
    same(text);
  }
}
