#include "search/searcher.h"

#include <algorithm>
#include <chrono>

#include "index/schema.h"
#include "index/stored_record.h"
#include "model/taxonomy.h"
#include "search/completion.h"
#include "search/facet_counter.h"
#include "search/hits.h"
#include "search/query_builder.h"
#include "search/ranking.h"
#include "search/related.h"
#include "search/relaxation.h"
#include "search/spelling.h"
#include "util/utf8.h"

namespace riskatlas::search {

using nlohmann::json;

namespace {

// A sort key that orders records as their docids do (big-endian, so bytes compare as numbers). Over
// local shards Xapian gives a key maker each document's docid within its shard, which is its
// one-database docid (index/shards.h). Stateless, so one instance serves every thread.
static_assert(sizeof(Xapian::docid) == 4);
class DocidKey : public Xapian::KeyMaker {
 public:
  std::string operator()(const Xapian::Document& doc) const override {
    const Xapian::docid d = doc.get_docid();
    return {static_cast<char>(d >> 24), static_cast<char>(d >> 16), static_cast<char>(d >> 8), static_cast<char>(d)};
  }
};

}  // namespace

struct Searcher::Impl {
  Impl(std::shared_ptr<const Generation> g, analysis::Analyzer& a) : gen(std::move(g)), analyzer(a) {
    (void)acquire();  // a failure is answered by the first request, through guarded()
  }

  std::shared_ptr<const Generation> gen;
  std::optional<Generation::Lease> lease;  // empty until a handle could be opened
  analysis::Analyzer& analyzer;

  // REQUIRES: lease (guarded() ensures it).
  Xapian::Database& db() { return lease->db(); }

  Status acquire() {
    auto leased = gen->lease();
    if (!leased.ok()) return leased.status();
    lease.emplace(std::move(leased).value());
    return Status();
  }

  // A document's record as shown: its data with the fields shared with other records filled in.
  // Throws Xapian::DatabaseCorruptError when the data is not a JSON object, as the indexer writes
  // it: a damaged index (guarded() answers 503 and reports it), not a record that is not there.
  json shown_record(const Xapian::Document& doc) const {
    json record = json::parse(doc.get_data(), nullptr, false);
    if (!record.is_object())
      throw Xapian::DatabaseCorruptError("the data of document " + std::to_string(doc.get_docid()) + " is not a record");
    index::fill_shared(record, gen->info().linked, gen->info().labels);
    return record;
  }

  // The document and record of an id; NotFound. REQUIRES: called inside guarded().
  Result<std::pair<Xapian::docid, json>> find_record(std::string_view id) {
    if (id.empty() || id.size() > 200 || !utf8::is_valid(id)) return Status::NotFound("no record with that id");
    const std::string term = std::string(schema::kIdPrefix) + std::string(id);
    if (auto p = db().postlist_begin(term); p != db().postlist_end(term))
      return std::pair{*p, shown_record(db().get_document(*p))};
    return Status::NotFound("no record with id " + std::string(id));
  }

  // Runs `fn` with one retry after reopening, so a transient DatabaseModifiedError or I/O error does
  // not fail the request; anything else from Xapian becomes a Status.
  template <typename Fn>
  auto guarded(Fn&& fn) -> decltype(fn()) {
    if (!lease)
      if (Status s = acquire(); !s.ok()) return s;
    for (int attempt = 0;; ++attempt) {
      try {
        return fn();
      } catch (const Xapian::WildcardError&) {
        return Status::TooBroad("q: a wildcard matches too many words; type more letters before *");
      } catch (const Xapian::NetworkTimeoutError& e) {
        // A shard that did not answer in time is not asked again: the request would wait twice.
        return Status::Unavailable("a shard of the index is unavailable: " + e.get_msg());
      } catch (const Xapian::NetworkError& e) {
        // A remote shard went away: reconnect once (it may be back), else 503; not damage, so the
        // generation is served again as soon as the shard answers.
        if (attempt >= 1) return Status::Unavailable("a shard of the index is unavailable: " + e.get_msg());
        if (Status s = lease->reopen(); !s.ok()) return Status::Unavailable("a shard of the index is unavailable: " + s.message());
        continue;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 2) return Status::Unavailable("the index changed while it was read; try again");
      } catch (const Xapian::DatabaseError& e) {
        if (attempt >= 1) {
          gen->report_damage(e.get_description());
          return Status::Unavailable("the index cannot be read: " + e.get_msg());
        }
      } catch (const Xapian::Error& e) {
        return Status::Unavailable("search failed: " + e.get_description());
      }
      if (Status s = lease->reopen(); !s.ok()) {
        gen->report_damage(s.message());
        return Status::Unavailable("the index cannot be opened: " + s.message());
      }
    }
  }

  struct Match {
    ParsedQuery parsed;
    FacetFilters filters;  // request filters plus facet scopes typed in q
    Xapian::Query core;    // what the words of q match, before exclusions and boosts; empty = browse
    std::optional<RelaxedMatch> relaxed;  // set when records holding fewer words were added
    std::shared_ptr<const TickedCounting> ticked;  // set when filtered facets count as ticked
    // The documents q matches (the boosts add none), before the filters.
    Xapian::Query text() const { return parsed.exclude(core); }
    // The documents of the answer, weighted. The filters go inside the boosts: above them, Xapian
    // 1.4.22 can add a proximity boost to a document whose words are not near (query_builder.h).
    Xapian::Query ranked() const {
      return core.empty() ? filtered_query(text(), filters) : parsed.finish(filtered_query(core, filters));
    }
  };

  // REQUIRES: called inside guarded() (synonyms are read from the index).
  Result<Match> prepare(const std::string& q, const FacetFilters& request_filters) {
    auto parsed = parse_query(q, analyzer, QueryOptions{&db(), true});
    if (!parsed.ok()) return parsed.status();
    Match m{std::move(parsed.value()), request_filters, {}, std::nullopt, nullptr};
    for (const auto& [facet, values] : m.parsed.facet_scopes)
      for (const auto& v : values) {
        auto& list = m.filters[facet];
        if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      }
    // The limits of the request's filters hold for those typed in q ("year:2021") too.
    if (Status s = validate_filters(m.filters); !s.ok()) return s;
    m.core = m.parsed.strict();
    return m;
  }

  // Widens `m` to records holding fewer of its words when fewer than ranking::kRelaxBelow hold all.
  bool relax(Match& m, const StrictTotals& strict) {
    auto relaxed = search::relax(db(), m.parsed, m.filters, strict, !gen->spies_run());
    m.ticked = std::move(relaxed.ticked);
    if (!relaxed.match) return false;
    m.core = relaxed.match->query;
    m.relaxed = std::move(relaxed.match);
    return true;
  }

  Xapian::Enquire enquire_for(const Xapian::Query& query) {
    Xapian::Enquire enquire(db());
    enquire.set_query(query);
    enquire.set_weighting_scheme(ranking::weighting());
    return enquire;
  }

  // By relevance, records of equal weight come in docid order: their place in the build, the same in
  // one database and over shards, which keep those docids (index/shards.h). Not by the id's sort
  // value: reading it for every matched record cost a third of a main match.
  // Returns whether the order is Xapian's own (relevance, then docid), sorted by no value or key.
  bool set_order(Xapian::Enquire& enquire, SortOrder sort, bool has_text) const {
    if (sort == SortOrder::kTitle) {
      enquire.set_sort_by_value_then_relevance(schema::kSlotSortTitle, false);
    } else if (sort == SortOrder::kId || !has_text) {
      enquire.set_sort_by_value(schema::kSlotSortId, false);
    } else if (gen->spies_run()) {
      // Xapian's own docid order is the same, but a broad match then pays a heap update per record;
      // with a key, a record that cannot enter the page is set aside at once. Only where our code
      // runs (not in xapian-tcpsrv) and is given docids that tell records apart (Generation).
      static DocidKey docid_key;
      enquire.set_sort_by_relevance_then_key(&docid_key, false);
    } else {
      return true;
    }
    return false;
  }

  // One page of hits and the facet counts for a prepared match. `unsettled`: the caller settles `m`
  // on this run's total and runs it again when it is under ranking::kRelaxBelow, so the run then
  // ends at the total.
  SearchResponse run(const SearchRequest& request, const Match& m, bool unsettled = false) {
    SearchResponse r;
    r.query = request.q;
    r.page = request.page;
    r.per_page = request.per_page;
    r.generation = gen->info().name;
    r.interpreted_literally = m.parsed.literal;

    Xapian::Enquire enquire = enquire_for(m.ranked());
    const bool xapian_order = set_order(enquire, request.sort, m.parsed.has_text());
    // Facets without a filter are counted on the main match itself; the record types of the fully
    // filtered match set decide which facets apply. Over remote shards a match sorted by a value
    // counts on a match of its own: Xapian 1.4.22's match spies see some of its documents twice.
    const bool count_apart = gen->shards().has_remote() && !xapian_order;
    Xapian::Enquire counting(db());
    if (count_apart) {
      counting.set_query(filtered_query(m.text(), m.filters));
      counting.set_weighting_scheme(Xapian::BoolWeight());
    }
    Xapian::Enquire& spied = count_apart ? counting : enquire;
    FacetSpies spies(gen->facet_table()), type_spy(gen->facet_table());
    for (const auto& spec : model::facets())
      if (!m.filters.count(std::string(spec.name))) spies.attach(spied, spec);
    const bool type_filtered = !spies.has("type");
    if (type_filtered) type_spy.attach(spied, *model::find_facet("type"));
    const Xapian::MSet mset = enquire.get_mset((request.page - 1) * request.per_page, request.per_page,
                                               db().get_doccount());
    if (count_apart) counting.get_mset(0, 0, db().get_doccount());
    r.total = m.relaxed ? m.relaxed->total : mset.get_matches_estimated();
    if (unsettled && r.total < ranking::kRelaxBelow) return r;
    if (m.relaxed) r.relaxation = m.relaxed->relaxation;

    std::vector<Xapian::docid> docs;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      auto hit = make_hit(it, m.relaxed.has_value(), m.parsed.highlight, analyzer);
      if (!hit) continue;
      docs.push_back(*it);
      // Explaining costs one match per term: bounded so explain=1 cannot multiply a request's cost.
      if (request.explain && r.hits.size() < kMaxExplainedHits) hit->explain = explain_match(db(), enquire, it, hit->id);
      r.hits.push_back(std::move(*hit));
    }
    if (m.relaxed) {
      std::vector<std::string> ids;
      for (const auto& hit : r.hits) ids.push_back(hit.id);
      auto missing = missing_words(db(), m.parsed, docs, ids);
      for (std::size_t i = 0; i < r.hits.size(); ++i) r.hits[i].missing_words = std::move(missing[i]);
    }
    FilteredFacetCounter count_filtered;
    if (m.ticked)
      count_filtered = [&](const model::FacetSpec& facet) {
        return count_as_ticked(db(), *m.ticked, m.filters, facet, gen->facet_table());
      };
    r.facets = disjunctive_counts(db(), gen->facet_table(), MatchSet{m.text(), m.filters}, spies,
                                  (type_filtered ? type_spy : spies).counts("type"), gen->info().labels,
                                  count_filtered);
    return r;
  }

  // The size of a match's answer when it is under `limit`, else some number >= limit: Xapian stops
  // counting at `limit`, so a broad match costs no more than a narrow one here. Exact below the limit
  // because nothing else cuts the match short (no collapse key, cutoff or time limit).
  std::size_t count_below(const Match& m, std::size_t limit) {
    return m.relaxed ? m.relaxed->total : count_below(filtered_query(m.text(), m.filters), limit);
  }
  std::size_t count_below(const Xapian::Query& query, std::size_t limit) {
    Xapian::Enquire enquire(db());
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 0, static_cast<Xapian::doccount>(limit)).get_matches_lower_bound();
  }

  bool matches_nothing(const Match& m) { return count_below(m, 1) == 0; }

  // Relaxes `m` when fewer than ranking::kRelaxBelow records hold every word (search::relax): `strict`,
  // the size of its filtered strict answer, or counted here when not given.
  void settle(Match& m, std::optional<std::size_t> strict = std::nullopt) {
    if (!m.parsed.has_text() || !can_relax(m.parsed)) return;
    StrictTotals totals;
    totals.filtered = strict ? *strict : count_below(m, ranking::kRelaxBelow);
    if (totals.filtered >= ranking::kRelaxBelow) return;
    totals.unfiltered = m.filters.empty() ? totals.filtered : count_below(m.text(), ranking::kRelaxBelow);
    relax(m, totals);
  }

  struct Resolved {
    Match match;
    std::optional<Correction> correction;  // "did you mean"
    bool corrected = false;                // `match` is the correction's
    bool settled = true;                   // else the caller settles `match` (settle_later)
  };

  // What q answers, for search and export alike: q as typed, relaxed when too few records hold
  // every word; or its spelling correction, unasked when only plain words changed, else when q as
  // typed matched nothing. With settle_later, q as typed without a correction is left for the
  // caller to settle with the size of its strict answer, known once it has matched: most queries
  // need no relaxation, and counting first was a match of its own (search()).
  Result<Resolved> resolve(const std::string& q, const FacetFilters& filters, bool settle_later = false) {
    auto prepared = prepare(q, filters);
    if (!prepared.ok()) return prepared.status();
    Resolved out{std::move(prepared.value()), std::nullopt, false};
    if (out.match.parsed.has_text()) out.correction = correct_spelling(db(), q, out.match.parsed);
    const auto use_correction = [&] {
      auto c = prepare(out.correction->text, filters);
      if (!c.ok()) return false;
      settle(c.value());
      if (matches_nothing(c.value())) return false;
      out.match = std::move(c.value());
      out.corrected = true;
      return true;
    };
    if (out.correction && out.correction->unasked && use_correction()) return out;
    if (settle_later && !out.correction) {
      out.settled = false;
      return out;
    }
    settle(out.match);
    if (out.correction && !out.correction->unasked && matches_nothing(out.match)) use_correction();
    return out;
  }

  // The documents of a match set, in order, without facets.
  Xapian::MSet all_matches(const Match& m, SortOrder sort, std::size_t limit) {
    Xapian::Enquire enquire = enquire_for(m.ranked());
    set_order(enquire, sort, m.parsed.has_text());
    return enquire.get_mset(0, static_cast<Xapian::doccount>(limit), db().get_doccount());
  }
};

Searcher::Searcher(std::shared_ptr<const Generation> generation, analysis::Analyzer& analyzer)
    : impl_(std::make_unique<Impl>(std::move(generation), analyzer)) {}

Searcher::~Searcher() = default;

const GenerationInfo& Searcher::info() const { return impl_->gen->info(); }

Result<SearchResponse> Searcher::search(const SearchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  if (Status s = validate(request); !s.ok()) return s;
  auto result = impl_->guarded([&]() -> Result<SearchResponse> {
    auto resolved = impl_->resolve(request.q, request.filters, true);
    if (!resolved.ok()) return resolved.status();
    // The main match counts exactly: its total is the strict answer's size.
    SearchResponse r = impl_->run(request, resolved->match, !resolved->settled);
    if (!resolved->settled && r.total < ranking::kRelaxBelow) {
      impl_->settle(resolved->match, r.total);
      r = impl_->run(request, resolved->match);
    }
    if (resolved->correction) r.suggestion = resolved->correction->text;
    r.corrected = resolved->corrected;
    return r;
  });
  if (result.ok())
    result->took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

Result<nlohmann::json> Searcher::record(std::string_view id) {
  return impl_->guarded([&]() -> Result<nlohmann::json> {
    auto found = impl_->find_record(id);
    if (!found.ok()) return found.status();
    return std::move(found->second);
  });
}

Result<RelatedRecords> Searcher::related(std::string_view id, std::size_t limit) {
  return impl_->guarded([&]() -> Result<RelatedRecords> {
    auto found = impl_->find_record(id);
    if (!found.ok()) return found.status();
    return find_related(impl_->db(), found->first, found->second, std::clamp<std::size_t>(limit, 1, kMaxRelated));
  });
}

Result<std::vector<Suggestion>> Searcher::suggest(std::string_view prefix, std::size_t limit) {
  if (prefix.size() > kMaxSuggestBytes)
    return Status::InvalidArgument("q: longer than " + std::to_string(kMaxSuggestBytes) + " bytes");
  if (!utf8::is_valid(prefix) || utf8::has_control(prefix)) return Status::InvalidArgument("q: not valid UTF-8 text");
  limit = std::clamp<std::size_t>(limit, 1, kMaxSuggestions);
  return impl_->guarded([&]() -> Result<std::vector<Suggestion>> {
    return complete(impl_->db(), impl_->analyzer, impl_->gen->info().phrases, prefix, limit);
  });
}

Result<std::vector<FacetCounts>> Searcher::all_facets() {
  SearchRequest browse;
  browse.per_page = 1;
  auto r = search(browse);
  if (!r.ok()) return r.status();
  return std::move(r->facets);
}

Result<ExportedMatches> Searcher::export_matches(const SearchRequest& request, std::size_t limit) {
  SearchRequest checked = request;
  checked.page = 1;
  checked.per_page = 1;
  if (Status s = validate(checked); !s.ok()) return s;
  return impl_->guarded([&]() -> Result<ExportedMatches> {
    auto resolved = impl_->resolve(request.q, request.filters);
    if (!resolved.ok()) return resolved.status();
    const Impl::Match& m = resolved->match;
    const Xapian::MSet mset = impl_->all_matches(m, request.sort, std::min(limit, kMaxExport));
    ExportedMatches out;
    out.total = m.relaxed ? m.relaxed->total : mset.get_matches_estimated();
    if (m.relaxed) out.relaxation = m.relaxed->relaxation;
    if (resolved->correction) out.suggestion = resolved->correction->text;
    out.corrected = resolved->corrected;
    for (auto it = mset.begin(); it != mset.end(); ++it) out.records.push_back(impl_->shown_record(it.get_document()));
    return out;
  });
}

}  // namespace riskatlas::search
