// Word segments of ASCII text as ICU's root word break rules (Unicode's UAX #29) find them, without
// ICU: most fields of the records are ASCII, and ICU's break iterator with the UTF-16 copy it needs
// was most of the analyzer's cost (snippets re-analyse every hit's text). The analyzer checks at
// start-up that these agree with the ICU it runs on and uses ICU alone otherwise.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace riskatlas::analysis {

struct WordRange {
  std::size_t begin;  // byte offsets
  std::size_t end;
  bool operator==(const WordRange&) const = default;
};

// Every byte below 0x80.
bool is_ascii(std::string_view text);

// The segments of ASCII `text` ICU's word break iterator marks as words (rule status at least
// UBRK_WORD_NONE_LIMIT), in order: letters and digits joined, with "." or "'" between two letters,
// "." "'" "," or ";" between two digits, and "_" next to letters, digits or another "_".
std::vector<WordRange> ascii_words(std::string_view text);

}  // namespace riskatlas::analysis
