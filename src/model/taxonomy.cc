#include "model/taxonomy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "index/schema.h"
#include "util/text.h"

namespace riskatlas::model {
namespace {

constexpr std::array<FacetSpec, 12> kFacets{{
    {"type", "Type", schema::kTypeFacet.term_prefix, schema::kTypeFacet.slot, false,
     "risk technique mitigation case-study"},
    {"domain", "Domain", schema::kDomainFacet.term_prefix, schema::kDomainFacet.slot, false, "risk"},
    {"subdomain", "Subdomain", schema::kSubdomainFacet.term_prefix, schema::kSubdomainFacet.slot, false, "risk"},
    {"entity", "Entity", schema::kEntityFacet.term_prefix, schema::kEntityFacet.slot, false, "risk"},
    {"intent", "Intent", schema::kIntentFacet.term_prefix, schema::kIntentFacet.slot, false, "risk"},
    {"timing", "Timing", schema::kTimingFacet.term_prefix, schema::kTimingFacet.slot, false, "risk"},
    // Risks and techniques carry the lifecycle stages and categories of their mitigations.
    {"lifecycle", "Lifecycle", schema::kLifecycleFacet.term_prefix, schema::kLifecycleFacet.slot, true,
     "risk technique mitigation"},
    {"category", "Mitigation category", schema::kCategoryFacet.term_prefix, schema::kCategoryFacet.slot, true,
     "risk technique mitigation"},
    {"tactic", "Tactic", schema::kTacticFacet.term_prefix, schema::kTacticFacet.slot, true, "technique case-study"},
    {"kind", "Case study kind", schema::kKindFacet.term_prefix, schema::kKindFacet.slot, false, "case-study"},
    {"year", "Year", schema::kYearFacet.term_prefix, schema::kYearFacet.slot, false, "case-study"},
    {"source", "Source paper", schema::kSourceFacet.term_prefix, schema::kSourceFacet.slot, false, "risk"},
}};

// A facet's filter terms are schema::kFacetPrefix + name + ':' + value (readers rely on the first
// byte), and no two facets share a slot or a sort slot.
constexpr bool layout_is_consistent() {
  for (std::size_t i = 0; i < kFacets.size(); ++i) {
    const FacetSpec& f = kFacets[i];
    const std::string_view p = f.term_prefix;
    if (!p.starts_with(schema::kFacetPrefix) || !p.ends_with(':') ||
        p.substr(schema::kFacetPrefix.size(), p.size() - schema::kFacetPrefix.size() - 1) != f.name)
      return false;
    if (f.slot == schema::kSlotSortId || f.slot == schema::kSlotSortTitle) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (kFacets[j].slot == f.slot) return false;
  }
  return true;
}
static_assert(layout_is_consistent());

using Entry = std::pair<std::string_view, std::string_view>;  // value, label

constexpr Entry kTypes[] = {
    {"risk", "Risk"}, {"technique", "Technique"}, {"mitigation", "Mitigation"}, {"case-study", "Case study"}};
constexpr Entry kKinds[] = {{"incident", "Incident"}, {"exercise", "Exercise"}};
constexpr Entry kDomains[] = {
    {"1", "1. Discrimination & Toxicity"},
    {"2", "2. Privacy & Security"},
    {"3", "3. Misinformation"},
    {"4", "4. Malicious Actors & Misuse"},
    {"5", "5. Human-Computer Interaction"},
    {"6", "6. Socioeconomic and Environmental"},
    {"7", "7. AI System Safety, Failures, & Limitations"},
    {"X", "X. Excluded"},
};
constexpr Entry kSubdomains[] = {
    {"1.0", "1.0 Discrimination & Toxicity"},
    {"1.1", "1.1 Unfair discrimination and misrepresentation"},
    {"1.2", "1.2 Exposure to toxic content"},
    {"1.3", "1.3 Unequal performance across groups"},
    {"2.0", "2.0 Privacy & Security"},
    {"2.1", "2.1 Compromise of privacy by leaking or correctly inferring sensitive information"},
    {"2.2", "2.2 AI system security vulnerabilities and attacks"},
    {"3.0", "3.0 Misinformation"},
    {"3.1", "3.1 False or misleading information"},
    {"3.2", "3.2 Pollution of information ecosystem and loss of consensus reality"},
    {"4.0", "4.0 Malicious use"},
    {"4.1", "4.1 Disinformation, surveillance, and influence at scale"},
    {"4.2", "4.2 Cyberattacks, weapon development or use, and mass harm"},
    {"4.3", "4.3 Fraud, scams, and targeted manipulation"},
    {"5.0", "5.0 Human-Computer Interaction"},
    {"5.1", "5.1 Overreliance and unsafe use"},
    {"5.2", "5.2 Loss of human agency and autonomy"},
    {"6.0", "6.0 Socioeconomic & Environmental"},
    {"6.1", "6.1 Power centralization and unfair distribution of benefits"},
    {"6.2", "6.2 Increased inequality and decline in employment quality"},
    {"6.3", "6.3 Economic and cultural devaluation of human effort"},
    {"6.4", "6.4 Competitive dynamics"},
    {"6.5", "6.5 Governance failure"},
    {"6.6", "6.6 Environmental harm"},
    {"7.0", "7.0 AI system safety, failures, & limitations"},
    {"7.1", "7.1 AI pursuing its own goals in conflict with human goals or values"},
    {"7.2", "7.2 AI possessing dangerous capabilities"},
    {"7.3", "7.3 Lack of capability or robustness"},
    {"7.4", "7.4 Lack of transparency or interpretability"},
    {"7.5", "7.5 AI welfare and rights"},
    {"7.6", "7.6 Multi-agent risks"},
    {"X.1", "X.1 Excluded"},
};
constexpr Entry kEntities[] = {{"human", "Human"}, {"ai", "AI"}, {"other", "Other"}, {"not-coded", "Not coded"}};
constexpr Entry kIntents[] = {
    {"intentional", "Intentional"}, {"unintentional", "Unintentional"}, {"other", "Other"}, {"not-coded", "Not coded"}};
constexpr Entry kTimings[] = {{"pre-deployment", "Pre-deployment"},
                              {"post-deployment", "Post-deployment"},
                              {"other", "Other"},
                              {"not-coded", "Not coded"}};
constexpr Entry kLifecycle[] = {
    {"business-and-data-understanding", "Business and Data Understanding"},
    {"data-preparation", "Data Preparation"},
    {"ml-model-engineering", "ML Model Engineering"},
    {"ml-model-evaluation", "ML Model Evaluation"},
    {"deployment", "Deployment"},
    {"monitoring-and-maintenance", "Monitoring and Maintenance"},
};
constexpr Entry kCategories[] = {
    {"technical-ml", "Technical - ML"}, {"technical-cyber", "Technical - Cyber"}, {"policy", "Policy"}};

std::span<const Entry> table_for(std::string_view facet) {
  if (facet == "type") return kTypes;
  if (facet == "domain") return kDomains;
  if (facet == "subdomain") return kSubdomains;
  if (facet == "entity") return kEntities;
  if (facet == "intent") return kIntents;
  if (facet == "timing") return kTimings;
  if (facet == "lifecycle") return kLifecycle;
  if (facet == "category") return kCategories;
  if (facet == "kind") return kKinds;
  return {};
}

using text::slug;
using text::trim;

// Matches a causal-taxonomy spelling: "1 - Human", "Human", "human", "not-coded", "4 - Not coded".
std::optional<std::string> parse_causal(std::string_view raw, std::span<const Entry> table) {
  std::string s = slug(raw);
  if (s.size() > 2 && std::isdigit(static_cast<unsigned char>(s[0])) && s[1] == '-') s.erase(0, 2);
  for (const auto& [value, label] : table) {
    if (s == value || s == slug(label)) return std::string(value);
  }
  return std::nullopt;
}

}  // namespace

std::span<const FacetSpec> facets() { return kFacets; }

const FacetSpec* find_facet(std::string_view name) {
  for (const auto& f : kFacets)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<std::string> known_label(std::string_view facet, std::string_view value) {
  for (const auto& [v, label] : table_for(facet))
    if (v == value) return std::string(label);
  return std::nullopt;
}

std::optional<std::string> parse_entity(std::string_view raw) { return parse_causal(raw, kEntities); }
std::optional<std::string> parse_intent(std::string_view raw) { return parse_causal(raw, kIntents); }
std::optional<std::string> parse_timing(std::string_view raw) { return parse_causal(raw, kTimings); }

std::optional<std::string> parse_domain(std::string_view raw) {
  // "2. Privacy & Security", "2", "X", "X. Excluded"
  const std::string_view s = trim(raw);
  if (s.empty()) return std::nullopt;
  const char c = s[0];
  const bool digit = c >= '1' && c <= '9';
  const bool excluded = c == 'X' || c == 'x';
  if (!digit && !excluded) return std::nullopt;
  if (s.size() > 1 && s[1] != '.' && s[1] != ' ') return std::nullopt;
  return std::string(1, excluded ? 'X' : c);
}

std::optional<std::string> parse_subdomain(std::string_view raw) {
  // "2.2 > AI system security ...", "2.2", "X.1 > Excluded", "x.0"
  std::string_view s = trim(raw);
  const auto gt = s.find('>');
  if (gt != std::string_view::npos) s = trim(s.substr(0, gt));
  if (s.size() < 3 || s[1] != '.') return std::nullopt;
  const char d = s[0];
  if (!((d >= '1' && d <= '9') || d == 'X' || d == 'x')) return std::nullopt;
  for (std::size_t i = 2; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  std::string out(s);
  if (out[0] == 'x') out[0] = 'X';
  return out;
}

std::optional<std::string> parse_lifecycle(std::string_view raw) {
  const std::string s = slug(raw);
  for (const auto& [value, label] : kLifecycle)
    if (s == value) return std::string(value);
  return std::nullopt;
}

std::optional<std::string> parse_category(std::string_view raw) {
  const std::string s = slug(raw);
  for (const auto& [value, label] : kCategories)
    if (s == value) return std::string(value);
  return std::nullopt;
}

std::string domain_of_subdomain(std::string_view subdomain) {
  const auto dot = subdomain.find('.');
  return std::string(subdomain.substr(0, dot));
}

}  // namespace riskatlas::model
