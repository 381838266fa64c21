// The search core: ranked full-text search with disjunctive facet counts, record pages,
// search-as-you-type, facet listings and exports, all answered from one generation.
//
// A Searcher is used by one thread for one request (or a few): it holds a database lease of its
// generation, so every answer it gives comes wholly from that generation.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/analyzer.h"
#include "search/generation.h"
#include "search/request.h"
#include "util/status.h"

namespace riskatlas::search {

class Searcher {
 public:
  // REQUIRES: `analyzer` is used by this thread only and outlives the Searcher.
  Searcher(std::shared_ptr<const Generation> generation, analysis::Analyzer& analyzer);
  ~Searcher();

  // InvalidArgument for a bad request (see validate()); TooBroad for a wildcard that expands too far;
  // Unavailable when the index cannot be read.
  Result<SearchResponse> search(const SearchRequest& request);

  // The stored record (JSON with id, type, title, facets and its linked records); NotFound.
  Result<nlohmann::json> record(std::string_view id);

  // Risks of other source papers like the record, and its linked techniques and mitigations ordered by
  // relevance to its text (see related.h); NotFound. `limit` caps the related risks (1..kMaxRelated).
  Result<RelatedRecords> related(std::string_view id, std::size_t limit = kDefaultRelated);

  // Completions for a search box prefix: record titles first, then index terms.
  Result<std::vector<Suggestion>> suggest(std::string_view prefix, std::size_t limit = kMaxSuggestions);

  // Every facet's values with counts over the whole index.
  Result<std::vector<FacetCounts>> all_facets();

  // The stored records of the whole match set of `request` (page and per_page ignored), in its sort
  // order, at most `limit`: the answer search() gives (relaxed or corrected alike).
  Result<ExportedMatches> export_matches(const SearchRequest& request, std::size_t limit);

  const GenerationInfo& info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskatlas::search
