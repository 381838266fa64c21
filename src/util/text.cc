#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace riskatlas::text {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string slug(std::string_view raw) {
  std::string out;
  for (char c : trim(raw)) {
    if (is_ascii_alnum(c)) {
      out += ascii_lower(c);
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

WordSet::WordSet(std::vector<std::string_view> words) : sorted_(std::move(words)) {
  // The English word list comes sorted from the build: checking costs a tenth of sorting again.
  if (!std::is_sorted(sorted_.begin(), sorted_.end())) std::sort(sorted_.begin(), sorted_.end());
}

bool WordSet::contains(std::string_view word) const { return std::binary_search(sorted_.begin(), sorted_.end(), word); }

}  // namespace riskatlas::text
