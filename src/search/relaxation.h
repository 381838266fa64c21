// Relaxed matching: when too few records hold every plain word of a query, records holding fewer
// words join the answer, ranked first by how many of the words they hold, then by BM25.
//
// Each plain word's clause is AND-ed with a constant weight (ranking::kCoverageBonus) far above any
// BM25 sum, so a record's weight divided by the bonus is the number of words it holds. One unweighted
// pass per word over its postings records that number per document (and one over the case studies
// applies the rule below), which chooses `min_matched`; under filters another pass counts the
// filtered match by it; one probe per word finds the words no record holds. The
// answer is then the weighted query FILTER-ed by the sorted list of the documents holding at least
// `min_matched` words (a posting source): every count made on it, disjunctive facet counts too,
// describes exactly the answer shown, and the match weighs only the documents of the answer. A
// weight cutoff would be the obvious tool, but Xapian 1.4 prunes FILTER and AND subqueries against it
// inexactly when posting sources are involved (counts came out short), so it is not used.
// Required clauses (phrases, +word, AND, field scopes, identifiers) stay required.
// A case study is a long story that holds many words by chance, so it joins a relaxed answer only
// holding every word: short of that it counts as holding none.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "search/facet_counter.h"
#include "search/query_builder.h"
#include "search/ranking.h"
#include "search/request.h"

namespace riskatlas::search {

struct RelaxedMatch {
  Xapian::Query query;    // the answer, coverage-weighted; before exclusions and boosts (ParsedQuery::finish)
  std::size_t total = 0;  // documents of the answer under the request's filters
  Relaxation relaxation;
};

// What counting a filtered facet's values as ticking each would show needs (count_as_ticked). Kept
// when that may differ from counting them in the answer: when the filters left no record at the
// words' tier, or none there but those holding every word (the answer is then the strict one).
struct TickedCounting {
  Xapian::Query any_word;  // records holding any counted word (and the required clauses), coverage-weighted
  // The tiers ticking a value can set, highest first: each the documents holding at least so many
  // words, as a filter (empty: no restriction).
  std::vector<Xapian::Query> tiers;
};

struct RelaxOutcome {
  std::optional<RelaxedMatch> match;             // set when records holding fewer words join the answer
  std::shared_ptr<const TickedCounting> ticked;  // set when a filtered facet must be counted as ticked
};

// Every case study (its type facet's term): the records the case-study rule above applies to.
Xapian::Query case_study_query();

// Whether relaxing can change anything: two counted plain words, or one beside a required clause.
bool can_relax(const ParsedQuery& parsed);

// How many records hold every word of the query (up to ranking::kRelaxBelow: a count may stop there),
// under the request's filters and without them.
struct StrictTotals {
  std::size_t filtered = 0;
  std::size_t unfiltered = 0;
};

// Widens `parsed` when fewer than ranking::kRelaxBelow records hold every word, whatever the filters:
// the fewest words a record must hold is the largest number that gives at least that many records
// (down to one word, or to none beside the required clauses). The filters then narrow that answer,
// so that a facet value's count is what ticking it shows (ticking another value of the same facet
// adds its records); only when they leave no record is the answer widened further, to the most
// words a record under them holds. No match when widening finds no more records under the filters
// than the strict query. `ticked` is set when ticking a value of a filtered facet may set another
// tier than the answer's.
// `without_spies`: no spy or posting source of ours can run on `db` (Generation::spies_run: remote
// shards). The words held are then read from the weights of a full MSet, and the answer is `query`
// narrowed by "holds at least min_matched words" spelled as a boolean query (remote_relaxation.h)
// instead of a document list: the same documents, weights and order.
RelaxOutcome relax(Xapian::Database& db, const ParsedQuery& parsed, const FacetFilters& filters,
                   const StrictTotals& strict, bool without_spies = false);

// The counts of a facet the request filters on, as ticking each value would show them: the value's
// records (under the other filters) at the tier the filters with it ticked set, which is the most
// words one of them or of the ticked values' records holds, up to the words' tier. One match per
// tier, at most one per counted word. `table`: the facet table, when loaded.
ValueCounts count_as_ticked(Xapian::Database& db, const TickedCounting& ticked, const FacetFilters& filters,
                            const model::FacetSpec& facet, const FacetTable* table);

// For each document of `docs` (whose record ids are `ids`), the plain words of `parsed` (as typed)
// that it does not hold.
std::vector<std::vector<std::string>> missing_words(Xapian::Database& db, const ParsedQuery& parsed,
                                                    const std::vector<Xapian::docid>& docs,
                                                    const std::vector<std::string>& ids);

// The query's plain words a record holds, from its weight in a relaxed match.
inline std::size_t words_held(double weight) { return static_cast<std::size_t>(weight / ranking::kCoverageBonus); }

}  // namespace riskatlas::search
