#include "load/id_registry.h"

#include <algorithm>
#include <cctype>

namespace riskatlas::load::detail {

bool is_url_safe_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && id.front() != '.' && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '~' || c == '-';
  });
}

IdRegistry::IdRegistry(const model::Atlas& atlas) {
  for (const auto& r : atlas.risks) ids_.insert(r.id);
  for (const auto& t : atlas.techniques) ids_.insert(t.id);
  for (const auto& m : atlas.mitigations) ids_.insert(m.id);
  for (const auto& t : atlas.tactics) ids_.insert(t.id);
  for (const auto& c : atlas.case_studies) ids_.insert(c.id);
}

std::string IdRegistry::claim(const std::string& base) {
  if (ids_.insert(base).second) return base;
  std::size_t& n = next_suffix_.try_emplace(base, 2).first->second;
  for (;;) {
    std::string id = base + "-" + std::to_string(n++);
    if (ids_.insert(id).second) return id;
  }
}

}  // namespace riskatlas::load::detail
