// The words of English as the system's word lists spell them (wamerican, wbritish): a word the
// records happen not to hold ("particles") is no misspelling of one they do ("articles").
#pragma once

#include <string_view>

namespace riskatlas::analysis {

// True for a folded (lower-case) English word, inflected forms included ("particles", "darker").
bool is_english_word(std::string_view folded_word);

}  // namespace riskatlas::analysis
