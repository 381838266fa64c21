#include "model/link_graph.h"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace riskatlas::model {
namespace {

template <typename T>
std::vector<T> sorted_unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

LinkGraph::LinkGraph(const Atlas& atlas)
    : risk_techniques_(atlas.risks.size()),
      risk_mitigations_(atlas.risks.size()),
      risk_lifecycle_(atlas.risks.size()),
      risk_categories_(atlas.risks.size()),
      technique_risks_(atlas.techniques.size()),
      technique_mitigations_(atlas.techniques.size()),
      technique_children_(atlas.techniques.size()),
      technique_parent_(atlas.techniques.size(), npos),
      mitigation_techniques_(atlas.mitigations.size()),
      mitigation_risks_(atlas.mitigations.size()),
      technique_case_studies_(atlas.techniques.size()),
      risk_case_studies_(atlas.risks.size()),
      case_study_tactics_(atlas.case_studies.size()) {
  for (std::size_t t = 0; t < atlas.techniques.size(); ++t) technique_by_id_.emplace(atlas.techniques[t].id, t);
  for (std::size_t t = 0; t < atlas.tactics.size(); ++t) tactic_by_id_.emplace(atlas.tactics[t].id, t);

  for (std::size_t t = 0; t < atlas.techniques.size(); ++t) {
    const std::size_t parent = find_technique(atlas.techniques[t].parent);
    if (atlas.techniques[t].parent.empty() || parent == npos) continue;
    technique_children_[parent].push_back(t);
    technique_parent_[t] = parent;
  }
  for (std::size_t m = 0; m < atlas.mitigations.size(); ++m) {
    for (const auto& use : atlas.mitigations[m].techniques) {
      const std::size_t t = find_technique(use.technique_id);
      if (t == npos) continue;
      mitigation_techniques_[m].emplace_back(t, use.use);
      technique_mitigations_[t].push_back({m, use.use});
    }
  }

  // Risk ids may repeat between ev_id and id ("49.01.02" and "49.01.02-2"); links name the unique id.
  std::unordered_map<std::string, std::size_t> risk_by_id;
  for (std::size_t r = 0; r < atlas.risks.size(); ++r) risk_by_id.emplace(atlas.risks[r].id, r);

  for (const auto& link : atlas.links) {
    const auto r = risk_by_id.find(link.risk_id);
    const std::size_t t = find_technique(link.technique_id);
    if (r == risk_by_id.end() || t == npos) continue;
    auto& list = risk_techniques_[r->second];
    if (std::any_of(list.begin(), list.end(), [&](const RiskTechnique& x) { return x.technique == t; })) continue;
    list.push_back({t, link.origin});
    technique_risks_[t].push_back(r->second);
  }

  for (std::size_t r = 0; r < atlas.risks.size(); ++r) {
    std::unordered_set<std::size_t> seen;
    std::vector<std::string> lifecycle, categories;
    for (const auto& rt : risk_techniques_[r]) {
      for (const auto& mu : technique_mitigations_[rt.technique]) {
        if (!seen.insert(mu.mitigation).second) continue;
        risk_mitigations_[r].push_back(mu.mitigation);
        mitigation_risks_[mu.mitigation].push_back(r);
        const auto& mit = atlas.mitigations[mu.mitigation];
        lifecycle.insert(lifecycle.end(), mit.lifecycle.begin(), mit.lifecycle.end());
        categories.insert(categories.end(), mit.categories.begin(), mit.categories.end());
      }
    }
    risk_lifecycle_[r] = sorted_unique(std::move(lifecycle));
    risk_categories_[r] = sorted_unique(std::move(categories));
  }
  for (auto& risks : mitigation_risks_) risks = sorted_unique(std::move(risks));
  link_case_studies(atlas);
}

void LinkGraph::link_case_studies(const Atlas& atlas) {
  // Incidents before exercises, then the newest date first, then by id.
  auto before = [&](std::size_t a, std::size_t b) {
    const CaseStudy& x = atlas.case_studies[a];
    const CaseStudy& y = atlas.case_studies[b];
    const bool xi = x.kind == "incident", yi = y.kind == "incident";
    if (xi != yi) return xi;
    if (x.incident_date != y.incident_date) return x.incident_date > y.incident_date;
    return x.id < y.id;
  };
  std::vector<std::size_t> order(atlas.case_studies.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), before);

  for (std::size_t c : order) {
    std::vector<std::string> tactics;
    for (const auto& step : atlas.case_studies[c].procedure) {
      if (!step.tactic.empty()) tactics.push_back(step.tactic);
      const std::size_t t = find_technique(step.technique);
      if (t == npos) continue;
      auto& list = technique_case_studies_[t];
      if (list.empty() || list.back() != c) list.push_back(c);
    }
    case_study_tactics_[c] = sorted_unique(std::move(tactics));
  }
  // Walking the case studies in order keeps each risk's list in that order too.
  std::vector<std::vector<std::size_t>> ties(atlas.risks.size());
  std::vector<std::size_t> touched;
  for (std::size_t c : order) {
    touched.clear();
    for (const auto& step : atlas.case_studies[c].procedure) {
      const std::size_t t = find_technique(step.technique);
      if (t == npos) continue;
      for (std::size_t r : technique_risks_[t]) {
        auto& list = ties[r];
        if (list.empty()) touched.push_back(r);
        if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(t);
      }
    }
    for (std::size_t r : touched) {
      risk_case_studies_[r].push_back({c, std::move(ties[r])});
      ties[r].clear();
    }
  }
}

std::size_t LinkGraph::find_technique(const std::string& id) const {
  const auto it = technique_by_id_.find(id);
  return it == technique_by_id_.end() ? npos : it->second;
}

std::size_t LinkGraph::find_tactic(const std::string& id) const {
  const auto it = tactic_by_id_.find(id);
  return it == tactic_by_id_.end() ? npos : it->second;
}

}  // namespace riskatlas::model
