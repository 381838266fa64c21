#include "analysis/ascii_words.h"

#include <algorithm>

namespace riskatlas::analysis {
namespace {

// UAX #29 Word_Break classes of the ASCII characters that join words, as ICU 72 has them: "@" is a
// letter, ":" is not MidLetter in ICU's root rules, '"' (Double_Quote) joins only Hebrew letters;
// everything else breaks.
enum class Kind { kOther, kLetter, kDigit, kMidNumLet, kMidNum, kUnderscore };

constexpr Kind kind_of(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@') return Kind::kLetter;
  if (c >= '0' && c <= '9') return Kind::kDigit;
  if (c == '.' || c == '\'') return Kind::kMidNumLet;  // "." MidNumLet, "'" Single_Quote: the same here
  if (c == ',' || c == ';') return Kind::kMidNum;
  if (c == '_') return Kind::kUnderscore;
  return Kind::kOther;
}

constexpr bool alnum(Kind k) { return k == Kind::kLetter || k == Kind::kDigit; }

}  // namespace

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<WordRange> ascii_words(std::string_view text) {
  std::vector<WordRange> out;
  const std::size_t n = text.size();
  const auto at = [&](std::size_t i) { return i < n ? kind_of(text[i]) : Kind::kOther; };
  for (std::size_t i = 0; i < n;) {
    const Kind first = at(i);
    if (!alnum(first) && first != Kind::kUnderscore) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;  // the segment is [i, end)
    bool has_alnum = alnum(first);
    for (;;) {
      const Kind a = at(end - 1);
      const Kind b = at(end);
      if ((alnum(a) && alnum(b)) || b == Kind::kUnderscore || (a == Kind::kUnderscore && alnum(b))) {
        ++end;  // WB5, WB8-10, WB13a, WB13b
      } else if ((a == Kind::kLetter && b == Kind::kMidNumLet && at(end + 1) == Kind::kLetter) ||
                 (a == Kind::kDigit && (b == Kind::kMidNumLet || b == Kind::kMidNum) && at(end + 1) == Kind::kDigit)) {
        end += 2;  // WB6-7, WB11-12
      } else {
        break;
      }
      has_alnum = has_alnum || alnum(at(end - 1));
    }
    // A lone "_" is no word; "__" is (ICU tags ExtendNumLet ExtendNumLet as a word).
    if (has_alnum || end - i >= 2) out.push_back({i, end});
    i = end;
  }
  return out;
}

}  // namespace riskatlas::analysis
