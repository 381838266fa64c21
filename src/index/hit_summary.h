// What a search hit shows of a stored record, packed into value slot schema::kSlotHit: a page of hits
// takes views of its id, title, facets and text instead of parsing JSON, whose long quoted texts were
// most of a hit's cost (and the facets, once the texts were packed, a third of what was left).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace riskatlas::index {

// One facet of a record as a hit shows it: its values with their labels.
struct SummaryFacet {
  std::string_view name;
  bool multi = false;  // a multi-valued facet, shown as a list even with one value
  std::vector<std::pair<std::string_view, std::string_view>> values;  // value, label
};

struct HitSummary {
  std::string_view id;
  std::string_view type;
  std::string_view title;
  std::vector<SummaryFacet> facets;    // in model::facets() order
  std::vector<std::string_view> text;  // the fields a snippet may come from, best first on ties
};

// The summary of a stored record (the JSON of risk_json and its kin): its id, type, title and facets,
// and as text its description, quoted evidence, mitigation uses or case-study steps (its title only
// when it has no other text). `title`, when given, is listed instead of the record's own.
std::string pack_hit_summary(const nlohmann::json& record, std::string_view title = {});

// Packs a summary from its parts (tests, and summaries of older indexes packed again).
std::string pack_hit_summary(const HitSummary& summary);

// A stored record's facets object ({name: {value,label}} or {name: [{value,label}]}) as views of
// `facets`, in model::facets() order; facets the model does not know, and facets without a
// {value,label}, are left out.
std::vector<SummaryFacet> summary_facets(const nlohmann::json& facets);

// Whether `bytes` are in the packed form (which unpack_hit_summary may still refuse as damaged), not
// a summary stored by an older index.
bool is_packed_hit_summary(std::string_view bytes);

// A summary stored by an older index, packed as pack_hit_summary packs it now: JSON (before summaries
// were packed), or packed with its facets as JSON (schema 2). nullopt when `bytes` are neither, or
// damaged.
std::optional<std::string> repack_hit_summary(std::string_view bytes);

// The summary `packed` holds, as views of its bytes; nullopt when it is not one (a summary stored by
// an older index, or damaged bytes).
std::optional<HitSummary> unpack_hit_summary(std::string_view packed);

}  // namespace riskatlas::index
