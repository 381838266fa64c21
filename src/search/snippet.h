// Snippets: a window of the best-matching field with matched words in <mark>, everything else
// HTML-escaped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"
#include "search/query_builder.h"

namespace riskatlas::search {

inline constexpr std::size_t kSnippetWords = 36;

// `fields` in order of preference on ties. Without any match, the start of the first non-empty field.
std::string make_snippet(const std::vector<std::string_view>& fields, const HighlightTerms& terms,
                         analysis::Analyzer& analyzer, std::size_t max_words = kSnippetWords);

// Whether `text` may hold a word `terms` marks: false only when analysing it would find none, and
// make_snippet then skips it (unless no field has one). Exposed for its tests.
bool may_hold_marked_word(std::string_view text, const HighlightTerms& terms);

// At least as many words as analysing `text` would mark for `terms` (SIZE_MAX when non-ASCII text
// leaves it open): make_snippet does not analyse a field that cannot beat the best one so far.
// Exposed for its tests.
std::size_t most_marked_words(std::string_view text, const HighlightTerms& terms);

}  // namespace riskatlas::search
