#include "analysis/english_words.h"

#include <algorithm>
#include <vector>

#include "util/text.h"

namespace riskatlas::analysis {
namespace {

#include "english_words.inc"

std::vector<std::string_view> lines_of_english_words() {
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
  static const text::WordSet words(lines_of_english_words());
  return words.contains(folded_word);
}

}  // namespace riskatlas::analysis
