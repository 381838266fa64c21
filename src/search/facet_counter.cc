#include "search/facet_counter.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <stdexcept>

#include "index/schema.h"
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

namespace {

// Calls `fn` with each value stored in one slot: the whole string, or for a multi-valued facet each
// non-empty part between separators.
template <typename Fn>
void for_each_value(const model::FacetSpec& facet, const std::string& stored, Fn&& fn) {
  if (!facet.multi) {
    if (!stored.empty()) fn(stored);
    return;
  }
  std::size_t start = 0;
  while (start <= stored.size()) {
    const std::size_t sep = stored.find(schema::kMultiValueSeparator, start);
    const std::size_t stop = sep == std::string::npos ? stored.size() : sep;
    if (stop > start) fn(stored.substr(start, stop - start));
    if (sep == std::string::npos) break;
    start = sep + 1;
  }
}

}  // namespace

FacetTable FacetTable::load(const Xapian::Database& db, std::size_t databases) {
  FacetTable table;
  // Xapian numbers the documents of several databases in turn: docid d of database k (from 0) is
  // (d - 1) * databases + k + 1 in the set.
  const auto own_docid = [&](Xapian::docid did) {
    return static_cast<Xapian::docid>((did - 1) / databases + 1);
  };
  const Xapian::docid last = db.get_lastdocid() == 0 ? 0 : own_docid(db.get_lastdocid());
  for (const auto& facet : model::facets()) {
    Column column;
    column.slot = facet.slot;
    column.begin.reserve(static_cast<std::size_t>(last) + 2);
    std::map<std::string, std::uint32_t> ids;
    std::vector<std::uint32_t> doc_ids;
    Xapian::docid next = 0;  // the next document whose begin is not yet written
    for (auto it = db.valuestream_begin(facet.slot); it != db.valuestream_end(facet.slot); ++it) {
      const Xapian::docid did = own_docid(it.get_docid());
      while (next <= did) {
        column.begin.push_back(static_cast<std::uint32_t>(column.ids.size()));
        ++next;
      }
      doc_ids.clear();
      for_each_value(facet, *it, [&](const std::string& value) {
        const auto [pos, added] = ids.try_emplace(value, static_cast<std::uint32_t>(column.values.size()));
        if (added) column.values.push_back(value);
        // A document counts once per value, as the slot spy counts it.
        if (std::find(doc_ids.begin(), doc_ids.end(), pos->second) == doc_ids.end()) doc_ids.push_back(pos->second);
      });
      column.ids.insert(column.ids.end(), doc_ids.begin(), doc_ids.end());
    }
    while (next <= last + 1) {
      column.begin.push_back(static_cast<std::uint32_t>(column.ids.size()));
      ++next;
    }
    table.columns_.push_back(std::move(column));
  }
  return table;
}

const FacetTable::Column& FacetTable::column(const model::FacetSpec& facet) const {
  for (const auto& column : columns_)
    if (column.slot == facet.slot) return column;
  throw std::invalid_argument("no facet table column for facet " + std::string(facet.name));
}

std::size_t TableSpy::add(const FacetTable::Column& column) {
  counted_.push_back({&column, std::vector<std::uint32_t>(column.values.size())});
  return counted_.size() - 1;
}

void TableSpy::operator()(const Xapian::Document& doc, double) {
  const Xapian::docid did = doc.get_docid();
  for (auto& [column, counts] : counted_) {
    // A generation's database never changes, so every matched document is in the table.
    assert(did + 1 < column->begin.size());
    if (did + 1 >= column->begin.size()) return;
    for (std::uint32_t i = column->begin[did]; i < column->begin[did + 1]; ++i) ++counts[column->ids[i]];
  }
}

ValueCounts TableSpy::counts(std::size_t column) const {
  const Counted& c = counted_.at(column);
  ValueCounts out;
  for (std::size_t i = 0; i < c.counts.size(); ++i)
    if (c.counts[i] > 0) out[c.column->values[i]] = c.counts[i];
  return out;
}

void FacetSpies::attach(Xapian::Enquire& enquire, const model::FacetSpec& facet) {
  Spy spy{&facet, nullptr, 0};
  if (table_ != nullptr) {
    if (!table_spy_) {
      table_spy_ = std::make_unique<TableSpy>();
      enquire.add_matchspy(table_spy_.get());
    }
    spy.column = table_spy_->add(table_->column(facet));
  } else {
    spy.slot = std::make_unique<Xapian::ValueCountMatchSpy>(facet.slot);
    enquire.add_matchspy(spy.slot.get());
  }
  spies_[std::string(facet.name)] = std::move(spy);
}

ValueCounts FacetSpies::counts(const std::string& facet) const {
  const Spy& spy = spies_.at(facet);
  if (!spy.slot) return table_spy_->counts(spy.column);
  ValueCounts out;
  for (auto it = spy.slot->values_begin(); it != spy.slot->values_end(); ++it) {
    const std::size_t n = it.get_termfreq();
    std::set<std::string> values;  // a value listed twice in one document still counts it once
    for_each_value(*spy.facet, *it, [&](const std::string& value) { values.insert(value); });
    for (const auto& value : values) out[value] += n;
  }
  return out;
}

ValueCounts count_values(Xapian::Database& db, const Xapian::Query& query, const model::FacetSpec& facet,
                         const FacetTable* table) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  FacetSpies spies(table);
  spies.attach(enquire, facet);
  enquire.get_mset(0, 0, db.get_doccount());
  return spies.counts(std::string(facet.name));
}

namespace {

bool applies(const model::FacetSpec& facet, const std::set<std::string>& types) {
  for (const auto& t : types)
    if (facet.applies_to.find(t) != std::string_view::npos) return true;
  return false;
}

std::string label(const FacetLabels& labels, const std::string& facet, const std::string& value) {
  if (const auto f = labels.find(facet); f != labels.end())
    if (const auto v = f->second.find(value); v != f->second.end()) return v->second;
  return value;
}

}  // namespace

std::vector<FacetCounts> disjunctive_counts(Xapian::Database& db, const FacetTable* table, const MatchSet& match,
                                            const FacetSpies& main_spies, const ValueCounts& matched_types,
                                            const FacetLabels& labels, const FilteredFacetCounter& count_filtered) {
  std::set<std::string> types;
  for (const auto& [type, n] : matched_types)
    if (n > 0) types.insert(type);
  std::vector<FacetCounts> out;
  for (const auto& spec : model::facets()) {
    const std::string name(spec.name);
    const auto selected_it = match.filters.find(name);
    const std::vector<std::string> selected =
        selected_it == match.filters.end() ? std::vector<std::string>{} : selected_it->second;
    if (selected.empty() && !applies(spec, types)) continue;
    ValueCounts counts;
    if (main_spies.has(name)) {
      counts = main_spies.counts(name);
    } else if (count_filtered && !selected.empty()) {
      counts = count_filtered(spec);
    } else {
      counts = count_values(db, filtered_query(match.text, match.filters, name), spec, table);
    }
    FacetCounts fc{name, std::string(spec.label), {}};
    for (const auto& [value, n] : counts) {
      const bool is_selected = std::find(selected.begin(), selected.end(), value) != selected.end();
      fc.values.push_back({value, label(labels, name, value), n, is_selected});
    }
    for (const auto& v : selected)
      if (!counts.count(v)) fc.values.push_back({v, label(labels, name, v), 0, true});
    std::sort(fc.values.begin(), fc.values.end(), [](const FacetValueCount& a, const FacetValueCount& b) {
      if (a.count != b.count) return a.count > b.count;
      return a.label < b.label;
    });
    if (!fc.values.empty()) out.push_back(std::move(fc));
  }
  return out;
}

}  // namespace riskatlas::search
