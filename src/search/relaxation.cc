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
// `filter` (boolean) narrows the match inside the boosts and exclusions, where a decider would.
Xapian::Query coverage_query(const ParsedQuery& parsed, const Xapian::Query& filter = {}) {
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
  Xapian::Query any(Xapian::Query::OP_OR, counted.begin(), counted.end());
  if (!common.empty())
    any = Xapian::Query(Xapian::Query::OP_AND_MAYBE, any, Xapian::Query(Xapian::Query::OP_OR, common.begin(), common.end()));
  const auto narrowed = [&](Xapian::Query q) {
    return filter.empty() ? q : Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
  };
  if (required.empty()) return parsed.finish(narrowed(any));
  const Xapian::Query all(Xapian::Query::OP_AND, required.begin(), required.end());
  return parsed.finish(narrowed(Xapian::Query(Xapian::Query::OP_AND_MAYBE, all, any)));
}

// Records the number of optional words held by each matched document; a case study counts as
// holding none unless it holds all `words` (see relaxation.h).
class CoverageSpy : public Xapian::MatchSpy {
 public:
  CoverageSpy(Xapian::docid last, std::size_t words) : held_(static_cast<std::size_t>(last) + 1), words_(words) {}
  void operator()(const Xapian::Document& doc, double weight) override {
    const Xapian::docid did = doc.get_docid();
    if (did >= held_.size()) return;
    std::size_t held = words_held(weight);
    if (held < words_ && doc.get_value(schema::kTypeFacet.slot) == model::type_value(model::RecordType::kCaseStudy))
      held = 0;
    held_[did] = static_cast<std::uint8_t>(std::min<std::size_t>(held, std::numeric_limits<std::uint8_t>::max()));
  }
  std::vector<std::uint8_t>& held() { return held_; }

 private:
  std::vector<std::uint8_t> held_;
  std::size_t words_;
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
                                  std::size_t strict_total, bool sharded) {
  const bool remote = sharded;  // the path that runs nothing of ours inside the match
  if (!can_relax(parsed) || strict_total >= ranking::kRelaxBelow) return std::nullopt;
  const std::size_t words = parsed.counted_count();
  // Beside required clauses a record may hold none of the plain words; alone, at least one.
  const std::size_t fewest = has_required(parsed) ? 0 : 1;
  const Xapian::Query query = coverage_query(parsed);

  // Words held by every document the query matches, whatever the filters: disjunctive facet counts
  // ask about documents outside the filtered set.
  CoverageSpy coverage(remote ? 0 : db.get_lastdocid(), words);
  std::vector<std::size_t> remote_counts;
  if (remote) remote_counts = remote_histogram(db, query, filters, words);
  if (!remote) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(ranking::weighting());
    enquire.add_matchspy(&coverage);
    enquire.get_mset(0, 0, db.get_doccount());
  }
  HistogramSpy histogram(coverage.held(), words);
  if (!remote) {
    Xapian::Enquire enquire(db);
    enquire.set_query(filtered_query(query, filters));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.add_matchspy(&histogram);
    enquire.get_mset(0, 0, db.get_doccount());
  }
  const std::vector<std::size_t>& counts = remote ? remote_counts : histogram.counts();

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

  relaxed.query = remote ? coverage_query(parsed, enough_words(parsed, min_matched)) : query;
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
  if (!remote) relaxed.decider = std::make_shared<CoverageDecider>(std::move(coverage.held()), min_matched);
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
