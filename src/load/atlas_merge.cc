#include "load/atlas_merge.h"

#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "load/warnings.h"

namespace riskatlas::load::detail {

void inherit_parent_tactics(model::Atlas& atlas, std::size_t first, LoadReport& report) {
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < atlas.techniques.size(); ++i) by_id.emplace(atlas.techniques[i].id, i);
  for (std::size_t i = first; i < atlas.techniques.size(); ++i) {
    model::Technique& t = atlas.techniques[i];
    if (t.parent.empty()) continue;
    const auto it = by_id.find(t.parent);
    if (it == by_id.end()) {
      warn(report, t.origin + " (technique " + t.id + ")", "parent technique '" + t.parent + "' not found");
      continue;
    }
    if (t.tactics.empty()) t.tactics = atlas.techniques[it->second].tactics;
  }
}

void warn_unknown_references(LoadReport& report, std::size_t first_technique, std::size_t first_mitigation,
                             std::size_t first_case_study) {
  const model::Atlas& atlas = report.atlas;
  std::unordered_set<std::string_view> tactics, techniques;
  for (const auto& t : atlas.tactics) tactics.insert(t.id);
  for (const auto& t : atlas.techniques) techniques.insert(t.id);
  for (std::size_t i = first_technique; i < atlas.techniques.size(); ++i) {
    const auto& t = atlas.techniques[i];
    for (const auto& ta : t.tactics)
      if (!tactics.count(ta)) warn(report, t.origin + " (" + t.id + ")", "unknown tactic '" + ta + "' (kept)");
  }
  for (std::size_t i = first_mitigation; i < atlas.mitigations.size(); ++i) {
    const auto& m = atlas.mitigations[i];
    for (const auto& u : m.techniques)
      if (!techniques.count(u.technique_id))
        warn(report, m.origin + " (" + m.id + ")", "unknown technique '" + u.technique_id + "' (use kept)");
  }
  for (std::size_t i = first_case_study; i < atlas.case_studies.size(); ++i) {
    const auto& cs = atlas.case_studies[i];
    for (std::size_t s = 0; s < cs.procedure.size(); ++s) {
      const auto& step = cs.procedure[s];
      const std::string where = cs.origin + " (" + cs.id + " step " + std::to_string(s + 1) + ")";
      if (!techniques.count(step.technique))
        warn(report, where, "unknown technique '" + step.technique + "' (step kept, not linked)");
      if (!step.tactic.empty() && !tactics.count(step.tactic))
        warn(report, where, "unknown tactic '" + step.tactic + "' (kept)");
    }
  }
}

void add_version(model::Atlas& atlas, const std::string& key, const std::string& value) {
  std::string& v = atlas.versions[key];
  if (v.empty()) {
    v = value;
  } else if (v != value && v.find(", " + value) == std::string::npos && v.rfind(value + ", ", 0) != 0) {
    v += ", " + value;
  }
}

void dedupe_links(LoadReport& report) {
  auto& links = report.atlas.links;
  std::unordered_set<std::string> seen;
  std::size_t out = 0;
  for (std::size_t i = 0; i < links.size(); ++i) {
    std::string key = links[i].risk_id;
    key += '\0';
    key += links[i].technique_id;
    if (!seen.insert(std::move(key)).second) continue;
    if (out != i) links[out] = std::move(links[i]);
    ++out;
  }
  links.resize(out);
  report.stats.links = links.size();
}

}  // namespace riskatlas::load::detail
