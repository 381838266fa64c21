// Small ASCII text helpers shared by the loaders, the taxonomy, the analyzer and snippets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace riskatlas::text {

// An ASCII capital letter in lower case, any other byte as it is: unlike std::tolower, whatever the
// locale (bytes of UTF-8 sequences are never letters).
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lowered(std::string s) {
  for (char& c : s) c = ascii_lower(c);
  return s;
}

// Not std::isalnum: in some locales that takes bytes of UTF-8 sequences for letters.
constexpr bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `s` without leading and trailing white space.
std::string_view trim(std::string_view s);

// Lower-case ASCII letters and digits; runs of anything else become one '-', none at the ends:
// "ML Model Evaluation" -> "ml-model-evaluation", "Technical - ML" -> "technical-ml".
std::string slug(std::string_view raw);

// A fixed set of words (views into storage that outlives it), looked up by binary search.
class WordSet {
 public:
  explicit WordSet(std::vector<std::string_view> words);
  bool contains(std::string_view word) const;

 private:
  std::vector<std::string_view> sorted_;
};

}  // namespace riskatlas::text
