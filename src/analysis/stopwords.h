// English function words. A natural question ("how can attackers steal a model") should match on
// its content words: the query builder leaves these out of a query that has other words.
#pragma once

#include <string_view>

namespace riskatlas::analysis {

// True for a folded (lower-case) function word: "the", "how", "can", ...
bool is_stopword(std::string_view folded_word);

// True for a folded word that says little of what a query is about: a light verb ("take", "made"),
// an adverb particle ("up", "over") or a general noun ("things"). Unlike a stop-word it stays in the
// query and weighs, but relaxation does not count it, nor does the proximity bonus pair it
// (query_builder.h).
bool is_light_word(std::string_view folded_word);

}  // namespace riskatlas::analysis
