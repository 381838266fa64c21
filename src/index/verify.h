// Checks around the publish protocol (generations.h): a new generation is opened again as a reader
// would open it before it is made live, and the live generation's size is read for the shrink guard.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "index/generations.h"
#include "index/index_writer.h"
#include "model/record.h"
#include "util/status.h"

namespace riskatlas::index {

// Opens the generation in `dir` as a reader and checks it holds what was written: the document
// count, the build metadata, the first risk, last technique and first mitigation of `atlas` by their
// id terms, and a match-all search that answers. Corruption naming `dir` and the failed check
// otherwise; never throws.
Status verify_generation(const std::filesystem::path& dir, const WriteSummary& written, const model::Atlas& atlas);

// What the shrink guard compares a new build with: the live generation's records, in all and of
// each type ("risk", "technique", ...; from its build metadata, empty when that does not say).
struct LiveSize {
  std::size_t documents = 0;
  std::map<std::string, std::size_t> by_type;
};

// The size of the live generation of `root`, read from one opening of it: nullopt when nothing is
// live yet; Corruption when live.stub or the generation it names cannot be read (a shrink guard
// cannot compare then).
Result<std::optional<LiveSize>> live_size(const IndexRoot& root);

// The shrink guard by type: the first type of which `live` holds at least kGuardedTypeCount records
// and `built` fewer than `min_ratio` times as many (a truncated ATLAS file loses its mitigations and
// case studies, a small share of all records); nullopt when there is none.
inline constexpr std::size_t kGuardedTypeCount = 20;
std::optional<std::string> shrunk_type(const std::map<std::string, std::size_t>& built,
                                       const std::map<std::string, std::size_t>& live, double min_ratio);

}  // namespace riskatlas::index
