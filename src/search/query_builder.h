// The search box's query language, turned into a Xapian::Query with the index-time analyzer.
//
//   words          all must match (AND), each as stem or exact word (exact ranks higher)
//   "a phrase"     words in this order
//   -word  NOT w   exclude; -"a phrase" too
//   a OR b         either
//   title: source: id:   scope a word or phrase to a field
//   domain:2 ...   a facet name scopes to a facet value (a filter)
//   word*          words beginning with this (400 when it matches too many)
// The last word also matches as a prefix while the user types (no trailing space). Syntax that does
// not parse sets `literal`: an unclosed quote leaves plain words, a dangling OR/AND/NOT is ignored,
// and a query of operators only ("OR") searches them as words. A word with nothing searchable in it
// ("!!!", or longer than any indexed word) matches nothing.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "util/status.h"

namespace riskatlas::search {

// A plain word of the query that a spelling suggestion may replace.
struct SpellWord {
  std::size_t begin;  // byte range in the query string
  std::size_t end;
  std::string term;   // analysed form
  std::string stem;
  bool last;          // the last word, also matched as a prefix
};

struct HighlightTerms {
  std::set<std::string> words;                // unstemmed forms and stems of positive query words
  std::vector<std::string> prefixes;          // partial last word and explicit wildcards
  bool matches(const std::vector<std::string>& span_terms) const;
};

struct ParsedQuery {
  Xapian::Query query;  // empty when there are no positive words (browse, maybe with exclusions)
  Xapian::Query exclusions;  // empty when nothing is excluded
  Xapian::Query id_boost;    // identifier terms: added as AND_MAYBE so an exact id ranks first
  std::map<std::string, std::vector<std::string>> facet_scopes;  // "domain:2" -> {"domain": {"2"}}
  HighlightTerms highlight;
  std::vector<SpellWord> spell_words;
  bool literal = false;
  bool has_text() const { return !query.empty(); }
};

// Xapian::Query::MatchAll and MatchNothing are shared statics whose reference count is not atomic:
// copying them from several threads is a data race (xapian/query.h). These build fresh objects.
inline Xapian::Query match_all() { return Xapian::Query(std::string()); }
inline Xapian::Query match_nothing() { return Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), match_all()); }

// Wildcards expand to at most this many words before the search is refused.
inline constexpr Xapian::termcount kMaxWildcardTerms = 1000;
// The partial last word expands to this many of its most frequent completions.
inline constexpr Xapian::termcount kMaxPartialTerms = 50;

// InvalidArgument for a query with more than kMaxQueryTerms words.
Result<ParsedQuery> parse_query(std::string_view q, analysis::Analyzer& analyzer, bool partial_last_word = true);

}  // namespace riskatlas::search
