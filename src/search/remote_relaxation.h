// Relaxed matching (relaxation.h) over shards: those served by xapian-tcpsrv run only Xapian's own
// match spies and no posting source of ours, and over several databases a spy sees docids within each shard.
// Same answer as the one-database path for up to ten counted words: same documents, weights and order,
// the same counts by words held (more words: spellable_tier()).
#pragma once

#include <cstddef>
#include <vector>

#include <xapian.h>

#include "search/query_builder.h"
#include "search/request.h"

namespace riskatlas::search {

// Documents of `coverage` (relaxation's coverage-weighted query) under `filters`, counted by the
// plain words they hold (0..words), a case study holding fewer than all counting as none. Read from
// the weights of one MSet holding every match, and one boolean match for the case studies.
std::vector<std::size_t> remote_histogram(Xapian::Database& db, const Xapian::Query& coverage,
                                          const FacetFilters& filters, std::size_t words);

// Documents holding at least `min_matched` of the counted words (a case study: all of them), as a
// boolean query for OP_FILTER; empty when `min_matched` is 0 (no restriction). Throws
// Xapian::UnimplementedError (a 503) when the sets of words to spell out exceed kMaxWordSets.
Xapian::Query enough_words(const ParsedQuery& parsed, std::size_t min_matched);

// The words a record must hold over remote shards: `min_matched` when enough_words() can spell it
// out, else the nearest smaller number it can. Every set of 7 of 12 words is 792 ANDs, which took the
// shards seconds. Wider, not narrower: records are ranked by words held first, so the top of the
// answer is the one database's; only more records follow.
std::size_t spellable_tier(std::size_t words, std::size_t min_matched);

// C(10, 5): up to ten counted words relax over remote shards as they do in one database.
inline constexpr std::size_t kMaxWordSets = 252;

}  // namespace riskatlas::search
