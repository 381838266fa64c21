#include "search/remote_relaxation.h"

#include <algorithm>
#include <set>

#include "search/facet_counter.h"
#include "search/relaxation.h"

namespace riskatlas::search {
namespace {

// n choose k, saturating above `cap`.
std::size_t choose(std::size_t n, std::size_t k, std::size_t cap) {
  std::size_t r = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i;
    if (r > cap) return cap + 1;
  }
  return r;
}

}  // namespace

std::vector<std::size_t> remote_histogram(Xapian::Database& db, const Xapian::Query& coverage,
                                          const FacetFilters& filters, std::size_t words) {
  std::vector<std::size_t> counts(words + 1);
  std::set<Xapian::docid> stories;
  {
    Xapian::Enquire enquire(db);
    enquire.set_query(filtered_query(Xapian::Query(Xapian::Query::OP_FILTER, coverage, case_study_query()), filters));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) stories.insert(*it);
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(filtered_query(coverage, filters));
  enquire.set_weighting_scheme(ranking::weighting());
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    std::size_t held = words_held(it.get_weight());
    if (held < words && stories.count(*it)) held = 0;
    ++counts[std::min(held, words)];
  }
  return counts;
}

std::size_t spellable_tier(std::size_t words, std::size_t min_matched) {
  while (choose(words, min_matched, kMaxWordSets) > kMaxWordSets) --min_matched;  // C(n, 1) = n fits
  return min_matched;
}

Xapian::Query enough_words(const ParsedQuery& parsed, std::size_t min_matched) {
  if (min_matched == 0) return {};
  std::vector<Xapian::Query> words;
  for (const auto& c : parsed.clauses)
    if (c.counted) words.push_back(c.query);
  if (choose(words.size(), min_matched, kMaxWordSets) > kMaxWordSets)
    throw Xapian::UnimplementedError("too many words to relax over remote shards");
  // Every set of min_matched words, in lexicographic order of their positions.
  std::vector<Xapian::Query> sets;
  std::vector<std::size_t> pick(min_matched);
  for (std::size_t i = 0; i < min_matched; ++i) pick[i] = i;
  for (;;) {
    std::vector<Xapian::Query> all;
    for (const std::size_t i : pick) all.push_back(words[i]);
    sets.emplace_back(Xapian::Query::OP_AND, all.begin(), all.end());
    std::size_t i = min_matched;
    while (i > 0 && pick[i - 1] == words.size() - min_matched + i - 1) --i;
    if (i == 0) break;
    ++pick[i - 1];
    for (std::size_t j = i; j < min_matched; ++j) pick[j] = pick[j - 1] + 1;
  }
  Xapian::Query enough = any_of(sets);
  if (min_matched < words.size()) {
    const Xapian::Query every(Xapian::Query::OP_AND, words.begin(), words.end());
    enough = Xapian::Query(Xapian::Query::OP_AND_NOT, enough, Xapian::Query(Xapian::Query::OP_AND_NOT, case_study_query(), every));
  }
  return enough;
}

}  // namespace riskatlas::search
