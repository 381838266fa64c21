// Facet filters and exact facet counts.
//
// Counting uses Xapian's built-in ValueCountMatchSpy over the facet value slots, so it also works
// over the remote backend. A multi-valued facet stores its values in one slot joined by
// kMultiValueSeparator; the spy counts each distinct combination once per document and the
// combinations are split afterwards, which gives each value the exact number of documents holding it.
// Counts are exact because every match asks Xapian to check all documents (check_at_least).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "model/taxonomy.h"
#include "search/request.h"

namespace riskatlas::search {

using ValueCounts = std::map<std::string, std::size_t>;

// `text` (MatchAll when empty) filtered by every facet in `filters` except `except`:
// OR within a facet, AND across facets.
Xapian::Query filtered_query(const Xapian::Query& text, const FacetFilters& filters, std::string_view except = {});

// Spies attached to one Enquire, one per facet.
class FacetSpies {
 public:
  void attach(Xapian::Enquire& enquire, const model::FacetSpec& facet);
  bool has(const std::string& facet) const { return spies_.count(facet) != 0; }
  // REQUIRES: has(facet) and the Enquire's get_mset() has run.
  ValueCounts counts(const std::string& facet) const;

 private:
  std::map<std::string, std::pair<const model::FacetSpec*, std::unique_ptr<Xapian::ValueCountMatchSpy>>> spies_;
};

// Exact counts of one facet's values over the documents matching `query`.
ValueCounts count_values(Xapian::Database& db, const Xapian::Query& query, const model::FacetSpec& facet);

}  // namespace riskatlas::search
