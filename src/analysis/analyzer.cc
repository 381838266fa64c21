#include "analysis/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/parseerr.h>
#include <unicode/translit.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/uvernum.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/ascii_words.h"
#include "util/text.h"
#include "util/utf8.h"

namespace riskatlas::analysis {
namespace {

using icu::UnicodeString;

// Diacritics are removed only after Latin and Greek letters: in Devanagari, Thai, Hebrew... the marks are
// part of the letter. Latin letters without a decomposition get an ASCII form (after case folding, so only
// the lower-case forms occur; ß is already "ss").
constexpr char kFoldRules[] =
    ":: NFD;\n"
    "[[:Latin:][:Greek:]] [:Mn:]* { [:Mn:]+ > ;\n"
    "\\u0142 > l;\n"    // ł
    "\\u00F8 > o;\n"    // ø
    "\\u00E6 > ae;\n"   // æ
    "\\u0153 > oe;\n"   // œ
    "\\u0111 > d;\n"    // đ
    "\\u00F0 > d;\n"    // ð
    "\\u00FE > th;\n"   // þ
    "\\u0127 > h;\n"    // ħ
    "\\u0131 > i;\n"    // dotless ı
    "\\u0167 > t;\n"    // ŧ
    ":: NFC;\n";

// Calls f(start, end), UTF-16 offsets, for each segment of the iterator's text that ICU's rules
// mark as a word.
template <typename F>
void each_icu_word(icu::BreakIterator& it, F&& f) {
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next())
    if (it.getRuleStatus() >= UBRK_WORD_NONE_LIMIT) f(start, end);
}

// Built once per process. BreakIterator and Transliterator are not thread-safe: each Analyzer clones them
// (clone() is a const operation and may run concurrently). The Normalizer2 is an immutable ICU singleton.
struct Prototypes {
  const icu::Normalizer2* nfkc_cf = nullptr;
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<icu::Transliterator> fold;
  bool ascii_words_agree = false;  // ascii_words() finds what `words` does (checked below)

  Prototypes() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || nfkc_cf == nullptr)
      throw std::runtime_error(std::string("analyzer: cannot load ICU NFKC_Casefold data: ") + u_errorName(status));

    status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !words)
      throw std::runtime_error(std::string("analyzer: cannot create ICU word break iterator: ") +
                               u_errorName(status));

    status = U_ZERO_ERROR;
    UParseError parse_error{};
    fold.reset(icu::Transliterator::createFromRules(UnicodeString("riskatlas-fold", -1, US_INV),
                                                    UnicodeString(kFoldRules, -1, US_INV), UTRANS_FORWARD,
                                                    parse_error, status));
    if (U_FAILURE(status) || !fold)
      throw std::runtime_error(std::string("analyzer: cannot create ICU transliterator: ") + u_errorName(status) +
                               " (rule line " + std::to_string(parse_error.line) + ", offset " +
                               std::to_string(parse_error.offset) + ")");

    // Sanity checks that the data really is there (a stripped ICU data file can fail silently).
    status = U_ZERO_ERROR;
    const UnicodeString folded = nfkc_cf->normalize(UnicodeString(u"\uFF21\uFB01"), status);  // "Ａﬁ"
    if (U_FAILURE(status) || folded != UnicodeString(u"afi"))
      throw std::runtime_error("analyzer: ICU NFKC_Casefold data is missing or broken");
    std::unique_ptr<icu::BreakIterator> probe(words->clone());
    if (!probe) throw std::runtime_error("analyzer: cannot clone ICU word break iterator");
    const UnicodeString sample(u"hello world");
    probe->setText(sample);
    int word_count = 0;
    each_icu_word(*probe, [&](int32_t, int32_t) { ++word_count; });
    if (word_count != 2) throw std::runtime_error("analyzer: ICU word break rules are missing or broken");

    // ICU loads the dictionary break engines lazily into a process-wide cache, and until the CJK engine is
    // loaded a character such as U+30FC "ー" (script Common) is segmented by a fallback engine instead
    // (observed with ICU 72: "ーの" one word before any Han/kana text was seen, "ー|の" after). Load every
    // dictionary engine now, in a fixed order, so segmentation does not depend on what the process saw
    // first. Segmenting the warm-up text with a clone keeps the prototype itself untouched.
    const UnicodeString warm_up = UnicodeString::fromUTF8(
        "\xe4\xb8\xad\xe6\x96\x87 "                                  // 中文
        "\xe3\x81\xb2\xe3\x82\x89\xe3\x81\x8c\xe3\x81\xaa "    // ひらがな
        "\xe3\x82\xab\xe3\x82\xbf\xe3\x82\xab\xe3\x83\x8a "    // カタカナ
        "\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2 "    // ภาษา (Thai)
        "\xe0\xba\x9e\xe0\xba\xb2\xe0\xba\xaa\xe0\xba\xb2 "    // ພາສາ (Lao)
        "\xe1\x9e\x97\xe1\x9e\xb6\xe1\x9e\x9f\xe1\x9e\xb6 "    // ភាសា (Khmer)
        "\xe1\x80\x98\xe1\x80\xac\xe1\x80\x9e\xe1\x80\xac");   // ဘာသာ (Myanmar)
    probe->setText(warm_up);
    while (probe->next() != icu::BreakIterator::DONE) {
    }

    ascii_words_agree = agrees_with_ascii_words(*probe);
  }

  // Whether ICU, on every ASCII character between two letters, two digits and a letter and a digit,
  // and on runs of "_", finds the words ascii_words() finds (tests/analysis check much more): a
  // newer ICU whose rules differ is used alone.
  static bool agrees_with_ascii_words(icu::BreakIterator& it) {
    std::string probe = "_ __ a_ _1 1_ a_1 ";
    for (int c = 1; c < 0x80; ++c)
      for (const char* pair : {"ab", "12", "a1", "1a"}) {
        probe += pair[0];
        probe += static_cast<char>(c);
        probe += pair[1];
        probe += ' ';
      }
    const UnicodeString text = UnicodeString::fromUTF8(probe);
    it.setText(text);
    std::vector<WordRange> found;
    each_icu_word(it, [&](int32_t start, int32_t end) {
      found.push_back({static_cast<std::size_t>(start), static_cast<std::size_t>(end)});
    });
    return found == ascii_words(probe);
  }
};

const Prototypes& prototypes() {
  static const Prototypes instance;  // thread-safe; retried on the next call if the constructor throws
  return instance;
}

bool is_cjk_char(UChar32 c) {
  if (c == 0x30FC || c == 0xFF70) return true;  // prolonged sound mark (script Common)
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  if (U_FAILURE(status)) return false;
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
         script == USCRIPT_HANGUL;
}

bool is_apostrophe_like(UChar32 c) { return c == 0x2019 || c == 0x02BC || c == 0x2018; }

bool is_part_separator(char c) { return c == '.' || c == '_' || c == '@'; }

bool is_hyphen(UChar c) { return c == u'-' || c == 0x2010; }

// Decodes one code point of valid UTF-8 (the analyzer only classifies text it produced itself).
template <typename F>
void for_each_code_point(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(std::min<std::size_t>(s.size(), INT32_MAX));
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    f(c);
  }
}

// Digits with optional . , _ separators.
bool is_number_text(std::string_view s) {
  bool digit = false;
  bool ok = true;
  for_each_code_point(s, [&](UChar32 c) {
    if (u_isdigit(c))
      digit = true;
    else if (c != '.' && c != ',' && c != '_')
      ok = false;
  });
  return ok && digit;
}

bool is_cjk_text(std::string_view s) {
  bool any = false;
  bool all = true;
  for_each_code_point(s, [&](UChar32 c) {
    any = true;
    if (!is_cjk_char(c)) all = false;
  });
  return any && all;
}

TokenKind classify(std::string_view s) {
  if (is_number_text(s)) return TokenKind::kNumber;
  if (is_cjk_text(s)) return TokenKind::kCjk;
  return TokenKind::kWord;
}

std::string to_utf8(const UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

UnicodeString from_utf8(std::string_view s) {
  // ICU string lengths are int32_t; absurdly large inputs are cut (at a character boundary).
  if (s.size() > static_cast<std::size_t>(INT32_MAX / 4)) s = utf8::truncate(s, INT32_MAX / 4);
  return UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

void fold_apostrophes(UnicodeString& s) {
  for (int32_t i = 0; i < s.length(); ++i)
    if (is_apostrophe_like(s.charAt(i))) s.setCharAt(i, u'\'');
}

bool has_non_ascii(const UnicodeString& s) {
  for (int32_t i = 0; i < s.length(); ++i)
    if (s.charAt(i) >= 0x80) return true;
  return false;
}

bool has_letter_or_number(const UnicodeString& s) {
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c) || u_charType(c) == U_OTHER_NUMBER ||
        u_charType(c) == U_LETTER_NUMBER)
      return true;
    i += U16_LENGTH(c);
  }
  return false;
}

// A word BreakIterator whose results depend only on the text it is given. Besides the process-wide engine
// cache (warmed up in Prototypes), ICU's RuleBasedBreakIterator keeps per-instance state across setText():
// the list of language break engines it has looked up and its "unhandled characters" engine, whose set
// changes with the characters seen (dictionary-category characters without a dictionary, such as Tai Tham).
// Defensively, the iterator is replaced by a fresh clone of the untouched prototype after any text that
// could reach those engines (all dictionary-category characters are at U+0E00 and above), so plain
// Latin/Greek/Cyrillic text pays nothing.
class WordBreaker {
 public:
  explicit WordBreaker(const icu::BreakIterator& prototype) : prototype_(prototype), it_(prototype.clone()) {
    if (!it_) throw std::runtime_error("analyzer: cannot clone ICU word break iterator");
  }

  // Sets the text (the caller keeps it alive while iterating) and returns the iterator.
  icu::BreakIterator& start(const UnicodeString& text) {
    if (dirty_) {
      if (icu::BreakIterator* fresh = prototype_.clone()) it_.reset(fresh);  // on OOM keep the old one
      dirty_ = false;
    }
    for (int32_t i = 0; i < text.length() && !dirty_; ++i)
      if (text.charAt(i) >= 0x0E00) dirty_ = true;
    it_->setText(text);
    return *it_;
  }

 private:
  const icu::BreakIterator& prototype_;
  std::unique_ptr<icu::BreakIterator> it_;
  bool dirty_ = false;
};

// A word segment of the normalized text.
struct Segment {
  int32_t start = 0;  // UTF-16 offsets into the normalized text
  int32_t end = 0;
  std::string text;   // folded form; empty when nothing word-like is left
  bool cjk = false;
  unsigned base = 0;  // position of its first token
};

// The tokens of one analyze() call, the last position used and the tokens dropped as too long.
struct TokenSink {
  std::vector<Token> tokens;
  unsigned position = 0;
  std::size_t dropped = 0;
};

// The parts of an identifier or number between its separators ("aml.t0051" -> aml, t0051).
std::vector<std::string> split_parts(const std::string& text) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : text) {
    if (is_part_separator(c)) {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

struct Analyzer::Impl {
  const icu::Normalizer2* nfkc_cf = nullptr;
  WordBreaker words;       // used by analysis
  WordBreaker span_words;  // iterates the original text in spans()
  const bool ascii_fast;   // ASCII text is segmented by ascii_words(), not ICU
  std::unique_ptr<icu::Transliterator> fold;
  Xapian::Stem stemmer;
  // Stems of recent words: snippets stem the same words of many records again and again.
  std::unordered_map<std::string, std::string> stem_cache;
  std::size_t dropped = 0;

  Impl()
      : nfkc_cf(prototypes().nfkc_cf),
        words(*prototypes().words),
        span_words(*prototypes().words),
        ascii_fast(prototypes().ascii_words_agree) {
    fold.reset(prototypes().fold->clone());
    if (!fold) throw std::runtime_error("analyzer: cannot clone ICU transliterator");
    try {
      stemmer = Xapian::Stem("english");
    } catch (const Xapian::Error& e) {
      throw std::runtime_error("analyzer: cannot create the English stemmer: " + e.get_description());
    }
  }

  UnicodeString normalize(const UnicodeString& s) {
    UErrorCode status = U_ZERO_ERROR;
    UnicodeString out = nfkc_cf->normalize(s, status);
    if (U_FAILURE(status)) return s;  // cannot happen with valid data; keep the text rather than lose it
    return out;
  }

  void remove_diacritics(UnicodeString& s) {
    if (has_non_ascii(s)) fold->transliterate(s);
  }

  std::string stem_of(const std::string& word) {
    if (const auto hit = stem_cache.find(word); hit != stem_cache.end()) return hit->second;
    if (stem_cache.size() >= 20000) stem_cache.clear();
    return stem_cache[word] = compute_stem(word);
  }

  std::string compute_stem(const std::string& word) {
    std::string out;
    try {
      out = stemmer(word);
    } catch (...) {
      out.clear();
    }
    if (out.empty() || !utf8::is_valid(out)) out = word;
    if (out.size() > kMaxTokenBytes) out = std::string(utf8::truncate(out, kMaxTokenBytes));
    return out;
  }

  // The per-word steps on one segment of the normalized text.
  std::string fold_word(const UnicodeString& norm, int32_t start, int32_t end) {
    UnicodeString w(norm, start, end - start);
    fold_apostrophes(w);
    if (w.length() >= 3 && w.endsWith(UnicodeString(u"'s"))) w.truncate(w.length() - 2);
    int32_t b = 0;
    int32_t e = w.length();
    while (b < e && w.charAt(b) == u'\'') ++b;
    while (e > b && w.charAt(e - 1) == u'\'') --e;
    if (b != 0 || e != w.length()) w = UnicodeString(w, b, e - b);
    if (!has_letter_or_number(w)) return {};
    remove_diacritics(w);
    return to_utf8(w);
  }

  // Tokens of `text`, in position order: the normalized text is cut into word segments, the
  // segments become words, identifiers and hyphen-joined compounds, and runs of Han/Kana/Hangul
  // characters also give overlapping bigrams.
  std::vector<Token> analyze(std::string_view text, std::size_t& dropped_count);
  // The word segments of normalized text, each folded; segments without a letter or digit stay,
  // with empty text, so positions and hyphen joins see them. `ascii` is the same text when it is
  // ASCII, segmented without ICU; else empty.
  std::vector<Segment> word_segments(const UnicodeString& norm, std::string_view ascii);
  // Adds one token unless it is empty, too long (counted as dropped) or invalid; words get a stem.
  void emit(TokenSink& sink, const std::string& t, TokenKind kind, unsigned position);
  // Every segment's tokens, and before a run joined only by hyphens ("gpt-4", "state-of-the-art")
  // the run as one compound at the position of its first part.
  void emit_words(const UnicodeString& norm, std::vector<Segment>& segs, TokenSink& sink);
  // A segment: a simple token, or an identifier/number kept whole with its parts after it. Sets
  // seg.base, the position of its first token.
  void emit_segment(Segment& seg, TokenSink& sink);
  // Overlapping bigrams over runs of Han/Kana/Hangul characters, across adjacent segments, so that a
  // word is found whatever the dictionary segmentation of the record and of the query.
  void emit_cjk_bigrams(const UnicodeString& norm, const std::vector<Segment>& segs, TokenSink& sink);

  std::vector<Span> spans(std::string_view text, const std::function<bool(std::string_view)>& wanted);
  // The span of the word at [b, e) of `text`, if it analyses to anything. `word`: ICU took it for a
  // word (rather than a symbol that may normalize to one).
  void add_span(std::vector<Span>& out, std::string_view text, std::size_t b, std::size_t e, bool word,
                const std::function<bool(std::string_view)>& wanted);
  std::string fold_text(std::string_view text);
};

std::vector<Token> Analyzer::Impl::analyze(std::string_view text, std::size_t& dropped_count) {
  dropped_count = 0;
  std::string cleaned = utf8::clean(text).text;
  if (cleaned.empty()) return {};
  const bool ascii = ascii_fast && is_ascii(cleaned);
  if (ascii)
    for (char& c : cleaned) c = text::ascii_lower(c);  // NFKC_Casefold of ASCII is its lower case
  const UnicodeString norm = ascii ? from_utf8(cleaned) : normalize(from_utf8(cleaned));
  std::vector<Segment> segs = word_segments(norm, ascii ? std::string_view(cleaned) : std::string_view());
  TokenSink sink;
  emit_words(norm, segs, sink);
  emit_cjk_bigrams(norm, segs, sink);
  dropped_count = sink.dropped;
  std::stable_sort(sink.tokens.begin(), sink.tokens.end(),
                   [](const Token& a, const Token& b) { return a.position < b.position; });
  return std::move(sink.tokens);
}

std::vector<Segment> Analyzer::Impl::word_segments(const UnicodeString& norm, std::string_view ascii) {
  std::vector<Segment> segs;
  const auto add = [&](int32_t start, int32_t end) {
    Segment seg;
    seg.start = start;
    seg.end = end;
    seg.text = fold_word(norm, start, end);
    seg.cjk = !seg.text.empty() && is_cjk_text(seg.text);
    segs.push_back(std::move(seg));
  };
  if (!ascii.empty()) {
    for (const WordRange& w : ascii_words(ascii)) add(static_cast<int32_t>(w.begin), static_cast<int32_t>(w.end));
    return segs;
  }
  each_icu_word(words.start(norm), add);
  return segs;
}

void Analyzer::Impl::emit(TokenSink& sink, const std::string& t, TokenKind kind, unsigned position) {
  if (t.empty()) return;
  if (t.size() > kMaxTokenBytes) {
    ++sink.dropped;
    return;
  }
  if (!utf8::is_valid(t)) return;  // defensive: ICU output of valid input is valid
  sink.tokens.push_back(Token{t, kind == TokenKind::kWord ? stem_of(t) : std::string(), position, kind});
}

void Analyzer::Impl::emit_words(const UnicodeString& norm, std::vector<Segment>& segs, TokenSink& sink) {
  auto joinable = [](const Segment& s) { return !s.text.empty() && !s.cjk; };
  for (std::size_t i = 0; i < segs.size();) {
    std::size_t j = i + 1;
    if (joinable(segs[i])) {
      while (j < segs.size() && joinable(segs[j]) && segs[j].start - segs[j - 1].end == 1 &&
             is_hyphen(norm.charAt(segs[j - 1].end)))
        ++j;
    }
    if (j - i >= 2) {
      std::string joined;
      for (std::size_t k = i; k < j; ++k) {
        if (k > i) joined += '-';
        joined += segs[k].text;
        if (joined.size() > kMaxTokenBytes) break;  // dropped anyway; do not build a huge string
      }
      emit(sink, joined, TokenKind::kCompound, sink.position + 1);
    }
    for (std::size_t k = i; k < j; ++k) emit_segment(segs[k], sink);
    i = j;
  }
}

void Analyzer::Impl::emit_segment(Segment& seg, TokenSink& sink) {
  unsigned& pos = sink.position;
  seg.base = pos + 1;
  if (seg.text.empty()) return;
  if (seg.cjk) {
    emit(sink, seg.text, TokenKind::kCjk, ++pos);
    return;
  }
  std::string single = seg.text;
  if (std::any_of(seg.text.begin(), seg.text.end(), is_part_separator)) {
    const std::vector<std::string> parts = split_parts(seg.text);
    if (parts.size() >= 2) {
      emit(sink, seg.text, is_number_text(seg.text) ? TokenKind::kNumber : TokenKind::kCompound, pos + 1);
      for (const std::string& part : parts) emit(sink, part, classify(part), ++pos);
      return;
    }
    if (parts.empty()) return;
    single = parts.front();
  }
  emit(sink, single, classify(single), ++pos);
}

void Analyzer::Impl::emit_cjk_bigrams(const UnicodeString& norm, const std::vector<Segment>& segs, TokenSink& sink) {
  struct CjkChar {
    int32_t start, end;
    std::size_t seg;
  };
  std::vector<CjkChar> run;
  auto flush = [&]() {
    auto gram = [&](const CjkChar& a, const CjkChar& b) {
      const Segment& seg = segs[a.seg];
      if (seg.cjk && seg.start == a.start && seg.end == b.end) return;  // the segment token itself
      emit(sink, to_utf8(UnicodeString(norm, a.start, b.end - a.start)), TokenKind::kCjk, seg.base);
    };
    if (run.size() == 1) gram(run[0], run[0]);
    for (std::size_t k = 0; k + 1 < run.size(); ++k) gram(run[k], run[k + 1]);
    run.clear();
  };
  for (std::size_t s = 0; s < segs.size(); ++s) {
    for (int32_t i = segs[s].start; i < segs[s].end;) {
      const UChar32 c = norm.char32At(i);
      const int32_t next = i + U16_LENGTH(c);
      if (is_cjk_char(c)) {
        if (!run.empty() && run.back().end != i) flush();
        run.push_back(CjkChar{i, next, s});
      } else if (!run.empty()) {
        flush();
      }
      i = next;
    }
  }
  if (!run.empty()) flush();
}

std::vector<Span> Analyzer::Impl::spans(std::string_view text, const std::function<bool(std::string_view)>& wanted) {
  std::vector<Span> out;
  if (text.size() > static_cast<std::size_t>(INT32_MAX / 4)) text = text.substr(0, INT32_MAX / 4);
  // ASCII without the controls left out below: its words are those of ascii_words(), offsets and all.
  if (ascii_fast && is_ascii(text) && !utf8::has_control(text)) {
    const std::vector<WordRange> words = ascii_words(text);
    out.reserve(words.size());
    for (const WordRange& w : words) add_span(out, text, w.begin, w.end, true, wanted);
    return out;
  }

  // UTF-16 view of the original bytes with, per UTF-16 unit, the byte range of its character. Ill-formed
  // sequences become U+FFFD (never part of a word); characters the analyzer removes anyway (controls,
  // zero-width space) are left out so that they do not split a word here either.
  // The units are written to a plain buffer that the UnicodeString only aliases: appending to a
  // UnicodeString one character at a time cost 6% of an uncached search's CPU, nearly the word breaks' 8%.
  std::vector<UChar> units;
  std::vector<std::size_t> byte_begin;
  std::vector<std::size_t> byte_end;
  units.reserve(text.size());  // never more UTF-16 units than UTF-8 bytes
  byte_begin.reserve(text.size());
  byte_end.reserve(text.size());
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) c = 0xFFFD;
    // The controls utf8::clean() removes (snippets' needle test leaves out the same ASCII bytes).
    const bool control = c < 0x80 ? utf8::is_control_byte(static_cast<unsigned char>(c)) : c <= 0x9F;
    if (control || c == 0x200B) continue;
    if (U_IS_BMP(c)) {
      units.push_back(static_cast<UChar>(c));
    } else {
      units.push_back(U16_LEAD(c));
      units.push_back(U16_TRAIL(c));
    }
    for (int k = 0; k < U16_LENGTH(c); ++k) {
      byte_begin.push_back(static_cast<std::size_t>(at));
      byte_end.push_back(static_cast<std::size_t>(i));
    }
  }
  if (units.empty()) return out;
  const UnicodeString u16(false, units.data(), static_cast<int32_t>(units.size()));  // read-only alias

  icu::BreakIterator& it = span_words.start(u16);
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    const bool word = it.getRuleStatus() >= UBRK_WORD_NONE_LIMIT;
    if (!word) {
      // Only non-ASCII symbols can normalize to words ("①" -> "1", "™" -> "tm").
      bool candidate = false;
      for (int32_t i = start; i < end; ++i) {
        const UChar c = u16.charAt(i);
        if (c >= 0x80 && !u_isUWhiteSpace(c)) candidate = true;
      }
      if (!candidate) continue;
    }
    add_span(out, text, byte_begin[static_cast<std::size_t>(start)], byte_end[static_cast<std::size_t>(end - 1)],
             word, wanted);
  }
  return out;
}

void Analyzer::Impl::add_span(std::vector<Span>& out, std::string_view text, std::size_t b, std::size_t e, bool word,
                              const std::function<bool(std::string_view)>& wanted) {
  const std::string_view segment = text.substr(b, e - b);
  // ASCII without controls, in lower case: what every term of the word is a piece of (its stem, of
  // its word but for the last letter). Empty for other text.
  std::string lower;
  if (segment.size() <= kMaxTokenBytes && is_ascii(segment) && !utf8::has_control(segment)) {
    lower.assign(segment);
    for (char& c : lower) c = text::ascii_lower(c);
  }
  const bool alnum_only = !lower.empty() && std::all_of(lower.begin(), lower.end(), text::is_ascii_alnum);
  // A word holding a letter or digit analyses to a token at least: unwanted, it is a span without terms.
  if (wanted && std::any_of(lower.begin(), lower.end(), text::is_ascii_alnum) && !wanted(lower)) {
    out.push_back(Span{b, e, {}});
    return;
  }
  // Fast path with the same result: a word of ASCII letters and digits only normalizes to its
  // lower case and has no parts; letters make it a stemmed word, digits alone a number.
  if (word && alnum_only) {
    const bool number = std::all_of(lower.begin(), lower.end(), [](char c) { return c >= '0' && c <= '9'; });
    Span span{b, e, {lower}};
    if (!number) add_unique(span.terms, stem_of(lower));
    out.push_back(std::move(span));
    return;
  }
  std::size_t ignored = 0;
  const std::vector<Token> tokens = analyze(segment, ignored);
  if (tokens.empty()) return;  // nothing to match (e.g. "___")
  Span span{b, e, {}};
  for (const Token& t : tokens) {
    add_unique(span.terms, t.text);
    add_unique(span.terms, t.stem);
  }
  out.push_back(std::move(span));
}

std::string Analyzer::Impl::fold_text(std::string_view text) {
  const std::string cleaned = utf8::clean(text).text;
  if (cleaned.empty()) return {};
  UnicodeString s = normalize(from_utf8(cleaned));
  fold_apostrophes(s);
  remove_diacritics(s);
  UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !collapsed.isEmpty();
      continue;
    }
    if (pending_space) collapsed.append(u' ');
    pending_space = false;
    collapsed.append(c);
  }
  return to_utf8(collapsed);
}

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;

std::vector<Token> Analyzer::analyze(std::string_view text) { return impl_->analyze(text, impl_->dropped); }

std::string Analyzer::fold(std::string_view text) { return impl_->fold_text(text); }

std::vector<Span> Analyzer::spans(std::string_view text, const std::function<bool(std::string_view)>& wanted) {
  return impl_->spans(text, wanted);
}

std::string Analyzer::stem(std::string_view folded_word) {
  std::string word(folded_word);
  if (!utf8::is_valid(word)) word = utf8::clean(word).text;
  if (word.empty()) return word;
  return impl_->stem_of(word);
}

std::size_t Analyzer::dropped_tokens() const { return impl_->dropped; }

std::string analyzer_version() { return std::string("riskatlas-analyzer/1; icu=") + U_ICU_VERSION; }

}  // namespace riskatlas::analysis
