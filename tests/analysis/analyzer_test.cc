// Golden tests pinning the tokens of the ICU 72 analyzer, plus robustness (fuzz, threads).
#include "analysis/analyzer.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "util/utf8.h"

namespace {

using riskatlas::analysis::Analyzer;
using riskatlas::analysis::analyzer_version;
using riskatlas::analysis::kMaxTokenBytes;
using riskatlas::analysis::Span;
using riskatlas::analysis::Token;
using riskatlas::analysis::TokenKind;

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

bool has_text(const std::vector<Token>& tokens, const std::string& text) {
  return std::any_of(tokens.begin(), tokens.end(), [&](const Token& t) { return t.text == text; });
}

const char* kind_name(TokenKind k) {
  switch (k) {
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kCompound: return "compound";
    case TokenKind::kCjk: return "cjk";
  }
  return "?";
}

// A readable, comparable rendering: "text/stem@position:kind" per token.
std::string render(const std::vector<Token>& tokens) {
  std::ostringstream out;
  for (const Token& t : tokens) out << t.text << '/' << t.stem << '@' << t.position << ':' << kind_name(t.kind) << ' ';
  return out.str();
}

std::string render(const std::vector<Span>& spans) {
  std::ostringstream out;
  for (const Span& s : spans) {
    out << '[' << s.begin << ',' << s.end << ')';
    for (const std::string& t : s.terms) out << ' ' << t;
    out << "; ";
  }
  return out.str();
}

std::string one_text(Analyzer& a, const std::string& in) {
  const auto tokens = a.analyze(in);
  INFO(in << " -> " << render(tokens));
  REQUIRE(tokens.size() == 1);
  return tokens[0].text;
}

std::string hex(const std::string& s) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += "\\x";
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

void check_tokens_sane(const std::vector<Token>& tokens) {
  unsigned last = 0;
  for (const Token& t : tokens) {
    INFO(render(tokens));
    REQUIRE(!t.text.empty());
    REQUIRE(t.text.size() <= kMaxTokenBytes);
    REQUIRE(riskatlas::utf8::is_valid(t.text));
    REQUIRE(t.stem.size() <= kMaxTokenBytes);
    REQUIRE(riskatlas::utf8::is_valid(t.stem));
    REQUIRE((t.kind == TokenKind::kWord) == !t.stem.empty());
    REQUIRE(t.position >= 1);
    REQUIRE(t.position >= last);
    last = t.position;
  }
}

}  // namespace

TEST_CASE("the analyzer version names the pipeline and the ICU version", "[analysis]") {
  const std::string v = analyzer_version();
  CHECK(v.rfind("riskatlas-analyzer/1; icu=", 0) == 0);
  CHECK(v.find("icu=72") != std::string::npos);
}

TEST_CASE("words are case folded and stemmed in English", "[analysis]") {
  Analyzer a;
  const auto tokens = a.analyze("Poisoning");
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].text == "poisoning");
  CHECK(tokens[0].stem == "poison");
  CHECK(tokens[0].kind == TokenKind::kWord);
  CHECK(tokens[0].position == 1);

  const auto two = a.analyze("poisoned poisoning");
  REQUIRE(two.size() == 2);
  CHECK(two[0].stem == two[1].stem);
  CHECK(two[1].position == 2);
  CHECK(a.stem("poisoned") == a.stem("poisoning"));
}

TEST_CASE("diacritics are removed from Latin and Greek letters", "[analysis]") {
  Analyzer a;
  CHECK(one_text(a, "naïve") == "naive");
  CHECK(one_text(a, "café") == "cafe");
  CHECK(one_text(a, "Zürich") == "zurich");
  CHECK(one_text(a, "İstanbul") == "istanbul");
  CHECK(one_text(a, "Ελληνικά") == "ελληνικα");
  CHECK(one_text(a, "cafe\xCC\x81") == "cafe");  // decomposed e + U+0301
}

TEST_CASE("Latin letters without a decomposition get a plain form", "[analysis]") {
  Analyzer a;
  CHECK(one_text(a, "Łódź") == "lodz");
  CHECK(one_text(a, "Øresund") == "oresund");
  CHECK(one_text(a, "Æsir") == "aesir");
  CHECK(one_text(a, "Œuvre") == "oeuvre");
  CHECK(one_text(a, "Đorđe") == "dorde");
  CHECK(one_text(a, "Þórr") == "thorr");
  CHECK(one_text(a, "Straße") == "strasse");
}

TEST_CASE("compatibility characters are normalized before segmentation", "[analysis]") {
  Analyzer a;
  CHECK(one_text(a, "ＡＩ") == "ai");
  CHECK(one_text(a, "\xEF\xAC\x81le") == "file");  // U+FB01 ligature
  const auto circled = a.analyze("①");
  REQUIRE(circled.size() == 1);
  CHECK(circled[0].text == "1");
  CHECK(circled[0].kind == TokenKind::kNumber);
  CHECK(one_text(a, "™") == "tm");
}

TEST_CASE("invisible characters inside a word do not split it", "[analysis]") {
  Analyzer a;
  CHECK(one_text(a, "soft\xE2\x80\x8Bwidth") == "softwidth");   // zero-width space
  CHECK(one_text(a, "soft\xC2\xADhyphen") == "softhyphen");     // soft hyphen
  CHECK(one_text(a, "con\x01trol") == "control");               // control characters are removed
}

TEST_CASE("a curly apostrophe behaves like a straight one and possessives are stripped", "[analysis]") {
  Analyzer a;
  CHECK(render(a.analyze("AI’s")) == render(a.analyze("AI's")));
  CHECK(one_text(a, "AI’s") == "ai");
  CHECK(one_text(a, "AIʼs") == "ai");  // U+02BC
  CHECK(one_text(a, "models'") == "models");
  CHECK(one_text(a, "data's") == "data");
}

TEST_CASE("contractions stay whole", "[analysis]") {
  Analyzer a;
  const auto tokens = a.analyze("can't don’t");
  REQUIRE(texts(tokens) == std::vector<std::string>{"can't", "don't"});
  CHECK(tokens[0].kind == TokenKind::kWord);
  CHECK(tokens[1].position == 2);
}

TEST_CASE("hyphenated words yield the joined compound and their parts", "[analysis]") {
  Analyzer a;
  SECTION("GPT-4") {
    const auto t = a.analyze("GPT-4");
    CHECK(render(t) == "gpt-4/@1:compound gpt/gpt@1:word 4/@2:number ");
  }
  SECTION("state-of-the-art") {
    const auto t = a.analyze("a state-of-the-art model");
    CHECK(render(t) ==
          "a/a@1:word state-of-the-art/@2:compound state/state@2:word of/of@3:word the/the@4:word "
          "art/art@5:word model/model@6:word ");
  }
  SECTION("LLM-based and a non-breaking hyphen") {
    CHECK(has_text(a.analyze("LLM-based"), "llm-based"));
    CHECK(has_text(a.analyze("e\xE2\x80\x91mail"), "e-mail"));  // U+2011
  }
  SECTION("spaced dashes are not compounds") {
    CHECK(texts(a.analyze("risk - model")) == std::vector<std::string>{"risk", "model"});
  }
}

TEST_CASE("identifiers with dots are kept whole and split into parts", "[analysis]") {
  Analyzer a;
  CHECK(render(a.analyze("AML.T0010.002")) ==
        "aml.t0010.002/@1:compound aml/aml@1:word t0010/t0010@2:word 002/@3:number ");
  CHECK(render(a.analyze("node.js x")) == "node.js/@1:compound node/node@1:word js/js@2:word x/x@3:word ");
  CHECK(render(a.analyze("foo_bar")) == "foo_bar/@1:compound foo/foo@1:word bar/bar@2:word ");
}

TEST_CASE("dotted numbers are numbers whole and by their parts", "[analysis]") {
  Analyzer a;
  CHECK(render(a.analyze("01.02.00")) == "01.02.00/@1:number 01/@1:number 02/@2:number 00/@3:number ");
  CHECK(render(a.analyze("3.14")) == "3.14/@1:number 3/@1:number 14/@2:number ");
}

TEST_CASE("Devanagari and Thai keep their combining marks", "[analysis]") {
  Analyzer a;
  const auto hindi = a.analyze("हिंदी");
  REQUIRE(hindi.size() == 1);
  CHECK(hindi[0].text == "हिंदी");
  CHECK(hindi[0].text.find("\xE0\xA4\x82") != std::string::npos);  // U+0902 anusvara

  const auto thai = a.analyze("ภาษาไทยง่าย");
  REQUIRE(!thai.empty());
  std::string all;
  for (const Token& t : thai) {
    CHECK(!t.text.empty());
    all += t.text;
  }
  CHECK(all == "ภาษาไทยง่าย");
  CHECK(all.find("\xE0\xB9\x88") != std::string::npos);  // U+0E48 tone mark
}

TEST_CASE("a Chinese word inside a sentence is covered by the bigrams of the query", "[analysis]") {
  Analyzer a;
  const auto record = a.analyze("我们研究人工智能的风险");
  const auto query = a.analyze("人工智能");
  INFO(render(record) << " | " << render(query));
  REQUIRE(!query.empty());
  for (const char* gram : {"人工", "工智", "智能"}) {
    CHECK(has_text(query, gram));
    CHECK(has_text(record, gram));
  }
  for (const Token& t : record) CHECK(t.kind == TokenKind::kCjk);
  check_tokens_sane(record);
}

TEST_CASE("a Japanese word inside a sentence is covered by the bigrams of the query", "[analysis]") {
  Analyzer a;
  const auto record = a.analyze("機械学習の研究をしています");
  const auto query = a.analyze("機械学習");
  INFO(render(record) << " | " << render(query));
  for (const char* gram : {"機械", "械学", "学習"}) {
    CHECK(has_text(query, gram));
    CHECK(has_text(record, gram));
  }
  // Every query token of two characters (a bigram) is found in the record.
  for (const Token& q : query)
    if (q.text.size() == 6) CHECK(has_text(record, q.text));
}

TEST_CASE("Korean words yield bigrams so a noun is found before its particle", "[analysis]") {
  Analyzer a;
  const auto record = a.analyze("텍스트입니다 한");
  INFO(render(record));
  CHECK(has_text(record, "텍스트입니다"));
  CHECK(has_text(record, "텍스"));
  CHECK(has_text(record, "스트"));
  CHECK(has_text(record, "한"));  // a one-character run yields the character
  for (const Token& q : a.analyze("텍스트"))
    if (q.text != "텍스트") CHECK(has_text(record, q.text));
}

TEST_CASE("CJK bigrams share the position of the word of their first character", "[analysis]") {
  Analyzer a;
  const auto tokens = a.analyze("risk 人工智能");
  INFO(render(tokens));
  for (const Token& t : tokens) {
    if (t.text == "risk") CHECK(t.position == 1);
    if (t.text == "人工" || t.text == "工智") CHECK(t.position == 2);
  }
  check_tokens_sane(tokens);
}

TEST_CASE("segmentation does not depend on the text analysed before", "[analysis]") {
  // ICU keeps break-engine state per iterator and per process; "ー" before any kana, and scripts without a
  // dictionary (Tai Tham), are where it showed.
  const std::vector<std::string> probes = {"ーの研究", "x ー々", "\xE1\xA8\xA0\xE1\xA8\xA1 ᨠᩤ", "ภาษาไทยง่าย"};
  Analyzer a;
  std::vector<std::string> first;
  for (const std::string& p : probes) first.push_back(render(a.analyze(p)));
  for (const char* other : {"機械学習", "ພາສາລາວ", "ភាសាខ្មែរ", "ᦀᦁᦂ", "ꪀꪁ", "ー", "한국어"}) a.analyze(other);
  Analyzer b;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    INFO(probes[i]);
    CHECK(render(a.analyze(probes[i])) == first[i]);
    CHECK(render(b.analyze(probes[i])) == first[i]);
  }
}

TEST_CASE("invalid UTF-8 and control characters never throw and give valid terms", "[analysis]") {
  Analyzer a;
  const std::vector<std::string> inputs = {
      "ab\xff\xfe cd",      "trunc\xc3",          "sur\xed\xa0\x80rogate", "\x01\x02\x03",
      "x\x01y",             std::string("a\0b", 3), "\xf4\x90\x80\x80",    "\xc0\xaf overlong",
      "\xe2\x80",           "",                     "\xff",
  };
  for (const std::string& in : inputs) {
    INFO("input bytes: " << in.size());
    std::vector<Token> tokens;
    REQUIRE_NOTHROW(tokens = a.analyze(in));
    check_tokens_sane(tokens);
    std::vector<Span> spans;
    REQUIRE_NOTHROW(spans = a.spans(in));
    for (const Span& s : spans) REQUIRE((s.begin < s.end && s.end <= in.size()));
    std::string folded;
    REQUIRE_NOTHROW(folded = a.fold(in));
    CHECK(riskatlas::utf8::is_valid(folded));
  }
  CHECK(texts(a.analyze("ab\xff\xfe cd")) == std::vector<std::string>{"ab", "cd"});
  CHECK(texts(a.analyze("x\x01y")) == std::vector<std::string>{"xy"});
}

TEST_CASE("a token longer than the cap is dropped and counted", "[analysis]") {
  Analyzer a;
  const std::string huge(10 * 1024, 'a');
  const auto tokens = a.analyze("before " + huge + " after");
  CHECK(texts(tokens) == std::vector<std::string>{"before", "after"});
  CHECK(a.dropped_tokens() > 0);
  check_tokens_sane(tokens);

  std::string hyphens;  // a long hyphenated run: the compound is dropped, the parts are kept
  for (int i = 0; i < 100; ++i) hyphens += i == 0 ? "ab" : "-ab";
  const auto parts = a.analyze(hyphens);
  CHECK(parts.size() == 100);
  CHECK(a.dropped_tokens() == 1);
  check_tokens_sane(parts);

  const std::string wide(30, '\xE4');  // not UTF-8: becomes U+FFFD, no words
  CHECK(a.analyze(wide).empty());
  CHECK(a.dropped_tokens() == 0);

  std::string long_accented;  // grows under normalization: 40 x "ǆ" (2 bytes -> "dž", 3 bytes)
  for (int i = 0; i < 40; ++i) long_accented += "\xC7\x86";
  CHECK(a.analyze(long_accented).empty());
  CHECK(a.dropped_tokens() == 1);
}

TEST_CASE("spans give the byte ranges of the original words and their terms", "[analysis]") {
  Analyzer a;
  const std::string text = "Poisoned <b>data</b> naïve";
  const auto spans = a.spans(text);
  INFO(render(spans));
  REQUIRE(spans.size() == 5);
  const std::vector<std::string> words = {"Poisoned", "b", "data", "b", "naïve"};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    CHECK(text.substr(spans[i].begin, spans[i].end - spans[i].begin) == words[i]);
  }
  CHECK(spans[0].terms == std::vector<std::string>{"poisoned", "poison"});
  CHECK(spans[2].terms == std::vector<std::string>{"data"});
  CHECK(std::find(spans[4].terms.begin(), spans[4].terms.end(), "naive") != spans[4].terms.end());
}

TEST_CASE("spans give no terms to an ASCII word the caller does not want and keep every other term", "[analysis]") {
  Analyzer a;
  const std::string text = "Poisoned running it's e.g. naïve po\x01isoned";
  std::vector<std::string> asked;
  const auto spans = a.spans(text, [&](std::string_view lower) {
    asked.emplace_back(lower);
    return lower == "running" || lower == "e.g";
  });
  REQUIRE(spans.size() == 6);
  // naïve is not ASCII, and a control inside a word is left out by analysis, not by the test.
  CHECK(asked == std::vector<std::string>{"poisoned", "running", "it's", "e.g"});
  CHECK(spans[0].terms.empty());
  CHECK(spans[1].terms == std::vector<std::string>{"running", "run"});
  CHECK(spans[2].terms.empty());
  CHECK(spans[3].terms == std::vector<std::string>{"e.g", "e", "g"});
  CHECK(std::find(spans[4].terms.begin(), spans[4].terms.end(), "naiv") != spans[4].terms.end());
  CHECK(std::find(spans[5].terms.begin(), spans[5].terms.end(), "poison") != spans[5].terms.end());
}

TEST_CASE("spans cover identifiers, symbols that normalize to words and text around invalid bytes", "[analysis]") {
  Analyzer a;
  const std::string text = "see AML.T0010.002, ① and \xff\xfe" "caf\xC3\xA9 AI’s";
  const auto spans = a.spans(text);
  INFO(render(spans));
  std::vector<std::string> words;
  for (const Span& s : spans) words.push_back(text.substr(s.begin, s.end - s.begin));
  CHECK(words == std::vector<std::string>{"see", "AML.T0010.002", "①", "and", "café", "AI’s"});
  REQUIRE(spans.size() == 6);
  CHECK(spans[1].terms == std::vector<std::string>{"aml.t0010.002", "aml", "t0010", "002"});
  CHECK(spans[2].terms == std::vector<std::string>{"1"});
  CHECK(spans[5].terms == std::vector<std::string>{"ai"});
}

TEST_CASE("fold normalizes a whole string and collapses whitespace", "[analysis]") {
  Analyzer a;
  CHECK(a.fold("  Naïve   Bayes\t\nＡＩ’s  ") == "naive bayes ai's");
  CHECK(a.fold("Data Poisoning") == a.fold("data poisoning"));
  CHECK(a.fold("हिंदी") == "हिंदी");
  CHECK(a.fold("") == "");
}

TEST_CASE("random input never breaks the analyzer", "[analysis]") {
  std::uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("RISKATLAS_SEED"); env != nullptr && *env != '\0')
    seed = std::strtoull(env, nullptr, 10);
  INFO("seed " << seed << " (set RISKATLAS_SEED to reproduce)");
  std::mt19937_64 rng(seed);

  const std::vector<std::string> pieces = {
      "人工智能", "の研究", "한국어", "ภาษา", "ง่าย", "हिंदी", "\xCC\x81", "\xEF\xAC\x81", "①", "ＡＩ", "’", "'s",
      "\xE2\x80\x8B", "\xC2\xAD", "\xF0\x9F\x98\x80", "\xE2\x80\x8D", "İ", "ß", "Ł", "\xED\xA0\x80", "\xC3",
      "\xF4\x90\x80\x80", std::string(1, '\0'), "-", ".", "_", "@", " ", "\n", "GPT-4", "AML.T0010.002", "3.14",
      "can't", "Poisoning", "\xC7\x86", "\xEF\xB7\xBA" /* U+FDFA: 18x growth under NFKC */, "ー", "々"};
  auto random_string = [&]() {
    std::string s;
    const int n = static_cast<int>(rng() % 24);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0: s += static_cast<char>(rng() % 256); break;
        case 1: s += static_cast<char>('a' + rng() % 26); break;
        default: s += pieces[rng() % pieces.size()]; break;
      }
    }
    if (rng() % 50 == 0) {  // sometimes long, to hit the length cap
      const std::string unit = s.empty() ? "x" : s;
      while (s.size() < 300) s += unit;
    }
    return s;
  };

  Analyzer a;
  std::vector<std::string> inputs;
  std::vector<std::string> results;
  for (int i = 0; i < 2000; ++i) {
    const std::string in = random_string();
    INFO("input #" << i << ": " << hex(in));
    std::vector<Token> t1, t2;
    std::vector<Span> s1, s2;
    std::string f1, f2;
    REQUIRE_NOTHROW(t1 = a.analyze(in));
    REQUIRE_NOTHROW(t2 = a.analyze(in));
    REQUIRE_NOTHROW(s1 = a.spans(in));
    REQUIRE_NOTHROW(s2 = a.spans(in));
    REQUIRE_NOTHROW(f1 = a.fold(in));
    REQUIRE_NOTHROW(f2 = a.fold(in));
    REQUIRE(render(t1) == render(t2));
    REQUIRE(render(s1) == render(s2));
    REQUIRE(f1 == f2);
    REQUIRE(riskatlas::utf8::is_valid(f1));
    check_tokens_sane(t1);
    std::size_t last_end = 0;
    for (const Span& s : s1) {
      REQUIRE(s.begin >= last_end);
      REQUIRE(s.begin < s.end);
      REQUIRE(s.end <= in.size());
      REQUIRE(!s.terms.empty());
      for (const std::string& term : s.terms) {
        REQUIRE(!term.empty());
        REQUIRE(term.size() <= kMaxTokenBytes);
        REQUIRE(riskatlas::utf8::is_valid(term));
      }
      last_end = s.end;
    }
    inputs.push_back(in);
    results.push_back(render(t1) + render(s1) + f1);
  }

  // The output depends only on the input, not on what the analyzer saw before.
  Analyzer b;
  for (std::size_t i = inputs.size(); i-- > 0;) {
    INFO("input #" << i << ": " << hex(inputs[i]));
    REQUIRE(render(b.analyze(inputs[i])) + render(b.spans(inputs[i])) + b.fold(inputs[i]) == results[i]);
  }
}

TEST_CASE("two analyzers used from two threads give identical results", "[analysis][concurrency]") {
  const std::vector<std::string> inputs = {
      "Poisoning naïve café AI’s GPT-4 state-of-the-art AML.T0010.002 01.02.00",
      "我们研究人工智能的风险 機械学習の研究をしています 텍스트입니다",
      "हिंदी ภาษาไทยง่าย Łódź ＡＩ ﬁle ①",
      "ab\xff\xfe cd\xc3 e\xed\xa0\x80 f",
  };
  std::vector<std::string> expected;
  {
    Analyzer a;
    for (const std::string& in : inputs) expected.push_back(render(a.analyze(in)) + render(a.spans(in)) + a.fold(in));
  }
  std::vector<int> mismatches(2, 0);
  auto work = [&](int id) {
    Analyzer a;  // constructed concurrently too
    for (int round = 0; round < 50; ++round)
      for (std::size_t i = 0; i < inputs.size(); ++i)
        if (render(a.analyze(inputs[i])) + render(a.spans(inputs[i])) + a.fold(inputs[i]) != expected[i])
          ++mismatches[static_cast<std::size_t>(id)];
  };
  std::thread t0(work, 0);
  std::thread t1(work, 1);
  t0.join();
  t1.join();
  CHECK(mismatches[0] == 0);
  CHECK(mismatches[1] == 0);
}

TEST_CASE("spans give plain ASCII words the same terms as analysing each word alone", "[analysis]") {
  riskatlas::analysis::Analyzer analyzer;
  const std::string text =
      "Data poisoning 1st 2nd 4o t0018 GPT x86 a1b2 2023 007 Poisoned MODELS running ran happily "
      "AML.T0020 can't naive caf\xC3\xA9 " + std::string(70, 'z');
  const auto spans = analyzer.spans(text);
  REQUIRE(spans.size() >= 18);
  for (const auto& span : spans) {
    const std::string word = text.substr(span.begin, span.end - span.begin);
    INFO(word);
    std::vector<std::string> expected;
    for (const auto& t : analyzer.analyze(word)) {
      for (const auto* s : {&t.text, &t.stem})
        if (!s->empty() && std::find(expected.begin(), expected.end(), *s) == expected.end()) expected.push_back(*s);
    }
    CHECK(span.terms == expected);
  }
  // The 70-byte word is over the term cap: no span, as analyze() drops it.
  CHECK(std::none_of(spans.begin(), spans.end(), [&](const auto& s) { return s.end - s.begin == 70; }));
}
