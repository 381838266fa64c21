// What a search asks and what it answers, as plain values. The server maps HTTP parameters to a
// SearchRequest and a SearchResponse to JSON; tests and benchmarks use these directly.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace riskatlas::search {

enum class SortOrder { kRelevance, kId, kTitle };

inline constexpr std::size_t kMaxQueryBytes = 1024;
inline constexpr std::size_t kMaxQueryTerms = 64;
inline constexpr std::size_t kDefaultPerPage = 20;
inline constexpr std::size_t kMaxPerPage = 100;
inline constexpr std::size_t kMaxResultWindow = 10000;  // page * per_page
inline constexpr std::size_t kMaxFilterValues = 64;     // values across all facet filters
inline constexpr std::size_t kMaxExport = 10000;        // records in one export
inline constexpr std::size_t kMaxSuggestions = 10;
inline constexpr std::size_t kMaxSuggestBytes = 200;    // the text typed so far, on /api/suggest
inline constexpr std::size_t kMaxExplainedHits = 20;    // explain=1 covers the first hits of a page

// facet name -> selected values: OR within a facet, AND across facets.
using FacetFilters = std::map<std::string, std::vector<std::string>>;

struct SearchRequest {
  std::string q;  // may be empty: browse everything
  FacetFilters filters;
  std::size_t page = 1;  // 1-based
  std::size_t per_page = kDefaultPerPage;
  SortOrder sort = SortOrder::kRelevance;
  bool explain = false;  // add matched terms and weights to the first kMaxExplainedHits hits
};

// InvalidArgument naming the offending parameter (q too long, invalid UTF-8, unknown facet, page
// out of range, ...). Called by Searcher::search; exposed so the server can reject early.
Status validate(const SearchRequest& request);

// The part of validate() on filters: known facets, values of valid UTF-8 text up to 200 bytes, at
// most kMaxFilterValues in all. Also applied to the filters typed in q ("year:2021").
Status validate_filters(const FacetFilters& filters);

// Parses "relevance" | "id" | "title".
std::optional<SortOrder> parse_sort(std::string_view text);

struct FacetValueCount {
  std::string value;
  std::string label;
  std::size_t count = 0;
  bool selected = false;
};

struct FacetCounts {
  std::string name;   // "domain"
  std::string label;  // "Domain"
  std::vector<FacetValueCount> values;  // by count desc, then label; selected values always present
};

struct TermExplanation {
  std::string field;  // "title" | "text" | "source" | "id"
  std::string term;   // the word as indexed; stems are shown as "stem:<stem>"

  double weight = 0;
};

// One facet of a hit's record: its values with their labels (index::SummaryFacet, owned).
struct RecordFacet {
  std::string name;
  bool multi = false;  // a multi-valued facet, shown as a list even with one value
  std::vector<std::pair<std::string, std::string>> values;  // value, label
};

struct Hit {
  std::string id;
  std::string type;
  std::string title;
  std::string snippet;  // HTML: record text escaped, matches wrapped in <mark>
  double score = 0;
  std::vector<RecordFacet> facets;  // in model::facets() order
  std::optional<std::vector<TermExplanation>> explain;  // set when explained (explain=1, first hits)
  std::vector<std::string> missing_words;  // in a relaxed answer: the query's words this record lacks
};

// How a query of plain words was widened because too few records hold every word.
struct Relaxation {
  std::vector<std::string> words;          // the query's words it counts (plain, not common), as typed
  std::size_t min_matched = 0;             // every record of the answer holds at least this many
  std::size_t best_matched = 0;            // the most any record holds (words.size() when a few hold all)
  std::vector<std::string> dropped_words;  // words that no record holds (under the filters)
};

struct SearchResponse {
  std::string query;
  std::size_t total = 0;  // exact
  std::size_t page = 1;
  std::size_t per_page = kDefaultPerPage;
  std::vector<Hit> hits;
  std::vector<FacetCounts> facets;  // only facets that apply to the matched record types
  std::optional<std::string> suggestion;  // "did you mean"
  bool corrected = false;              // hits are for `suggestion` because the query matched nothing
  bool interpreted_literally = false;  // operators in q were ignored because they did not parse
  std::optional<Relaxation> relaxation;  // set when records missing some words were added
  std::string generation;              // the index generation that answered
  double took_ms = 0;
};

inline constexpr std::size_t kDefaultRelated = 10;
inline constexpr std::size_t kMaxRelated = 20;

// A record found related to another, with the words that tie them (most telling first).
struct RelatedRecord {
  std::string id;
  std::string type;
  std::string title;
  std::string source;  // a risk's source paper (QuickRef, else title); empty for ATLAS records
  double score = 0;    // 0 when nothing ties it (a linked record that shares no telling word)
  std::vector<std::string> words;
};

struct RelatedRecords {
  std::vector<RelatedRecord> related;      // risks of other source papers, most similar first
  std::vector<RelatedRecord> techniques;   // the record's linked techniques, most relevant first
  std::vector<RelatedRecord> mitigations;  // the record's linked mitigations, most relevant first
};

struct ExportedMatches {
  std::size_t total = 0;  // the whole match set, also when `records` stops at the limit
  std::vector<nlohmann::json> records;
  std::optional<std::string> suggestion;  // as in SearchResponse
  bool corrected = false;                 // the records are for `suggestion`
  std::optional<Relaxation> relaxation;   // as in SearchResponse
};

struct Suggestion {
  std::string text;  // what to put in the search box
  std::string kind;  // "record" or "term"
  std::string id;    // for kind == "record"
  std::string type;  // for kind == "record"
};

}  // namespace riskatlas::search
