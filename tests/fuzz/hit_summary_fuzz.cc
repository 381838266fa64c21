// Fuzzes the reader of hit summaries (index/hit_summary.h): any bytes as the value slot of a
// document, as a damaged index or one of an older schema may hold. A summary it accepts must pack
// back to the same summary, and one it packs again from an older form must then be read.
#include "fuzz_support.h"
#include "index/hit_summary.h"

namespace {

using riskatlas::index::HitSummary;

bool same(const HitSummary& a, const HitSummary& b) {
  if (a.id != b.id || a.type != b.type || a.title != b.title || a.text != b.text) return false;
  if (a.facets.size() != b.facets.size()) return false;
  for (std::size_t i = 0; i < a.facets.size(); ++i)
    if (a.facets[i].name != b.facets[i].name || a.facets[i].multi != b.facets[i].multi ||
        a.facets[i].values != b.facets[i].values)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskatlas;
  const std::string_view bytes = fuzz::as_text(data, size);
  if (const auto summary = index::unpack_hit_summary(bytes)) {
    const std::string packed = index::pack_hit_summary(*summary);
    const auto again = index::unpack_hit_summary(packed);
    fuzz::check(again && same(*summary, *again), "an accepted summary packs back to itself");
  }
  if (const auto repacked = index::repack_hit_summary(bytes))
    fuzz::check(index::unpack_hit_summary(*repacked).has_value(), "a summary packed again is read");
  return 0;
}
