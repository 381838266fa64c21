#include "load/clean_text.h"

#include "util/utf8.h"

namespace riskatlas::load::detail {

namespace {
std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

std::string CleanCounts::describe() const {
  std::string out = "repaired:";
  const char* sep = " ";
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, falsely) about `sep + std::string`.
  auto add = [&](const std::string& part) {
    out.append(sep).append(part);
    sep = ", ";
  };
  if (replaced > 0) add(plural(replaced, "invalid UTF-8 sequence", "invalid UTF-8 sequences") + " replaced by U+FFFD");
  if (removed > 0) add(plural(removed, "control character", "control characters") + " removed");
  if (truncated > 0) add(plural(truncated, "field", "fields") + " cut to " + std::to_string(kMaxFieldBytes) + " bytes");
  return out;
}

std::string clean_text(std::string_view raw, CleanCounts& counts) {
  std::string_view in = raw;
  if (in.size() > kMaxFieldBytes) {
    ++counts.truncated;
    in = in.substr(0, kMaxFieldBytes + 4);  // clean() below may shorten it; truncate again after
  }
  utf8::Cleaned c = utf8::clean(in);
  counts.replaced += c.replaced;
  counts.removed += c.removed;
  std::string_view t = trim(c.text);
  t = utf8::truncate(t, kMaxFieldBytes);
  return std::string(t);
}

}  // namespace riskatlas::load::detail
