// Query-string parameters -> library requests. Every route's parameters are checked here, before any
// search work: names (unknown names are an error), repetition (only facet filters may repeat), text
// hygiene (valid UTF-8, no control characters) and ranges. The messages name the parameter.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api_error.h"
#include "search/request.h"

namespace riskatlas::server {

// Decoded query parameters, name -> value, in the order given (httplib::Params is this type).
using Params = std::multimap<std::string, std::string>;

template <typename T>
using Parsed = std::variant<T, ApiError>;

enum class ExportFormat { kJson, kCsv };

struct ExportRequest {
  search::SearchRequest search;  // page, per_page and explain are accepted and ignored
  ExportFormat format = ExportFormat::kJson;
};

struct SuggestRequest {
  std::string q;  // not empty
  std::size_t limit = search::kMaxSuggestions;
};

// Every name=value pair of a query string (the part after '?'), percent-decoded, '+' as space.
// Unlike httplib's req.params, which drops a pair that repeats exactly, this keeps every pair, so a
// parameter that may not repeat is refused even when both values are equal.
Params parse_query_string(std::string_view query);

// /api/search: q, page, per_page, sort, explain and one parameter per facet (repeatable).
Parsed<search::SearchRequest> parse_search_params(const Params& params);
// /api/export: the /api/search parameters plus format=json|csv.
Parsed<ExportRequest> parse_export_params(const Params& params);
// /api/suggest: q (required), limit 1..kMaxSuggestions.
Parsed<SuggestRequest> parse_suggest_params(const Params& params);
// /api/records/{id}/related: limit 1..kMaxRelated (default kDefaultRelated).
Parsed<std::size_t> parse_related_params(const Params& params);
// Routes that take no parameters.
std::optional<ApiError> expect_no_params(const Params& params);

}  // namespace riskatlas::server
