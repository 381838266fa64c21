// Search-as-you-type: completions of a search box's text from record titles and index words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "search/request.h"

namespace riskatlas::search {

// Records whose title holds every word of `prefix` (the last one as typed so far) first, then
// expressions of the vocabulary that the last words typed begin (`phrases`: GenerationInfo::phrases),
// then index words completing the last word, most frequent first; at most `limit`. REQUIRES: `prefix`
// is valid UTF-8; `phrases` sorted. Throws Xapian::Error (callers guard index reads).
std::vector<Suggestion> complete(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                 const std::vector<std::string>& phrases, std::string_view prefix, std::size_t limit);

}  // namespace riskatlas::search
