// Every ranking parameter in one place: the weighting scheme, the boosts added to it, and how a
// query of plain words is relaxed when too few records hold them all. Figures that justify the
// non-default choices come from the relevance harness (README, "Relevance").
#pragma once

#include <cstddef>

#include <xapian.h>

namespace riskatlas::search::ranking {

// BM25 as Xapian defines it. Field weights are within-document frequencies (index/schema.h), so
// b (length normalisation) also decides how much a long quoted passage dilutes a title match.
// k1 and b are Robertson's usual 1.2 and 0.75 (Lucene's and SQLite FTS5's too) rather than Xapian's
// 1.0 and 0.5: MRR@10 0.494 -> 0.502 on the published data, 0.740 -> 0.743 on corpus/ (README,
// "Relevance"); k1 from 0.6 to 2 and b from 0.3 to 0.8 all landed within 0.49-0.51.
inline constexpr double kK1 = 1.2;
inline constexpr double kK2 = 0.0;
inline constexpr double kK3 = 1.0;
inline constexpr double kB = 0.75;
inline constexpr double kMinNormLen = 0.5;
inline Xapian::BM25Weight weighting() { return Xapian::BM25Weight(kK1, kK2, kK3, kB, kMinNormLen); }

// An identifier or a whole title typed as the query: its record first.
inline constexpr double kExactBoost = 20.0;
// A record holding a synonym of a word ranks a little below one holding the word itself.
inline constexpr double kSynonymScale = 0.8;
// Query words that stand within this many positions of each other in a record add their weight again.
inline constexpr Xapian::termcount kProximityWindow = 4;
inline constexpr double kProximityScale = 1.0;

// Relaxation. A query of plain words asks for all of them; when fewer than kRelaxBelow records
// hold them all, records holding fewer words join the answer, ranked by how many words they hold.
inline constexpr std::size_t kRelaxBelow = 5;
// Added to a record's weight once per query word it holds. Larger than any BM25 sum of a query
// (at most 64 words, each far below 1e4), so the word count decides first and BM25 second, and
// weight / kCoverageBonus is the number of words held.
inline constexpr double kCoverageBonus = 1e6;
// A word held by more than this share of the records tells little apart; relaxation does not count
// it ("ai" is in 70% of the published records).
inline constexpr double kCommonWordShare = 0.2;

}  // namespace riskatlas::search::ranking
