#include "request_params.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <limits>
#include <string_view>

#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::server {
namespace {

using search::SearchRequest;

// How a parameter name may be shown back after "unknown parameter": printable ASCII only, bounded;
// else what kind of name it was.
std::string shown_name(std::string_view name) {
  const bool printable = !name.empty() && name.size() <= 64 &&
                         std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  return printable ? " '" + std::string(name) + "'"
                   : " (its name is empty, over 64 bytes, or holds spaces, control characters or non-ASCII bytes)";
}

bool has_any_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
  });
}

// Names known to the route, at most one value unless the name is a facet filter, every value clean.
std::optional<ApiError> check_params(const Params& params, std::initializer_list<std::string_view> single,
                                     bool facets) {
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    const std::string& name = it->first;
    const bool is_single = std::find(single.begin(), single.end(), name) != single.end();
    const bool is_facet = facets && model::find_facet(name) != nullptr;
    if (!is_single && !is_facet) {
      std::string msg = "unknown parameter" + shown_name(name);
      if (!facets) return ApiError::bad_parameter("unknown_parameter", msg);
      std::string names;
      for (const auto& facet : model::facets()) names.append(names.empty() ? "" : ", ").append(facet.name);
      return ApiError::bad_parameter("unknown_parameter", msg + " (facets: " + names + ")");
    }
    if (is_single && params.count(name) > 1)
      return ApiError::bad_parameter("invalid_parameter", name + ": may be given only once");
  }
  for (const auto& [name, value] : params) {
    if (name == "q" && value.size() > search::kMaxQueryBytes)
      return ApiError::bad_parameter("query_too_long",
                                     "q: longer than " + std::to_string(search::kMaxQueryBytes) + " bytes");
    if (!utf8::is_valid(value)) return ApiError::bad_parameter("invalid_utf8", name + ": not valid UTF-8");
    if (has_any_control(value))
      return ApiError::bad_parameter("invalid_parameter", name + ": contains control characters");
  }
  return std::nullopt;
}

const std::string* find_param(const Params& params, const std::string& name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

// A whole decimal number in [min, max]; nullopt for anything else ("", "-1", "1e9", overflow).
std::optional<std::size_t> parse_count(std::string_view text, std::size_t min, std::size_t max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<ApiError> fill_search_request(const Params& params, SearchRequest& r) {
  if (const auto* q = find_param(params, "q")) r.q = *q;
  if (const auto* page = find_param(params, "page")) {
    // Any whole number from 1 is a page here; one too large for the window gets the window's message.
    const bool whole = page->find_first_not_of("0123456789") == std::string::npos &&
                       page->find_first_not_of('0') != std::string::npos;
    const auto n = parse_count(*page, 1, std::numeric_limits<std::size_t>::max());
    if (!n && !whole)
      return ApiError::bad_parameter("invalid_parameter", "page: must be a whole number from 1");
    r.page = n.value_or(std::numeric_limits<std::size_t>::max());
  }
  if (const auto* per_page = find_param(params, "per_page")) {
    const auto n = parse_count(*per_page, 1, search::kMaxPerPage);
    if (!n)
      return ApiError::bad_parameter("invalid_parameter",
                                     "per_page: must be a whole number from 1 to " + std::to_string(search::kMaxPerPage));
    r.per_page = *n;
  }
  if (r.page > search::kMaxResultWindow / r.per_page)
    return ApiError::bad_parameter("invalid_parameter", "page: page x per_page may not exceed " +
                                                            std::to_string(search::kMaxResultWindow) +
                                                            "; narrow the search instead");
  if (const auto* sort = find_param(params, "sort")) {
    const auto order = search::parse_sort(*sort);
    if (!order) return ApiError::bad_parameter("invalid_parameter", "sort: must be relevance, id or title");
    r.sort = *order;
  }
  if (const auto* explain = find_param(params, "explain")) {
    if (*explain != "0" && *explain != "1")
      return ApiError::bad_parameter("invalid_parameter", "explain: must be 0 or 1");
    r.explain = *explain == "1";
  }
  // An empty value (an unset form field) selects nothing; a repeated value counts once.
  for (const auto& spec : model::facets()) {
    const std::string name(spec.name);
    const auto [first, last] = params.equal_range(name);
    for (auto it = first; it != last; ++it) {
      if (it->second.empty()) continue;
      auto& values = r.filters[name];
      if (std::find(values.begin(), values.end(), it->second) == values.end()) values.push_back(it->second);
    }
  }
  if (Status s = search::validate(r); !s.ok()) return api_error_from_status(s);
  return std::nullopt;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A malformed escape ("%zz", "%4") is kept as written.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Params parse_query_string(std::string_view query) {
  Params params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    params.emplace(percent_decode(pair.substr(0, eq)),
                   eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1)));
  }
  return params;
}

Parsed<SearchRequest> parse_search_params(const Params& params) {
  if (auto error = check_params(params, {"q", "page", "per_page", "sort", "explain"}, true)) return *error;
  SearchRequest r;
  if (auto error = fill_search_request(params, r)) return *error;
  return r;
}

Parsed<ExportRequest> parse_export_params(const Params& params) {
  if (auto error = check_params(params, {"q", "page", "per_page", "sort", "explain", "format"}, true)) return *error;
  ExportRequest r;
  if (auto error = fill_search_request(params, r.search)) return *error;
  if (const auto* format = find_param(params, "format")) {
    if (*format == "csv") {
      r.format = ExportFormat::kCsv;
    } else if (*format != "json") {
      return ApiError::bad_parameter("invalid_parameter", "format: must be json or csv");
    }
  }
  return r;
}

Parsed<SuggestRequest> parse_suggest_params(const Params& params) {
  if (auto error = check_params(params, {"q", "limit"}, false)) return *error;
  SuggestRequest r;
  if (const auto* q = find_param(params, "q")) r.q = *q;
  if (r.q.find_first_not_of(" \t") == std::string::npos)
    return ApiError::bad_parameter("invalid_parameter", "q: required (the text typed so far)");
  if (r.q.size() > search::kMaxSuggestBytes)
    return ApiError::bad_parameter("query_too_long",
                                   "q: longer than " + std::to_string(search::kMaxSuggestBytes) + " bytes");
  if (const auto* limit = find_param(params, "limit")) {
    const auto n = parse_count(*limit, 1, search::kMaxSuggestions);
    if (!n)
      return ApiError::bad_parameter("invalid_parameter", "limit: must be a whole number from 1 to " +
                                                              std::to_string(search::kMaxSuggestions));
    r.limit = *n;
  }
  return r;
}

Parsed<std::size_t> parse_related_params(const Params& params) {
  if (auto error = check_params(params, {"limit"}, false)) return *error;
  const auto* limit = find_param(params, "limit");
  if (limit == nullptr) return search::kDefaultRelated;
  const auto n = parse_count(*limit, 1, search::kMaxRelated);
  if (!n)
    return ApiError::bad_parameter("invalid_parameter",
                                   "limit: must be a whole number from 1 to " + std::to_string(search::kMaxRelated));
  return *n;
}

std::optional<ApiError> expect_no_params(const Params& params) { return check_params(params, {}, false); }

}  // namespace riskatlas::server
