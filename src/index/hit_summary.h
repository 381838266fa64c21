// What a search hit shows of a stored record, packed into value slot schema::kSlotHit: a page of hits
// takes views of its id, title and text instead of parsing JSON, whose long quoted texts were most of
// a hit's cost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace riskatlas::index {

struct HitSummary {
  std::string_view id;
  std::string_view type;
  std::string_view title;
  std::string_view facets;             // JSON: {name: {value,label}} or {name: [{value,label}]}
  std::vector<std::string_view> text;  // the fields a snippet may come from, best first on ties
};

// The summary of a stored record (the JSON of risk_json and its kin): its id, type, title and facets,
// and as text its description, quoted evidence, mitigation uses or case-study steps (its title only
// when it has no other text).
std::string pack_hit_summary(const nlohmann::json& record);

// Packs a summary as given; for summaries stored as JSON by older indexes (read_hit_summary).
std::string pack_hit_summary(const HitSummary& summary);

// Whether `bytes` are in the packed form (which unpack_hit_summary may still refuse as damaged), not
// JSON from an older index.
bool is_packed_hit_summary(std::string_view bytes);

// The summary `packed` holds, as views of its bytes; nullopt when it is not one (a summary stored as
// JSON by an older index, or damaged bytes).
std::optional<HitSummary> unpack_hit_summary(std::string_view packed);

}  // namespace riskatlas::index
