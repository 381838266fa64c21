// Helpers shared by the loaders (internal to src/load): reading files safely, cleaning text,
// claiming unique record ids, reporting diagnostics, and the risk facet fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>

#include "load/corpus.h"
#include "model/record.h"
#include "util/status.h"
#include "util/text.h"

namespace riskatlas::load::detail {

// Files larger than this are refused (a corpus file is a few MB; anything this big is a mistake).
inline constexpr std::uintmax_t kMaxFileBytes = 256ull * 1024 * 1024;
// A single text field longer than this is cut (at a UTF-8 boundary) with a warning.
inline constexpr std::size_t kMaxFieldBytes = 1024 * 1024;

// Reads a whole file. Fatal (non-OK) when it is missing, not a regular file (FIFO, device, dangling
// symlink, directory), larger than kMaxFileBytes, unreadable, or changed size while being read.
Result<std::string> read_file(const std::filesystem::path& file);

// The name used in origins and diagnostics: the file name without its folder.
std::string display_name(const std::filesystem::path& file);
// "name:line"
std::string where(std::string_view name, std::size_t line);

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

// Record ids unique across the atlas (risks, techniques, mitigations, tactics).
class IdRegistry {
 public:
  explicit IdRegistry(const model::Atlas& atlas);
  // Returns `base` when it is free, else "<base>-2", "<base>-3", ...; the returned id is taken.
  std::string claim(const std::string& base);
  bool contains(const std::string& id) const { return ids_.count(id) != 0; }

 private:
  std::unordered_set<std::string> ids_;
};

void warn(LoadReport& report, std::string where, std::string message);
// A skipped record: a warning and one more in stats.skipped.
void skip(LoadReport& report, std::string where, std::string message);

// The raw facet spellings of a risk, as found in the export or a JSONL record.
struct RawFacets {
  std::string entity, intent, timing, domain, subdomain;
};

// Sets risk.entity/intent/timing/domain/subdomain/subdomain_label from export spellings or stable
// values. Empty stays ""; an unknown spelling is kept slugged, with a warning. When the domain is
// empty and a subdomain is given, the domain is that of the subdomain and `domain_derived` is set.
void apply_risk_facets(const RawFacets& raw, model::Risk& risk, LoadReport& report, const std::string& where,
                       bool& domain_derived);

// A sub-technique (parent set) listing no tactics gets its parent's, for techniques[first..].
// Warns when a parent is not found.
void inherit_parent_tactics(model::Atlas& atlas, std::size_t first, LoadReport& report);

// Adds `value` to versions[key], joined with ", " when the key already holds another value.
void add_version(model::Atlas& atlas, const std::string& key, const std::string& value);

// Removes links that repeat an earlier (risk, technique) pair; updates stats.links.
void dedupe_links(LoadReport& report);

}  // namespace riskatlas::load::detail
