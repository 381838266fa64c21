#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/analyzer.h"
#include "load/corpus.h"
#include "search/snippet.h"
#include "test_support.h"

using namespace riskatlas;
using riskatlas::search::HighlightTerms;
using riskatlas::search::make_snippet;

namespace {

const std::string kEllipsis = "\xE2\x80\xA6";

HighlightTerms words(std::set<std::string> w) { return HighlightTerms{std::move(w), {}}; }

std::string snippet(const std::vector<std::string_view>& fields, const HighlightTerms& terms,
                    std::size_t max_words = search::kSnippetWords) {
  analysis::Analyzer analyzer;
  return make_snippet(fields, terms, analyzer, max_words);
}

std::size_t marks_in(const std::string& s) {
  std::size_t marks = 0;
  for (std::size_t at = s.find("<mark>"); at != std::string::npos; at = s.find("<mark>", at + 1)) ++marks;
  return marks;
}

}  // namespace

TEST_CASE("a snippet marks the matched words and keeps the rest of the text as written", "[search][snippet]") {
  CHECK(snippet({"Attackers poison the training data."}, words({"poison"})) ==
        "Attackers <mark>poison</mark> the training data.");
}

TEST_CASE("a snippet marks a word whose stem the query holds", "[search][snippet]") {
  CHECK(snippet({"Data poisoning attacks"}, words({"poison"})) == "Data <mark>poisoning</mark> attacks");
}

TEST_CASE("a snippet marks every word that starts with a typed prefix", "[search][snippet]") {
  const HighlightTerms terms{{}, {"adver"}};
  CHECK(snippet({"Adversarial examples fool adversaries"}, terms) ==
        "<mark>Adversarial</mark> examples fool <mark>adversaries</mark>");
}

TEST_CASE("a snippet escapes the record text, marked or not", "[search][snippet]") {
  CHECK(snippet({"Use <b> & \"quotes\" with 'care' to poison <i>"}, words({"poison"})) ==
        "Use &lt;b&gt; &amp; &quot;quotes&quot; with &#39;care&#39; to <mark>poison</mark> &lt;i&gt;");
}

TEST_CASE("a snippet of a long field is a window around the match, cut with ellipses", "[search][snippet]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += i == 50 ? "poison " : "word ";
  const std::string s = snippet({text}, words({"poison"}), 10);
  CHECK(s.rfind(kEllipsis + " ", 0) == 0);
  REQUIRE(s.size() > 2 * (kEllipsis.size() + 1));
  CHECK(s.substr(s.size() - kEllipsis.size() - 1) == " " + kEllipsis);
  CHECK(s.find("<mark>poison</mark>") != std::string::npos);
  const std::string inner = s.substr(kEllipsis.size() + 1, s.size() - 2 * (kEllipsis.size() + 1));
  CHECK(std::count(inner.begin(), inner.end(), ' ') == 9);  // 10 words
}

TEST_CASE("a snippet comes from the field with the most matches, the first on ties", "[search][snippet]") {
  CHECK(snippet({"nothing here", "poison and more poison"}, words({"poison"})) ==
        "<mark>poison</mark> and more <mark>poison</mark>");
  CHECK(snippet({"poison one", "poison two"}, words({"poison"})) == "<mark>poison</mark> one");
}

TEST_CASE("a later field with more matches wins wherever its words start", "[search][snippet]") {
  // A field is analysed only when it can mark more words than the best so far (2 here): each of the
  // three matches, after a separator inside an identifier, a hyphen and a curly apostrophe, counts.
  const std::string s = snippet({"poison poison once", "x.poison-poison \u2019poison"}, words({"poison"}));
  CHECK(s.find("\u2019") != std::string::npos);
  CHECK(s.find("once") == std::string::npos);
  CHECK(marks_in(s) == 3);
  // A control character inside a word is left out by analysis, and so by the count.
  const std::string c = snippet({"poison once", "poison po\x01ison"}, words({"poison"}));
  CHECK(c.find("once") == std::string::npos);
  CHECK(marks_in(c) == 2);
}

TEST_CASE("a word inside another is not counted toward what a field can mark", "[search][snippet]") {
  CHECK(search::most_marked_words("antipoison poisonous poison", words({"poison"})) == 2);
  CHECK(search::most_marked_words("nothing here", words({"poison"})) == 0);
  CHECK(search::most_marked_words("caf\u00e9 poison", words({"poison"})) == std::numeric_limits<std::size_t>::max());
  CHECK(search::most_marked_words("any text", HighlightTerms{{}, {""}}) == std::numeric_limits<std::size_t>::max());
}

TEST_CASE("a snippet without words to mark is the start of the first non-empty field", "[search][snippet]") {
  CHECK(snippet({"", "First field text.", "second"}, HighlightTerms{}) == "First field text.");
  std::string text;
  for (int i = 0; i < 20; ++i) text += "word ";
  const std::string s = snippet({text}, HighlightTerms{}, 5);
  CHECK(s == "word word word word word " + kEllipsis);
}

TEST_CASE("a snippet of no text is empty", "[search][snippet]") {
  CHECK(snippet({}, words({"poison"})).empty());
  CHECK(snippet({"", ""}, words({"poison"})).empty());
}

TEST_CASE("a snippet marks a word whatever form of it the text holds", "[search][snippet]") {
  // Stems that are not a piece of the word: the snippet must still look in the field.
  CHECK(snippet({"Nothing.", "Models dying young"}, words({"die"})) == "Models <mark>dying</mark> young");
  CHECK(snippet({"Nothing.", "Basic Safety"}, words({"safeti"})) == "Basic <mark>Safety</mark>");
  CHECK(snippet({"Nothing.", "USING it"}, words({"use"})) == "<mark>USING</mark> it");
  CHECK(snippet({"Nothing.", "the ﬁle leaks"}, words({"file"})) == "the <mark>ﬁle</mark> leaks");
}

TEST_CASE("a snippet without a word to mark in any field is the start of the first", "[search][snippet]") {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "word ";
  CHECK(snippet({text, "other text"}, words({"poison"}), 5) == "word word word word word " + kEllipsis);
}

namespace {

// `each(field)` for every risk's description and quotes in `corpus_dir`.
template <typename Each>
void for_each_risk_field(const std::filesystem::path& corpus_dir, Each each) {
  load::CorpusOptions options;
  options.corpus_dir = corpus_dir;
  auto loaded = load::load_corpus(options);
  REQUIRE(loaded.ok());
  for (const auto& risk : loaded->atlas.risks) {
    each(risk.description);
    for (const auto& e : risk.evidence) each(e.text);
  }
}

// Each term of each word of every risk's description and quotes in `corpus_dir`, with the text of
// its field: `check(field, term)` for each.
template <typename Check>
std::size_t for_every_term(const std::filesystem::path& corpus_dir, bool non_ascii_only, Check check) {
  analysis::Analyzer analyzer;
  std::size_t checked = 0;
  for_each_risk_field(corpus_dir, [&](const std::string& field) {
    const bool ascii = std::all_of(field.begin(), field.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (non_ascii_only && ascii) return;
    std::set<std::string> terms;
    for (const auto& span : analyzer.spans(field)) terms.insert(span.terms.begin(), span.terms.end());
    for (const std::string& term : terms) {
      INFO(term << " in: " << field);
      check(field, term, analyzer);
      ++checked;
    }
  });
  return checked;
}

}  // namespace

TEST_CASE("every word of the default corpus is marked by each of its terms", "[search][snippet]") {
  // The field holding the word comes second, behind one that holds none.
  const auto marked = [](const std::string& field, const std::string& term, analysis::Analyzer& analyzer) {
    const std::string s = make_snippet({"An unrelated first field.", field}, words({term}), analyzer);
    CHECK(s.find("<mark>") != std::string::npos);
  };
  CHECK(for_every_term(testing::corpus_dir(), false, marked) > 3000);
}

namespace {

// For each term of each risk field of `corpus_dir`, as a word and as a prefix: analysis marks no more
// of the field's words than most_marked_words() allows. Each field is analysed once; every word gets
// its stem here, so the marks counted are at least make_snippet's.
std::size_t check_mark_bound(const std::filesystem::path& corpus_dir) {
  analysis::Analyzer analyzer;
  std::size_t checked = 0;
  for_each_risk_field(corpus_dir, [&](const std::string& field) {
    const auto spans = analyzer.spans(field);
    std::set<std::string> terms;
    for (const auto& span : spans) terms.insert(span.terms.begin(), span.terms.end());
    for (const std::string& term : terms) {
      // The term as a word, and its first letters as a typed prefix.
      for (const HighlightTerms& marked : {words({term}), HighlightTerms{{}, {term.substr(0, 3)}}}) {
        const auto marks = static_cast<std::size_t>(
            std::count_if(spans.begin(), spans.end(), [&](const auto& span) { return marked.matches(span.terms); }));
        const std::size_t bound = search::most_marked_words(field, marked);
        if (marks > bound) FAIL_CHECK(term << ": " << marks << " marked, at most " << bound << " expected, in: " << field);
      }
      ++checked;
    }
  });
  return checked;
}

}  // namespace

TEST_CASE("no field of the default corpus marks more words than its bound", "[search][snippet]") {
  CHECK(check_mark_bound(testing::corpus_dir()) > 3000);
}

TEST_CASE("no field of the published records marks more words than its bound", "[search][snippet][real][long]") {
  CHECK(check_mark_bound(testing::require_real_data()) > 10000);
}

// Their curly quotes, dashes and ellipses are what most of their non-ASCII bytes are (snippet.cc).
// The filter itself, for each term: marking through make_snippet as above took 80 s under ASan.
TEST_CASE("every field of the published records with non-ASCII text may hold each of its terms",
          "[search][snippet][real]") {
  const auto may_hold = [](const std::string& field, const std::string& term, analysis::Analyzer&) {
    CHECK(search::may_hold_marked_word(field, words({term})));
  };
  CHECK(for_every_term(testing::require_real_data(), true, may_hold) > 10000);
}
