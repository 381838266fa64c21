// JSON bodies of the HTTP API (documented in README.md, "HTTP API"). Keys keep the documented order
// (nlohmann::ordered_json); dump() never throws on invalid UTF-8 in stored text (it writes U+FFFD).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "search/index_service.h"
#include "search/request.h"

namespace riskatlas::server {

using OrderedJson = nlohmann::ordered_json;

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

// Compact JSON; invalid UTF-8 is replaced, never thrown.
std::string dump(const OrderedJson& body);

// {"error": {"code", "message"}}
OrderedJson error_json(const ApiError& error);

// /api/search; a hit carries "explain" when it was explained.
OrderedJson search_json(const search::SearchResponse& response);

// {name: [{value, label, count, selected}]} in the order given (model::facets() order).
OrderedJson facet_counts_json(const std::vector<search::FacetCounts>& facets);

// /api/facets
OrderedJson facets_json(const std::vector<search::FacetCounts>& facets, const std::string& generation);

// /api/suggest
OrderedJson suggest_json(std::string_view query, const std::vector<search::Suggestion>& suggestions,
                         const std::string& generation);

// /api/records/{id}: the stored record plus "generation".
OrderedJson record_json(const nlohmann::json& record, const std::string& generation);

// /api/records/{id}/related
OrderedJson related_json(std::string_view id, const search::RelatedRecords& related, const std::string& generation);

// /api/export?format=json
OrderedJson export_json(std::string_view query, const search::ExportedMatches& exported, const std::string& generation);

// /healthz when a generation is open (status "ok", "problem" only when the live pointer is broken or
// the index was built by another analyzer), else {"status": "unavailable", "problem"}. The answer is
// 200 exactly when the status is "ok" (else "damaged" or "unavailable", 503).
// `shards`: each database of the generation as just probed, listed when it is sharded; one that is
// down makes the status "unavailable" and names it in "problem". An unsharded generation that does
// not open is named in "problem", and makes the status "unavailable" once `served_gone` (it has not
// opened for a while).
OrderedJson health_json(const search::IndexStatus& status, const std::vector<search::ShardState>& shards = {},
                        bool served_gone = false);

}  // namespace riskatlas::server
