// Facet filters and exact facet counts.
//
// Counts are exact because every match asks Xapian to check all documents (check_at_least).
// The server counts from a FacetTable, which Generation builds when it opens: each document's facet
// values are read once per generation into arrays, so a matched document costs an array walk instead
// of one value-slot read per facet (the reads were most of a browse request's time).
//
// Without a table, counting falls back to Xapian's ValueCountMatchSpy over the facet value slots,
// which is kept because it also works over the remote backend; tests check both paths agree. A
// multi-valued facet stores its values in one slot joined by kMultiValueSeparator; that spy counts
// each distinct combination once per document and the combinations are split afterwards, which gives
// each value the exact number of documents holding it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "index/stored_record.h"
#include "model/taxonomy.h"
#include "search/request.h"

namespace riskatlas::search {

using ValueCounts = std::map<std::string, std::size_t>;

// `text` (MatchAll when empty) filtered by every facet in `filters` except `except`:
// OR within a facet, AND across facets.
Xapian::Query filtered_query(const Xapian::Query& text, const FacetFilters& filters, std::string_view except = {});

// Every document's values of every facet, by document id. Immutable once loaded, so one table is
// read by all request threads of a generation.
class FacetTable {
 public:
  // Reads each facet's value slot once, in document order. `databases`: how many databases `db`
  // joins; the table is indexed by each document's docid within its own database, which a match spy
  // is given (shards.h: local shards number their documents by one sequence).
  static FacetTable load(const Xapian::Database& db, std::size_t databases = 1);

  struct Column {
    Xapian::valueno slot = Xapian::BAD_VALUENO;
    std::vector<std::string> values;      // distinct values; ids below index this
    std::vector<std::uint32_t> begin;     // document d holds ids[begin[d] .. begin[d + 1])
    std::vector<std::uint32_t> ids;
  };
  // REQUIRES: `facet` is one of model::facets().
  const Column& column(const model::FacetSpec& facet) const;

 private:
  std::vector<Column> columns_;  // one per facet of model::facets()
};

// Counts facets of the matched documents from FacetTable columns, every column in one call per
// document (a spy per facet cost Xapian a virtual call per document and facet).
class TableSpy : public Xapian::MatchSpy {
 public:
  // Counts `column` too; returns the index to read its counts() with.
  std::size_t add(const FacetTable::Column& column);
  void operator()(const Xapian::Document& doc, double weight) override;
  ValueCounts counts(std::size_t column) const;

 private:
  struct Counted {
    const FacetTable::Column* column;
    std::vector<std::uint32_t> counts;  // by value id
  };
  std::vector<Counted> counted_;
};

// The facet counting of one Enquire. With a table it counts every attached facet from it in one
// spy; without one it reads value slots, a spy per facet.
class FacetSpies {
 public:
  explicit FacetSpies(const FacetTable* table = nullptr) : table_(table) {}

  void attach(Xapian::Enquire& enquire, const model::FacetSpec& facet);
  bool has(const std::string& facet) const { return spies_.count(facet) != 0; }
  // REQUIRES: has(facet) and the Enquire's get_mset() has run.
  ValueCounts counts(const std::string& facet) const;

 private:
  struct Spy {
    const model::FacetSpec* facet;
    std::unique_ptr<Xapian::ValueCountMatchSpy> slot;  // without a table
    std::size_t column = 0;                            // with one: its index in table_spy_
  };
  const FacetTable* table_;
  std::unique_ptr<TableSpy> table_spy_;  // attached with the first facet
  std::map<std::string, Spy> spies_;
};

// Exact counts of one facet's values over the documents matching `query`; from `table` when given.
ValueCounts count_values(Xapian::Database& db, const Xapian::Query& query, const model::FacetSpec& facet,
                         const FacetTable* table = nullptr);

// Value labels by facet, then by value; a value without one is shown as itself.
using FacetLabels = index::FacetLabels;

// The match a search answers: its text query (MatchAll when empty) and its filters.
struct MatchSet {
  const Xapian::Query& text;
  const FacetFilters& filters;
};

// Disjunctive counts of every facet that applies to the matched record types (or has a filter): each
// facet counted with all filters applied but its own, most frequent value first. `main_spies` already
// counted the unfiltered facets on the fully filtered match, whose record types are `matched_types`.
// Without a `table` (a remote shard) the counts come from value slots. `count_filtered`, when set,
// counts a filtered facet instead of counting it on the match (relaxation.h, count_as_ticked).
using FilteredFacetCounter = std::function<ValueCounts(const model::FacetSpec&)>;
std::vector<FacetCounts> disjunctive_counts(Xapian::Database& db, const FacetTable* table, const MatchSet& match,
                                            const FacetSpies& main_spies, const ValueCounts& matched_types,
                                            const FacetLabels& labels, const FilteredFacetCounter& count_filtered = {});

}  // namespace riskatlas::search
