// Wildcards expanded against the whole searched database.
//
// Xapian 1.4.22 expands an OP_WILDCARD in each database of a set on its own: with a limit on the
// expansion, each shard keeps its own most frequent words, and the weights differ from one
// database's. Expanding here, over the set's merged term list and its summed frequencies, gives
// every layout the single database's query.
#pragma once

#include <string>

#include <xapian.h>

namespace riskatlas::search {

// The words starting with `pattern`, as an OP_SYNONYM (what OP_WILDCARD expands to). `limit_mode`:
// Xapian::Query::WILDCARD_LIMIT_ERROR throws Xapian::WildcardError past `max` words;
// WILDCARD_LIMIT_MOST_FREQUENT keeps the `max` most frequent (ties by word); WILDCARD_LIMIT_FIRST the
// first `max` in byte order, reading no further. MatchNothing when no word starts so. Without a
// database, Xapian's own OP_WILDCARD.
Xapian::Query expand_wildcard(const Xapian::Database* db, const std::string& pattern, Xapian::termcount max,
                              int limit_mode);

}  // namespace riskatlas::search
