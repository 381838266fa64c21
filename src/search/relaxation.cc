#include "search/relaxation.h"

#include <algorithm>
#include <limits>
#include <set>

#include "index/schema.h"
#include "model/record.h"
#include "search/facet_counter.h"
#include "search/remote_relaxation.h"

namespace riskatlas::search {
namespace {

bool has_required(const ParsedQuery& parsed) {
  return std::any_of(parsed.clauses.begin(), parsed.clauses.end(), [](const Clause& c) { return !c.optional; });
}

// Records holding any counted word (and every required clause), weighted by counted words held;
// common words only add weight to records that match otherwise, so they never widen the match.
// Without the exclusions and boosts (ParsedQuery::finish).
Xapian::Query coverage_core(const ParsedQuery& parsed) {
  std::vector<Xapian::Query> required, counted, common;
  for (const auto& c : parsed.clauses) {
    if (!c.optional) {
      required.push_back(c.query);
    } else if (!c.counted) {
      common.push_back(c.query);
    } else {
      // A posting source is reference-counted once released, so each request owns its own.
      const Xapian::Query bonus((new Xapian::FixedWeightPostingSource(ranking::kCoverageBonus))->release());
      counted.emplace_back(Xapian::Query::OP_AND, bonus, c.query);
    }
  }
  Xapian::Query any = any_of(counted);
  if (!common.empty()) any = Xapian::Query(Xapian::Query::OP_AND_MAYBE, any, any_of(common));
  if (required.empty()) return any;
  const Xapian::Query all(Xapian::Query::OP_AND, required.begin(), required.end());
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, all, any);
}

// Records the number of optional words held by each matched document, and how many documents hold
// each number; a case study counts as holding none unless it holds all `words` (see relaxation.h).
class CoverageSpy : public Xapian::MatchSpy {
 public:
  CoverageSpy(Xapian::docid last, std::size_t words, const FacetTable* table)
      : held_(static_cast<std::size_t>(last) + 1), counts_(words + 1), words_(words) {
    const std::string case_study = model::type_value(model::RecordType::kCaseStudy);
    if (table != nullptr) {
      types_ = &table->column(*model::find_facet("type"));
      const auto it = std::find(types_->values.begin(), types_->values.end(), case_study);
      case_study_id_ = it == types_->values.end() ? kNone : static_cast<std::uint32_t>(it - types_->values.begin());
    }
  }
  void operator()(const Xapian::Document& doc, double weight) override {
    const Xapian::docid did = doc.get_docid();
    if (did >= held_.size()) return;
    std::size_t held = std::min(words_held(weight), words_);
    if (held < words_ && is_case_study(doc)) held = 0;
    held_[did] = static_cast<std::uint8_t>(std::min<std::size_t>(held, std::numeric_limits<std::uint8_t>::max()));
    ++counts_[held];
  }
  std::vector<std::uint8_t>& held() { return held_; }
  // Documents by the number of words they hold, over the whole match.
  const std::vector<std::size_t>& counts() const { return counts_; }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // From the facet table when there is one: a value read per document was most of a relaxed query.
  bool is_case_study(const Xapian::Document& doc) const {
    if (types_ == nullptr)
      return doc.get_value(schema::kTypeFacet.slot) == model::type_value(model::RecordType::kCaseStudy);
    const Xapian::docid did = doc.get_docid();
    if (case_study_id_ == kNone || did + 1 >= types_->begin.size()) return false;
    for (std::uint32_t i = types_->begin[did]; i < types_->begin[did + 1]; ++i)
      if (types_->ids[i] == case_study_id_) return true;
    return false;
  }

  std::vector<std::uint8_t> held_;
  std::vector<std::size_t> counts_;
  std::size_t words_;
  const FacetTable::Column* types_ = nullptr;
  std::uint32_t case_study_id_ = kNone;
};

// Counts the documents of a match by the words they hold (from a CoverageSpy's record).
class HistogramSpy : public Xapian::MatchSpy {
 public:
  HistogramSpy(const std::vector<std::uint8_t>& held, std::size_t words) : held_(held), counts_(words + 1) {}
  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid did = doc.get_docid();
    if (did < held_.size()) ++counts_[std::min<std::size_t>(held_[did], counts_.size() - 1)];
  }
  const std::vector<std::size_t>& counts() const { return counts_; }

 private:
  const std::vector<std::uint8_t>& held_;
  std::vector<std::size_t> counts_;
};

// Whether any filter narrows the match (filtered_query() skips a facet without values).
bool has_filters(const FacetFilters& filters) {
  return std::any_of(filters.begin(), filters.end(),
                     [](const auto& f) { return !f.second.empty() && model::find_facet(f.first) != nullptr; });
}

std::vector<std::string> optional_words(const ParsedQuery& parsed) {
  std::vector<std::string> words;
  for (const auto& c : parsed.clauses)
    if (c.counted) words.push_back(c.text);
  return words;
}

}  // namespace

bool CoverageDecider::operator()(const Xapian::Document& doc) const {
  const Xapian::docid did = doc.get_docid();
  return did < words_held_.size() && words_held_[did] >= min_matched_;
}

bool can_relax(const ParsedQuery& parsed) {
  const std::size_t counted = parsed.counted_count();
  return counted >= 2 || (counted == 1 && has_required(parsed));
}

std::optional<RelaxedMatch> relax(Xapian::Database& db, const ParsedQuery& parsed, const FacetFilters& filters,
                                  std::size_t strict_total, const FacetTable* table, bool without_spies) {
  if (!can_relax(parsed) || strict_total >= ranking::kRelaxBelow) return std::nullopt;
  const std::size_t words = parsed.counted_count();
  // Beside required clauses a record may hold none of the plain words; alone, at least one.
  const std::size_t fewest = has_required(parsed) ? 0 : 1;
  const Xapian::Query core = coverage_core(parsed);
  const Xapian::Query query = parsed.exclude(core);

  // Words held by every document the query matches, whatever the filters: disjunctive facet counts
  // ask about documents outside the filtered set. Without the boosts, which add weight that is not
  // a word held, and whose proximity test reads positions: over every match, most of the work.
  CoverageSpy coverage(without_spies ? 0 : db.get_lastdocid(), words, table);
  std::vector<std::size_t> counts;
  if (without_spies) {
    counts = remote_histogram(db, query, filters, words);
  } else {
    {
      Xapian::Enquire enquire(db);
      enquire.set_query(query);
      enquire.set_weighting_scheme(ranking::weighting());
      enquire.add_matchspy(&coverage);
      enquire.get_mset(0, 0, db.get_doccount());
    }
    // Under filters, a second pass counts the filtered match by words held; without, the first did.
    counts = coverage.counts();
    if (has_filters(filters)) {
      HistogramSpy histogram(coverage.held(), words);
      Xapian::Enquire enquire(db);
      enquire.set_query(filtered_query(query, filters));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      enquire.add_matchspy(&histogram);
      enquire.get_mset(0, 0, db.get_doccount());
      counts = histogram.counts();
    }
  }

  std::size_t min_matched = fewest, at_least = counts[words];
  for (std::size_t k = words; k-- > fewest;) {
    at_least += counts[k];
    if (at_least >= ranking::kRelaxBelow) {
      min_matched = k;
      break;
    }
  }
  RelaxedMatch relaxed;
  for (std::size_t k = min_matched; k <= words; ++k) relaxed.total += counts[k];
  if (relaxed.total <= strict_total) return std::nullopt;

  if (const Xapian::Query enough = without_spies ? enough_words(parsed, min_matched) : Xapian::Query(); !enough.empty())
    relaxed.query = Xapian::Query(Xapian::Query::OP_FILTER, core, enough);
  else
    relaxed.query = core;
  relaxed.relaxation.words = optional_words(parsed);
  relaxed.relaxation.min_matched = min_matched;
  for (std::size_t k = words; k > 0; --k)
    if (counts[k] > 0) {
      relaxed.relaxation.best_matched = k;
      break;
    }
  // A word no record under these filters holds at all: the user may want to rephrase it.
  for (const auto& c : parsed.clauses) {
    if (!c.counted) continue;
    Xapian::Enquire enquire(db);
    enquire.set_query(filtered_query(c.query, filters));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (enquire.get_mset(0, 1).empty()) relaxed.relaxation.dropped_words.push_back(c.text);
  }
  if (!without_spies) relaxed.decider = std::make_shared<CoverageDecider>(std::move(coverage.held()), min_matched);
  return relaxed;
}

std::vector<std::vector<std::string>> missing_words(Xapian::Database& db, const ParsedQuery& parsed,
                                                    const std::vector<Xapian::docid>& docs,
                                                    const std::vector<std::string>& ids) {
  std::vector<std::vector<std::string>> missing(docs.size());
  if (docs.empty()) return missing;
  std::vector<Xapian::Query> id_terms;
  for (const auto& id : ids) id_terms.emplace_back(std::string(schema::kIdPrefix) + id);
  const Xapian::Query page(Xapian::Query::OP_OR, id_terms.begin(), id_terms.end());
  for (const auto& c : parsed.clauses) {
    if (!c.counted) continue;
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, c.query, page));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    std::set<Xapian::docid> holding;
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(docs.size()));
    for (auto it = mset.begin(); it != mset.end(); ++it) holding.insert(*it);
    for (std::size_t i = 0; i < docs.size(); ++i)
      if (!holding.count(docs[i])) missing[i].push_back(c.text);
  }
  return missing;
}

}  // namespace riskatlas::search
