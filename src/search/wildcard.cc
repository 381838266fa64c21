#include "search/wildcard.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "search/query_builder.h"

namespace riskatlas::search {

Xapian::Query expand_wildcard(const Xapian::Database* db, const std::string& pattern, Xapian::termcount max,
                              int limit_mode) {
  if (db == nullptr) return Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, max, limit_mode);
  std::vector<std::pair<Xapian::doccount, std::string>> terms;
  for (auto t = db->allterms_begin(pattern); t != db->allterms_end(pattern); ++t) {
    terms.emplace_back(t.get_termfreq(), *t);
    if (limit_mode == Xapian::Query::WILDCARD_LIMIT_ERROR && terms.size() > max)
      throw Xapian::WildcardError("Wildcard " + pattern + "* expands to more than " + std::to_string(max) + " terms");
    if (limit_mode == Xapian::Query::WILDCARD_LIMIT_FIRST && terms.size() == max) break;
  }
  // Not an empty Query, which a caller would take for no condition at all (the pattern would be dropped).
  if (terms.empty()) return match_nothing();
  if (limit_mode == Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT && terms.size() > max) {
    std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    terms.resize(max);
  }
  std::vector<Xapian::Query> words;
  for (const auto& [freq, term] : terms) words.emplace_back(term);
  return Xapian::Query(Xapian::Query::OP_SYNONYM, words.begin(), words.end());
}

}  // namespace riskatlas::search
