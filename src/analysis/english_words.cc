#include "analysis/english_words.h"

#include <algorithm>
#include <vector>

namespace riskatlas::analysis {
namespace {

#include "english_words.inc"

// The lines of kEnglishWords, which the build wrote sorted.
std::vector<std::string_view> split_words() {
  std::vector<std::string_view> words;
  std::string_view rest(kEnglishWords, sizeof kEnglishWords - 1);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    if (end > 0) words.push_back(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return words;
}

}  // namespace

bool is_english_word(std::string_view folded_word) {
  static const std::vector<std::string_view> words = split_words();
  return std::binary_search(words.begin(), words.end(), folded_word);
}

}  // namespace riskatlas::analysis
