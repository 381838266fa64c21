// The facets and the published taxonomies: stable facet values, their display labels, and the
// mapping from the spellings used in the source exports to those values.
// Taxonomy labels (domain and subdomain names, causal taxonomy, ATLAS lifecycle and category names)
// are facts of the published taxonomies.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "index/schema.h"

namespace riskatlas::model {

struct FacetSpec {
  std::string_view name;         // API name: "type", "domain", ...
  std::string_view label;        // "Type", "Domain", ...
  std::string_view term_prefix;  // boolean filter term prefix, e.g. "Kdomain:" (schema::k*Facet)
  unsigned slot;                 // Xapian value slot holding the value(s) (schema::k*Facet)
  bool multi;                    // several values per record (lifecycle, category, tactic)
  std::string_view applies_to;   // record types that carry it, space-separated ("risk technique")
};

// Every facet, in display order.
std::span<const FacetSpec> facets();
// nullptr when `name` is not a facet.
const FacetSpec* find_facet(std::string_view name);

// The index layout (facet term prefixes and slots above, sort slots, the multi-value separator) is
// declared in index/schema.h.

// The label of a known value of a fixed taxonomy ("2" -> "2. Privacy & Security",
// "ai" -> "AI", "ml-model-evaluation" -> "ML Model Evaluation"); nullopt when the value is not
// in the fixed tables (e.g. tactic ids, whose labels come from the ATLAS data).
std::optional<std::string> known_label(std::string_view facet, std::string_view value);

// Parsing of export spellings. Each returns nullopt for a spelling it does not know.
std::optional<std::string> parse_entity(std::string_view raw);     // "1 - Human" -> "human"
std::optional<std::string> parse_intent(std::string_view raw);     // "2 - Unintentional" -> "unintentional"
std::optional<std::string> parse_timing(std::string_view raw);     // "1 - Pre-deployment" -> "pre-deployment"
std::optional<std::string> parse_domain(std::string_view raw);     // "2. Privacy & Security" -> "2"
std::optional<std::string> parse_subdomain(std::string_view raw);  // "2.2 > AI system ..." -> "2.2"
std::optional<std::string> parse_lifecycle(std::string_view raw);  // "ML Model Evaluation" -> "ml-model-evaluation"
std::optional<std::string> parse_category(std::string_view raw);   // "Technical - ML" -> "technical-ml"

// The domain a subdomain belongs to: "2.2" -> "2", "X.1" -> "X".
std::string domain_of_subdomain(std::string_view subdomain);

}  // namespace riskatlas::model
