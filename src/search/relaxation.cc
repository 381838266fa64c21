#include "search/relaxation.h"

#include <algorithm>
#include <cstdint>
#include <memory>
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

// The number of counted words each document holds, and how many documents of the match hold each
// number, whatever the filters (disjunctive facet counts ask about documents outside the filtered
// set). One unweighted pass per counted word, over that word's postings (and the required clauses)
// alone: one weighted pass over the OR of every word, as the answer itself is ranked, was the most
// costly part of a relaxed query. A case study counts as holding none unless it holds all `words`.
struct Coverage {
  std::vector<std::uint8_t> held;   // by document id
  std::vector<std::size_t> counts;  // documents of the match by words held
};

class HeldSpy : public Xapian::MatchSpy {
 public:
  HeldSpy(std::vector<std::uint8_t>& held, std::vector<Xapian::docid>& touched) : held_(held), touched_(touched) {}
  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid did = doc.get_docid();
    if (did >= held_.size()) return;
    if (held_[did]++ == 0) touched_.push_back(did);
  }

 private:
  std::vector<std::uint8_t>& held_;
  std::vector<Xapian::docid>& touched_;
};

// Case studies holding some but not all of the words count as holding none.
class CaseStudySpy : public Xapian::MatchSpy {
 public:
  CaseStudySpy(std::vector<std::uint8_t>& held, std::size_t words) : held_(held), words_(words) {}
  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid did = doc.get_docid();
    if (did < held_.size() && held_[did] < words_) held_[did] = 0;
  }

 private:
  std::vector<std::uint8_t>& held_;
  std::size_t words_;
};

// Every match of `query`, unweighted, through `spy` (when given); the number of matches.
Xapian::doccount run_unweighted(Xapian::Database& db, const Xapian::Query& query, Xapian::MatchSpy* spy) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  if (spy != nullptr) enquire.add_matchspy(spy);
  return enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
}

Coverage count_words_held(Xapian::Database& db, const ParsedQuery& parsed, std::size_t words) {
  std::vector<Xapian::Query> required;
  for (const auto& c : parsed.clauses)
    if (!c.optional) required.push_back(c.query);
  Coverage coverage{std::vector<std::uint8_t>(static_cast<std::size_t>(db.get_lastdocid()) + 1),
                    std::vector<std::size_t>(words + 1)};
  std::vector<Xapian::docid> touched;
  HeldSpy spy(coverage.held, touched);
  for (const auto& c : parsed.clauses) {
    if (!c.counted) continue;
    std::vector<Xapian::Query> all = required;
    all.push_back(c.query);
    run_unweighted(db, parsed.exclude(Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end())), &spy);
  }
  // Through a spy, not the term's posting list: spies and posting sources see the same document
  // ids, over local shards those of one database (shards.h, kGlobalDocids), not the combined ones.
  CaseStudySpy case_studies(coverage.held, words);
  run_unweighted(db, case_study_query(), &case_studies);
  for (const Xapian::docid did : touched) ++coverage.counts[std::min<std::size_t>(coverage.held[did], words)];
  // Beside required clauses a record holding none of the words matches too.
  if (!required.empty()) {
    const Xapian::Query all(Xapian::Query::OP_AND, required.begin(), required.end());
    coverage.counts[0] += run_unweighted(db, parsed.exclude(all), nullptr) - touched.size();
  }
  return coverage;
}

// The documents of a sorted list: FILTER-ed by it, a match weighs only the documents of the answer,
// where the OR of the words alone would weigh every record holding any of them. Its document ids
// are those a spy sees (one-database ids over local shards: shards.h, kGlobalDocids).
class DocListSource : public Xapian::PostingSource {
 public:
  explicit DocListSource(std::shared_ptr<const std::vector<Xapian::docid>> docs) : docs_(std::move(docs)) {}
  Xapian::PostingSource* clone() const override { return new DocListSource(docs_); }
  void init(const Xapian::Database& db) override {
    end_ = static_cast<std::size_t>(std::upper_bound(docs_->begin(), docs_->end(), db.get_lastdocid()) -
                                    docs_->begin());
    // Over local shards the list holds other shards' documents too: at most this one's count match.
    most_ = std::min<Xapian::doccount>(static_cast<Xapian::doccount>(end_), db.get_doccount());
    at_ = 0;
    started_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return most_; }
  Xapian::doccount get_termfreq_max() const override { return most_; }
  void next(double) override {
    if (started_ && at_ < end_) ++at_;
    started_ = true;
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    at_ = static_cast<std::size_t>(std::lower_bound(docs_->begin() + at_, docs_->begin() + end_, did) - docs_->begin());
  }
  bool at_end() const override { return at_ >= end_; }
  Xapian::docid get_docid() const override { return (*docs_)[at_]; }

 private:
  std::shared_ptr<const std::vector<Xapian::docid>> docs_;
  std::size_t end_ = 0, at_ = 0;
  Xapian::doccount most_ = 0;
  bool started_ = false;
};

// Counts the documents of a match by the words they hold (count_words_held).
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

// The documents of `coverage` (coverage_core) under `filters` by the words they hold: from `held`
// (count_words_held), or over remote shards, where it is null, from the weights of a match.
std::vector<std::size_t> histogram(Xapian::Database& db, const Xapian::Query& coverage, const FacetFilters& filters,
                                   std::size_t words, const std::vector<std::uint8_t>* held) {
  if (held == nullptr) return remote_histogram(db, coverage, filters, words);
  HistogramSpy spy(*held, words);
  run_unweighted(db, filtered_query(coverage, filters), &spy);
  return spy.counts();
}

// The documents holding at least `k` counted words, as a filter; empty when `k` is 0 (no
// restriction). From `held` (count_words_held), or over remote shards, where it is null, spelt out.
Xapian::Query holding_at_least(const ParsedQuery& parsed, std::size_t k, const std::vector<std::uint8_t>* held) {
  if (k == 0) return {};
  if (held == nullptr) return enough_words(parsed, k);
  auto docs = std::make_shared<std::vector<Xapian::docid>>();
  for (std::size_t did = 0; did < held->size(); ++did)
    if ((*held)[did] >= k) docs->push_back(static_cast<Xapian::docid>(did));
  return Xapian::Query((new DocListSource(std::move(docs)))->release());
}

// Whether any filter narrows the match (filtered_query() skips a facet without values).
bool has_filters(const FacetFilters& filters) {
  return std::any_of(filters.begin(), filters.end(),
                     [](const auto& f) { return !f.second.empty() && model::find_facet(f.first) != nullptr; });
}

std::vector<std::string> counted_words(const ParsedQuery& parsed) {
  std::vector<std::string> words;
  for (const auto& c : parsed.clauses)
    if (c.counted) words.push_back(c.text);
  return words;
}

// The most words a record must hold for the records holding at least that many (`counts`: records by
// words held) to number `enough`; `fewest` when even that many give fewer.
std::size_t tier(const std::vector<std::size_t>& counts, std::size_t fewest, std::size_t enough) {
  std::size_t k = counts.size() - 1, at_least = counts[k];
  while (k > fewest && at_least < enough) at_least += counts[--k];
  return k;
}

}  // namespace

Xapian::Query case_study_query() {
  return Xapian::Query(std::string(schema::kTypeFacet.term_prefix) + model::type_value(model::RecordType::kCaseStudy));
}

bool can_relax(const ParsedQuery& parsed) {
  const std::size_t counted = parsed.counted_count();
  return counted >= 2 || (counted == 1 && has_required(parsed));
}

RelaxOutcome relax(Xapian::Database& db, const ParsedQuery& parsed, const FacetFilters& filters,
                   const StrictTotals& strict, bool without_spies) {
  if (!can_relax(parsed) || strict.filtered >= ranking::kRelaxBelow) return {};
  const bool filtered = has_filters(filters);
  // The words decide how wide the answer is; filters only narrow it, so that the count beside a facet
  // value is what ticking it shows. Only when nothing is left under the filters do they widen it.
  if (strict.unfiltered >= ranking::kRelaxBelow && strict.filtered > 0) return {};
  const std::size_t words = parsed.counted_count();
  // Beside required clauses a record may hold none of the plain words; alone, at least one.
  const std::size_t fewest = has_required(parsed) ? 0 : 1;
  const Xapian::Query core = coverage_core(parsed);
  const Xapian::Query query = parsed.exclude(core);

  // The unfiltered counts set the tier only while the words alone find too few records (over remote
  // shards they cost a match of their own).
  const bool tier_by_words = strict.unfiltered < ranking::kRelaxBelow;
  Coverage coverage;
  std::vector<std::size_t> counts, counts_unfiltered;
  if (without_spies) {
    counts = histogram(db, query, filters, words, nullptr);
    counts_unfiltered = filtered && tier_by_words ? histogram(db, query, {}, words, nullptr) : counts;
  } else {
    coverage = count_words_held(db, parsed, words);
    counts = counts_unfiltered = coverage.counts;
    // Under filters, a second pass counts the filtered match by words held.
    if (filtered) counts = histogram(db, query, filters, words, &coverage.held);
  }

  const std::size_t words_tier = tier_by_words ? tier(counts_unfiltered, fewest, ranking::kRelaxBelow) : words;
  const std::size_t most_held = tier(counts, fewest, 1);
  std::size_t min_matched = std::min(words_tier, most_held);
  if (without_spies) min_matched = spellable_tier(words, min_matched);
  RelaxedMatch relaxed;
  for (std::size_t k = min_matched; k <= words; ++k) relaxed.total += counts[k];
  const std::vector<std::uint8_t>* held = without_spies ? nullptr : &coverage.held;
  RelaxOutcome out;
  // Elsewhere ticking a value of a filtered facet keeps the answer's tier: its counts in the answer are right.
  if (filtered && (most_held < words_tier || relaxed.total <= strict.filtered)) {
    TickedCounting ticked{query, {}};
    std::optional<std::size_t> last;
    for (std::size_t k = words_tier + 1; k-- > std::min(most_held, words_tier);) {
      // A tier no record holds exactly has the records of the one above (typed "a a a ... b", 64
      // counted words may make few tiers).
      if (held != nullptr && k < words_tier && coverage.counts[k] == 0) continue;
      const std::size_t at = without_spies ? spellable_tier(words, k) : k;
      if (at != last) ticked.tiers.push_back(holding_at_least(parsed, at, held));
      last = at;
    }
    out.ticked = std::make_shared<const TickedCounting>(std::move(ticked));
  }
  if (relaxed.total <= strict.filtered) return out;

  const Xapian::Query enough = holding_at_least(parsed, min_matched, held);
  relaxed.query = enough.empty() ? core : Xapian::Query(Xapian::Query::OP_FILTER, core, enough);
  relaxed.relaxation.words = counted_words(parsed);
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
  out.match = std::move(relaxed);
  return out;
}

ValueCounts count_as_ticked(Xapian::Database& db, const TickedCounting& ticked, const FacetFilters& filters,
                            const model::FacetSpec& facet, const FacetTable* table) {
  ValueCounts out;
  for (const auto& enough : ticked.tiers) {
    const Xapian::Query at =
        enough.empty() ? ticked.any_word : Xapian::Query(Xapian::Query::OP_FILTER, ticked.any_word, enough);
    // A value counts at the highest tier where it has records: emplace keeps the first count.
    for (auto& [value, n] : count_values(db, filtered_query(at, filters, facet.name), facet, table))
      out.emplace(value, n);
  }
  return out;
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
