// Cleaning a text field read from a corpus file (internal to src/load).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/text.h"

namespace riskatlas::load::detail {

// A single text field longer than this is cut (at a UTF-8 boundary) with a warning.
inline constexpr std::size_t kMaxFieldBytes = 1024 * 1024;

using text::slug;
using text::trim;

// What clean_text() repaired, summed over the fields of one record.
struct CleanCounts {
  std::size_t replaced = 0;   // ill-formed UTF-8 sequences replaced by U+FFFD
  std::size_t removed = 0;    // control characters removed
  std::size_t truncated = 0;  // fields cut to kMaxFieldBytes
  bool any() const { return replaced + removed + truncated > 0; }
  // "repaired: 1 invalid UTF-8 sequence replaced by U+FFFD, 2 control characters removed"
  std::string describe() const;
};

// UTF-8 repair, control-character removal, trimming of surrounding white space, length cap.
std::string clean_text(std::string_view raw, CleanCounts& counts);

}  // namespace riskatlas::load::detail
