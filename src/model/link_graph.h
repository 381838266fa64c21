// Relationships derived from an Atlas: risk -> techniques -> mitigations and the reverse directions,
// and the case studies whose procedures used a technique.
// Built once per load; records are referred to by index into the Atlas's vectors, which must outlive
// the graph and not change while it is used.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/record.h"

namespace riskatlas::model {

struct RiskTechnique {
  std::size_t technique;  // index into Atlas::techniques
  std::string origin;     // Link::origin
};

struct MitigationUse {
  std::size_t mitigation;  // index into Atlas::mitigations
  std::string use;         // the mitigation's note for that technique
};

// A case study that used techniques linked to a risk, with those techniques.
struct CaseStudyTie {
  std::size_t case_study;               // index into Atlas::case_studies
  std::vector<std::size_t> techniques;  // indexes into Atlas::techniques, in procedure order
};

class LinkGraph {
 public:
  explicit LinkGraph(const Atlas& atlas);

  // Techniques a risk links to, in link order (deduplicated).
  const std::vector<RiskTechnique>& techniques_of_risk(std::size_t risk) const { return risk_techniques_[risk]; }
  // Mitigations that address any of the risk's techniques, in first-seen order.
  const std::vector<std::size_t>& mitigations_of_risk(std::size_t risk) const { return risk_mitigations_[risk]; }
  // Union of the lifecycle stages / categories of the risk's mitigations (sorted, unique).
  const std::vector<std::string>& lifecycle_of_risk(std::size_t risk) const { return risk_lifecycle_[risk]; }
  const std::vector<std::string>& categories_of_risk(std::size_t risk) const { return risk_categories_[risk]; }

  const std::vector<std::size_t>& risks_of_technique(std::size_t t) const { return technique_risks_[t]; }
  const std::vector<MitigationUse>& mitigations_of_technique(std::size_t t) const { return technique_mitigations_[t]; }
  const std::vector<std::size_t>& subtechniques_of(std::size_t t) const { return technique_children_[t]; }
  // The parent of sub-technique `t` when the atlas holds it, else npos.
  std::size_t parent_of(std::size_t t) const { return technique_parent_[t]; }
  // Techniques a mitigation addresses that exist in the atlas (index, use).
  const std::vector<std::pair<std::size_t, std::string>>& techniques_of_mitigation(std::size_t m) const {
    return mitigation_techniques_[m];
  }
  // Risks linked to any technique the mitigation addresses.
  const std::vector<std::size_t>& risks_of_mitigation(std::size_t m) const { return mitigation_risks_[m]; }

  // Case studies whose procedure used technique `t` (that very id, not a sub-technique of it), and
  // those that used any technique linked to risk `r`; both incidents first, then newest first.
  const std::vector<std::size_t>& case_studies_of_technique(std::size_t t) const { return technique_case_studies_[t]; }
  const std::vector<CaseStudyTie>& case_studies_of_risk(std::size_t r) const { return risk_case_studies_[r]; }
  // Tactics of case study `c`'s steps (sorted, unique).
  const std::vector<std::string>& tactics_of_case_study(std::size_t c) const { return case_study_tactics_[c]; }

  // Index of the technique / tactic with this id, or npos.
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t find_technique(const std::string& id) const;
  std::size_t find_tactic(const std::string& id) const;

 private:
  std::unordered_map<std::string, std::size_t> technique_by_id_;
  std::unordered_map<std::string, std::size_t> tactic_by_id_;
  std::vector<std::vector<RiskTechnique>> risk_techniques_;
  std::vector<std::vector<std::size_t>> risk_mitigations_;
  std::vector<std::vector<std::string>> risk_lifecycle_;
  std::vector<std::vector<std::string>> risk_categories_;
  std::vector<std::vector<std::size_t>> technique_risks_;
  std::vector<std::vector<MitigationUse>> technique_mitigations_;
  std::vector<std::vector<std::size_t>> technique_children_;
  std::vector<std::size_t> technique_parent_;
  std::vector<std::vector<std::pair<std::size_t, std::string>>> mitigation_techniques_;
  std::vector<std::vector<std::size_t>> mitigation_risks_;
  std::vector<std::vector<std::size_t>> technique_case_studies_;
  std::vector<std::vector<CaseStudyTie>> risk_case_studies_;
  std::vector<std::vector<std::string>> case_study_tactics_;

  void link_case_studies(const Atlas& atlas);
};

}  // namespace riskatlas::model
