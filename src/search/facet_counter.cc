#include "search/facet_counter.h"

#include "search/query_builder.h"

namespace riskatlas::search {

Xapian::Query filtered_query(const Xapian::Query& text, const FacetFilters& filters, std::string_view except) {
  std::vector<Xapian::Query> across;
  for (const auto& [name, values] : filters) {
    if (name == except || values.empty()) continue;
    const model::FacetSpec* spec = model::find_facet(name);
    if (spec == nullptr) continue;
    std::vector<Xapian::Query> within;
    for (const auto& v : values) within.emplace_back(std::string(spec->term_prefix) + v);
    across.emplace_back(Xapian::Query::OP_OR, within.begin(), within.end());
  }
  Xapian::Query base = text.empty() ? match_all() : text;
  if (across.empty()) return base;
  return Xapian::Query(Xapian::Query::OP_FILTER, base, Xapian::Query(Xapian::Query::OP_AND, across.begin(), across.end()));
}

void FacetSpies::attach(Xapian::Enquire& enquire, const model::FacetSpec& facet) {
  auto spy = std::make_unique<Xapian::ValueCountMatchSpy>(facet.slot);
  enquire.add_matchspy(spy.get());
  spies_[std::string(facet.name)] = {&facet, std::move(spy)};
}

ValueCounts FacetSpies::counts(const std::string& facet) const {
  const auto& [spec, spy] = spies_.at(facet);
  ValueCounts out;
  for (auto it = spy->values_begin(); it != spy->values_end(); ++it) {
    const std::string combination = *it;
    const std::size_t n = it.get_termfreq();
    if (!spec->multi) {
      out[combination] += n;
      continue;
    }
    std::size_t start = 0;
    while (start <= combination.size()) {
      const std::size_t sep = combination.find(model::kMultiValueSeparator, start);
      const std::size_t stop = sep == std::string::npos ? combination.size() : sep;
      if (stop > start) out[combination.substr(start, stop - start)] += n;
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
  }
  return out;
}

ValueCounts count_values(Xapian::Database& db, const Xapian::Query& query, const model::FacetSpec& facet) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  FacetSpies spies;
  spies.attach(enquire, facet);
  enquire.get_mset(0, 0, db.get_doccount());
  return spies.counts(std::string(facet.name));
}

}  // namespace riskatlas::search
