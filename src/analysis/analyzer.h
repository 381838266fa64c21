// The one text pipeline used at index time and at query time.
//
// Pipeline: UTF-8 repair (U+FFFD) and control-character removal -> NFKC case folding of the whole
// text -> ICU word segmentation (root locale; dictionary segmentation for CJK/Thai) -> per word:
// fold curly apostrophes to ', strip a possessive 's, remove diacritics from Latin and Greek letters
// only -> length cap -> English stem (Xapian::Stem).
//
// Identifiers are searchable whole and by their parts: "AML.T0010.002" yields the compound
// "aml.t0010.002" plus "aml", "t0010", "002"; "GPT-4" yields "gpt-4" plus "gpt", "4".
// Runs of Han/Hiragana/Katakana/Hangul also yield overlapping bigrams so a query word is found even
// when dictionary segmentation of the record and of the query disagree.
//
// Thread-safety: an Analyzer is not shared between threads. Construction is cheap after the first in
// a process (ICU prototypes are built once and cloned).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace riskatlas::analysis {

enum class TokenKind {
  kWord,      // letters (may contain digits), stemmed
  kNumber,    // digits, "3.14", "01.02.00" - not stemmed
  kCompound,  // an identifier or hyphenated word kept whole ("aml.t0010.002", "gpt-4"); its parts follow it
  kCjk,       // an ideographic/kana/hangul word or bigram - not stemmed
};

struct Token {
  std::string text;   // normalized, folded form: what is indexed unstemmed (always valid UTF-8, <= kMaxTokenBytes)
  std::string stem;   // English stem of `text` for kWord; empty for other kinds
  unsigned position;  // 1-based word position; a compound shares the position of its first part;
                      // CJK bigrams share the position of their first character's word
  TokenKind kind;
};

// A word of the *original* text with its byte range, for highlighting matches in snippets.
struct Span {
  std::size_t begin;  // byte offsets into the text passed to spans()
  std::size_t end;
  std::vector<std::string> terms;  // the token texts this word analyses to (and stems, for kWord)
};

// Longest token text the analyzer keeps, in bytes, after normalization. Longer tokens are dropped
// (and counted), which also keeps every prefix + term under Xapian's limit
// (index/schema.h: kMaxXapianTermBytes).
inline constexpr std::size_t kMaxTokenBytes = 64;

class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Tokens of `text` in order. Never throws on any byte sequence.
  std::vector<Token> analyze(std::string_view text);

  // The normalized, folded form of a whole string (no segmentation): NFKC casefold, apostrophes,
  // Latin/Greek diacritics removed. Used for sort keys and for comparing labels.
  std::string fold(std::string_view text);

  // Words of `text` with their byte ranges in `text` (not normalized first), for highlighting. With
  // `wanted`, a word of ASCII text (without controls) whose lower case it rejects is a span without
  // terms, neither analysed nor stemmed: a snippet knows which words cannot hold a term it marks,
  // and their analysis was most of its cost.
  std::vector<Span> spans(std::string_view text, const std::function<bool(std::string_view)>& wanted = {});

  // English stem of an already folded word.
  std::string stem(std::string_view folded_word);

  // How many tokens the last analyze() call dropped for exceeding kMaxTokenBytes.
  std::size_t dropped_tokens() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Identifies the pipeline and the ICU version, e.g. "riskatlas-analyzer/1; icu=72.1". Stored in each
// index; a searcher whose analyzer differs reports it, because queries would no longer match.
std::string analyzer_version();

}  // namespace riskatlas::analysis
