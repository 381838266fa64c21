// The search box's query language, turned into Xapian queries with the index-time analyzer.
//
//   words          all must match (AND), each as stem or exact word (exact ranks higher); plain words
//                  may be relaxed by the searcher when too few records hold them all
//   +word          must match, never relaxed
//   "a phrase"     words in this order
//   -word  NOT w   exclude; -"a phrase" too
//   a OR b         either
//   a AND b        both, never relaxed
//   title: source: id:   scope a word or phrase to a field; another "name:word" is two words
//   domain:2 ...   a facet name scopes to a facet value (a filter)
//   word*          words beginning with this (400 when it matches too many)
// The last word also matches as a prefix while the user types (no trailing space), unless the index
// holds it as typed. Syntax that does
// not parse sets `literal`: an unclosed quote leaves plain words, a dangling OR/AND/NOT is ignored,
// and a query of operators only ("OR") searches them as words. A word with nothing searchable in it
// ("!!!", or longer than any indexed word) is left out of a query that has other words, like the
// function words ("how", "a"); alone it matches nothing. A plain word also matches its synonyms from the index's synonym
// table, and so does a run of up to five plain words ("large language model" -> "llm"). A plain word
// held by more than ranking::kCommonWordShare of the records ("ai" in an atlas of AI risks) weighs in
// but is not required, and relaxation does not count it (as Lucene's common-terms query treats such
// words); nor does it count a light word ("take" in "will ai take my job", "over" in "machines take
// over", analysis::is_light_word).
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

// Whether "name:" scopes what follows it: a text field (title, source, id) or a facet. Any other
// "name:word" is two words.
bool is_field_name(std::string_view name);

// Whether a word typed alone is a boolean operator: "OR", "AND", "NOT", in capitals.
bool is_operator(std::string_view word);

// A plain word of the query that a spelling suggestion may replace.
struct SpellWord {
  std::size_t begin;  // byte range of the word in the query string, without its operator
  std::size_t end;
  std::string term;   // analysed form
  std::string stem;
  bool last;          // the last word, also matched as a prefix
  bool optional;      // a plain word (not joined by OR, not +word): a correction may replace it unasked
};

struct HighlightTerms {
  std::set<std::string> words;                // unstemmed forms and stems of positive query words
  std::vector<std::string> prefixes;          // partial last word and explicit wildcards
  bool matches(const std::vector<std::string>& span_terms) const;
};

// One thing the query asks for: a word with its stem and synonyms, an OR group, a phrase, a scoped
// or required word. The strict query is the AND of all clauses.
struct Clause {
  Xapian::Query query;
  std::string text;   // as typed, for telling the user which words a record holds
  bool optional;      // a plain word: relaxation may drop it
  bool counted;       // optional and not common: relaxation counts the records holding it
};

struct ParsedQuery {
  std::vector<Clause> clauses;  // empty when there are no positive words (browse, maybe with exclusions)
  Xapian::Query exclusions;     // empty when nothing is excluded
  // Exact identifier or title, then each pair of words near each other: each added as its own
  // AND_MAYBE, which tests a NEAR's positions correctly where an OR of them would not (any_of).
  std::vector<Xapian::Query> boosts;
  std::map<std::string, std::vector<std::string>> facet_scopes;  // "domain:2" -> {"domain": {"2"}}
  HighlightTerms highlight;
  std::vector<SpellWord> spell_words;
  std::vector<std::string> ignored_words;  // function words left out
  bool literal = false;

  bool has_text() const { return !clauses.empty(); }
  // Every clause (AND) but the common words, which only add weight; empty when there are none.
  Xapian::Query strict() const;
  // `core` without the exclusions, with the boosts; empty when there is nothing to match (browse).
  Xapian::Query finish(const Xapian::Query& core) const;
  // `core` without the exclusions: the same documents as finish(), without the boosts' weight.
  Xapian::Query exclude(const Xapian::Query& core) const;
  std::size_t counted_count() const;
};

// Xapian::Query::MatchAll and MatchNothing are shared statics whose reference count is not atomic:
// copying them from several threads is a data race (xapian/query.h). These build fresh objects.
inline Xapian::Query match_all() { return Xapian::Query(std::string()); }
inline Xapian::Query match_nothing() { return Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), match_all()); }

// OP_OR of `queries`. Xapian 1.4.22's OrPostList::check() takes a child whose positional test
// failed for a document as matching the next one, with that child's weight: a record gains the
// weight of a phrase or NEAR it does not hold (or matches through it), and which records depends on
// the index's layout. Each child holding a phrase or NEAR is therefore wrapped in an AND_MAYBE with
// a zero-weight MatchAll, whose postlist reaches it by skip_to, which tests positions before stopping.
// Unweighted (BoolWeight, a filter's right side) Xapian drops that AND_MAYBE for its left side; there
// the fault only misplaces weight, which is not used: check() still reports a match only where a
// child holds.
Xapian::Query any_of(const std::vector<Xapian::Query>& queries);

// A token the analyzer also split into parts that follow it: an identifier ("aml.t0018", "gpt-4")
// or a dotted number ("01.02.00"). Queries match it whole or as a phrase of its parts.
bool is_whole(const analysis::Token& t);

// Wildcards expand to at most this many words before the search is refused.
inline constexpr Xapian::termcount kMaxWildcardTerms = 1000;
// The partial last word expands to this many of its most frequent completions.
inline constexpr Xapian::termcount kMaxPartialTerms = 50;
// Longest run of words looked up as one synonym ("reinforcement learning from human feedback").
inline constexpr std::size_t kMaxSynonymWords = 5;
// Pairs of neighbouring words checked for proximity, at most.
inline constexpr std::size_t kMaxProximityPairs = 8;

struct QueryOptions {
  // The searched database, where synonyms and word frequencies are looked up; none when null.
  const Xapian::Database* database = nullptr;
  bool partial_last_word = true;
};

// InvalidArgument for a query with more than kMaxQueryTerms words.
Result<ParsedQuery> parse_query(std::string_view q, analysis::Analyzer& analyzer, const QueryOptions& options = {});

}  // namespace riskatlas::search
