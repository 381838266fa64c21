#include "search/snippet.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "util/text.h"
#include "util/utf8.h"

namespace riskatlas::search {
namespace {

// What ASCII text must hold, in lower case, to hold a word `terms` marks: every token the analyzer
// makes of ASCII text is a lower-cased piece of it, and every English stem one but for its last letter
// ("happi" of "happy", "us" of "using"), except "die", "lie" and "tie" of "dying", "lying" and "tying"
// (checked on 4.3 million word forms: WordNet's lemmas and exceptions with 50 suffixes, and the
// published export's words). A typed prefix may be a whole stem, so it is cut the same way.
std::vector<std::string> needles(const HighlightTerms& terms) {
  std::vector<std::string> out;
  auto add = [&](const std::string& w) {
    std::size_t keep = w.size() >= 3 ? w.size() - 1 : w.size();
    if (w.size() == 3 && w.ends_with("ie")) keep = 1;
    out.push_back(w.substr(0, keep));
  };
  for (const std::string& w : terms.words) add(w);
  for (const std::string& p : terms.prefixes) add(p);
  return out;
}

bool holds_any(std::string_view lower, const std::vector<std::string>& needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](const std::string& n) { return lower.find(n) != std::string_view::npos; });
}

// The ASCII a non-ASCII character at the start of `s` stands for in the test below, for the
// punctuation most of the published records' non-ASCII bytes are: curly quotes and apostrophes,
// hyphens and dashes, the ellipsis and the no-break space, which the analyzer treats as their ASCII
// look-alikes (NFKC makes "..." of the ellipsis and a space of the no-break space). Empty for any
// other character; `bytes` is the character's length.
std::string_view ascii_look_alike(std::string_view s, std::size_t& bytes) {
  const auto at = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  if (at(0) == 0xC2 && at(1) == 0xA0) {
    bytes = 2;
    return " ";
  }
  if (at(0) != 0xE2 || at(1) != 0x80) return {};
  bytes = 3;
  const unsigned c = at(2);
  if (c >= 0x90 && c <= 0x95) return "-";   // U+2010..U+2015
  if (c >= 0x98 && c <= 0x9B) return "'";   // U+2018..U+201B
  if (c >= 0x9C && c <= 0x9F) return "\"";  // U+201C..U+201F
  if (c == 0xA6) return "...";              // U+2026
  return {};
}

// `text` lower-cased, with the look-alikes above as ASCII and without the control characters that
// analysis leaves out ("po\x01ison" is one word); nullopt when it holds any other non-ASCII character,
// which may normalize into a match ("ﬁle" is "file"), so that nothing can be ruled out.
std::optional<std::string> lowered_ascii(std::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (!utf8::is_control_byte(static_cast<unsigned char>(c))) lower += text::ascii_lower(c);
      ++i;
      continue;
    }
    std::size_t bytes = 0;
    const std::string_view ascii = ascii_look_alike(text.substr(i), bytes);
    if (ascii.empty()) return std::nullopt;
    lower += ascii;
    i += bytes;
  }
  return lower;
}

// Whether text whose lowered_ascii() is `lower` may hold a word to mark; false only when analysing it
// would find none.
bool may_hold(const std::optional<std::string>& lower, const std::vector<std::string>& needles) {
  return !lower || holds_any(*lower, needles);
}

// At most how many words of `lower` analysis can mark. In ASCII text a word, and each part of an
// identifier, starts after a character that is not a letter or digit (word breaks never fall between
// two of them, and parts split only at separators), and the term that marks a word starts with a
// needle: so each marked word holds its own needle at such a start, and the starts found bound the
// marks. An empty needle (an empty prefix) marks every word: no bound.
std::size_t marks_at_most(std::string_view lower, const std::vector<std::string>& needles) {
  std::size_t found = 0;
  for (const std::string& n : needles) {
    if (n.empty()) return std::numeric_limits<std::size_t>::max();
    for (std::size_t at = lower.find(n); at != std::string_view::npos; at = lower.find(n, at + 1))
      if (at == 0 || !text::is_ascii_alnum(lower[at - 1])) ++found;
  }
  return found;
}

}  // namespace

bool may_hold_marked_word(std::string_view text, const HighlightTerms& terms) {
  return may_hold(lowered_ascii(text), needles(terms));
}

std::size_t most_marked_words(std::string_view text, const HighlightTerms& terms) {
  const auto lower = lowered_ascii(text);
  return lower ? marks_at_most(*lower, needles(terms)) : std::numeric_limits<std::size_t>::max();
}

namespace {

// The field a snippet shows, analysed, and its window of max_words spans with the most matches.
struct SnippetWindow {
  std::string_view text;
  std::size_t full_size = 0;  // of the field before any cut
  std::vector<analysis::Span> spans;
  std::vector<bool> matched;
  std::size_t start = 0;  // first span of the window
  std::size_t score = 0;  // matched words in the window
};

std::optional<SnippetWindow> best_window(const std::vector<std::string_view>& fields, const HighlightTerms& terms,
                                         analysis::Analyzer& analyzer, std::size_t max_words) {
  std::optional<SnippetWindow> best;
  const bool nothing_to_mark = terms.words.empty() && terms.prefixes.empty();
  const std::vector<std::string> marked = needles(terms);
  for (std::string_view text : fields) {
    if (text.empty()) continue;
    // A field without a word to mark is only shown when it comes first and no other has one: only its
    // start is analysed (a generous 24 bytes per word), and only then. Analysis is most of a snippet.
    const std::optional<std::string> lower = nothing_to_mark ? std::nullopt : lowered_ascii(text);
    const bool unmarked = nothing_to_mark || !may_hold(lower, marked);
    if (unmarked && best) continue;
    // Nor is a field that cannot mark more words in a window than the best so far.
    if (best && lower && std::min(max_words, marks_at_most(*lower, marked)) <= best->score) continue;
    SnippetWindow c;
    c.full_size = text.size();
    if (unmarked) text = utf8::truncate(text, max_words * 24);
    c.text = text;
    // A word without a needle has no term to mark: it is only counted.
    c.spans = analyzer.spans(text, [&](std::string_view lower) { return holds_any(lower, marked); });
    c.matched.resize(c.spans.size());
    for (std::size_t i = 0; i < c.spans.size(); ++i) c.matched[i] = terms.matches(c.spans[i].terms);
    // Slide a window of max_words spans; keep the one with most matches (earliest on ties).
    std::size_t in_window = 0;
    for (std::size_t i = 0; i < c.spans.size(); ++i) {
      in_window += c.matched[i];
      if (i >= max_words) in_window -= c.matched[i - max_words];
      const std::size_t start = i >= max_words ? i - max_words + 1 : 0;
      if (in_window > c.score) {
        c.score = in_window;
        c.start = start;
      }
    }
    if (!best || c.score > best->score) best = std::move(c);
  }
  return best;
}

// The window's text, HTML-escaped, its matches in <mark>, an ellipsis where the field goes on.
std::string render(const SnippetWindow& best, std::size_t max_words) {
  const auto& spans = best.spans;
  // Start the window a couple of words before the first match, for context.
  std::size_t first = best.start;
  if (best.score > 0) {
    while (first < spans.size() && !best.matched[first]) ++first;
    first = first >= 3 ? first - 3 : 0;
    if (first > best.start) first = best.start;
  }
  const std::size_t last = std::min(spans.size(), first + max_words);  // one past
  std::size_t begin = first < spans.size() ? spans[first].begin : 0;
  std::size_t end = last > 0 && last <= spans.size() && !spans.empty() ? spans[last - 1].end : best.text.size();
  if (last >= spans.size()) end = best.text.size();
  if (first == 0) begin = 0;

  std::string out;
  if (begin > 0) out += "\xE2\x80\xA6 ";
  std::size_t cursor = begin;
  for (std::size_t i = first; i < last; ++i) {
    if (!best.matched[i]) continue;
    out += utf8::html_escape(best.text.substr(cursor, spans[i].begin - cursor));
    out += "<mark>";
    out += utf8::html_escape(best.text.substr(spans[i].begin, spans[i].end - spans[i].begin));
    out += "</mark>";
    cursor = spans[i].end;
  }
  out += utf8::html_escape(best.text.substr(cursor, end - cursor));
  if (end < best.full_size) out += " \xE2\x80\xA6";
  return utf8::clean(out).text;
}

}  // namespace

std::string make_snippet(const std::vector<std::string_view>& fields, const HighlightTerms& terms,
                         analysis::Analyzer& analyzer, std::size_t max_words) {
  const std::optional<SnippetWindow> best = best_window(fields, terms, analyzer, max_words);
  return best ? render(*best, max_words) : std::string();
}

}  // namespace riskatlas::search
