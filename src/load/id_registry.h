// Record ids unique across the atlas (internal to src/load).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "model/record.h"

namespace riskatlas::load::detail {

// Ids appear in URLs (/api/records/{id}, permalinks): 1 to 128 of A-Z a-z 0-9 . _ ~ -, not starting
// with a dot (the server answers no path segment starting with one). kIdRule says so in words.
bool is_url_safe_id(std::string_view id);
inline constexpr const char* kIdRule = "1 to 128 of A-Z a-z 0-9 . _ ~ -, not starting with a dot";

// The ids of risks, techniques, mitigations, tactics and case studies, one namespace for all.
class IdRegistry {
 public:
  explicit IdRegistry(const model::Atlas& atlas);
  // Returns `base` when it is free, else "<base>-2", "<base>-3", ...; the returned id is taken.
  std::string claim(const std::string& base);
  bool contains(const std::string& id) const { return ids_.count(id) != 0; }

 private:
  std::unordered_set<std::string> ids_;
  // The suffix to try first for a base claimed before: thousands of one id would otherwise each
  // count up from 2 again.
  std::unordered_map<std::string, std::size_t> next_suffix_;
};

}  // namespace riskatlas::load::detail
