#include "search/request.h"

#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::search {

std::optional<SortOrder> parse_sort(std::string_view text) {
  if (text == "relevance") return SortOrder::kRelevance;
  if (text == "id") return SortOrder::kId;
  if (text == "title") return SortOrder::kTitle;
  return std::nullopt;
}

Status validate(const SearchRequest& r) {
  if (r.q.size() > kMaxQueryBytes)
    return Status::InvalidArgument("q: longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  if (!utf8::is_valid(r.q)) return Status::InvalidArgument("q: not valid UTF-8");
  if (utf8::has_control(r.q)) return Status::InvalidArgument("q: contains control characters");
  if (r.page < 1) return Status::InvalidArgument("page: must be 1 or more");
  if (r.per_page < 1 || r.per_page > kMaxPerPage)
    return Status::InvalidArgument("per_page: must be from 1 to " + std::to_string(kMaxPerPage));
  if (r.page > kMaxResultWindow / r.per_page)
    return Status::InvalidArgument("page: page x per_page may not exceed " + std::to_string(kMaxResultWindow));
  return validate_filters(r.filters);
}

Status validate_filters(const FacetFilters& filters) {
  std::size_t values = 0;
  for (const auto& [facet, selected] : filters) {
    if (model::find_facet(facet) == nullptr) return Status::InvalidArgument(facet + ": not a facet");
    values += selected.size();
    for (const auto& v : selected) {
      if (!utf8::is_valid(v) || utf8::has_control(v))
        return Status::InvalidArgument(facet + ": value is not valid UTF-8 text");
      if (v.size() > 200) return Status::InvalidArgument(facet + ": value longer than 200 bytes");
    }
  }
  if (values > kMaxFilterValues)
    return Status::InvalidArgument("too many filter values (at most " + std::to_string(kMaxFilterValues) + ")");
  return Status::OK();
}

}  // namespace riskatlas::search
