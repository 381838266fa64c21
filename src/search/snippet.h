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

}  // namespace riskatlas::search
