#include "load/id_registry.h"

namespace riskatlas::load::detail {

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
