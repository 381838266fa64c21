// Keys derived from analysed text that the writer stores and the searcher looks up, so both sides
// build them one way.
#pragma once

#include <string>
#include <vector>

#include "analysis/analyzer.h"

namespace riskatlas::index {

// The synonym-table key of an expression: its words' stems (or forms, for numbers and CJK) joined
// by spaces; identifiers count by their parts and function words are left out.
// "Large Language Models" -> "larg languag model", "denial of service" -> "denial servic".
// Empty when nothing in it is searchable.
std::string synonym_key(const std::vector<analysis::Token>& tokens);

// The words of an expression as indexed (unstemmed, function words kept), joined by spaces: a
// synonym's stored form, searched as a phrase.
std::string synonym_words(const std::vector<analysis::Token>& tokens);

// The exact-title term's text: every token of the title joined by spaces, so case, punctuation and
// spacing do not matter. Empty when it would not fit a term.
std::string title_key(const std::vector<analysis::Token>& tokens);

}  // namespace riskatlas::index
