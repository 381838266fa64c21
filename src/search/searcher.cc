#include "search/searcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "index/schema.h"
#include "model/taxonomy.h"
#include "search/facet_counter.h"
#include "search/query_builder.h"
#include "search/ranking.h"
#include "search/related.h"
#include "search/relaxation.h"
#include "search/snippet.h"
#include "util/utf8.h"

namespace riskatlas::search {
namespace {

using nlohmann::json;

// The text fields a snippet may come from, best first on ties; the title (shown beside the snippet
// anyway) only when the record has no other text. The views point into `record`.
std::vector<std::string_view> snippet_fields(const json& record) {
  std::vector<std::string_view> fields;
  auto add = [&](const json& object, const char* key) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) fields.push_back(it->get_ref<const std::string&>());
  };
  add(record, "description");
  if (const auto ev = record.find("evidence"); ev != record.end() && ev->is_array())
    for (const auto& e : *ev) add(e, "text");
  if (record.value("type", "") == "mitigation")
    if (const auto ts = record.find("techniques"); ts != record.end() && ts->is_array())
      for (const auto& t : *ts) add(t, "use");
  if (record.value("type", "") == "case-study")
    if (const auto steps = record.find("procedure"); steps != record.end() && steps->is_array())
      for (const auto& step : *steps) add(step, "description");
  if (fields.empty()) add(record, "title");
  return fields;
}

std::string field_of_term(const std::string& term, std::string& shown) {
  auto strip = [&](std::string_view prefix) {
    if (term.compare(0, prefix.size(), prefix) != 0) return false;
    shown = term.substr(prefix.size());
    return true;
  };
  const std::string stem_title = std::string(schema::kStemPrefix) + std::string(schema::kTitlePrefix);
  const std::string stem_source = std::string(schema::kStemPrefix) + std::string(schema::kSourcePrefix);
  if (strip(stem_source)) return shown = "stem:" + shown, "source";
  if (strip(stem_title)) return shown = "stem:" + shown, "title";
  if (strip(schema::kSourcePrefix)) return "source";
  if (strip(schema::kIdFieldPrefix)) return "id";
  if (strip(schema::kStemPrefix)) return shown = "stem:" + shown, "text";
  if (strip(schema::kTitlePrefix)) return "title";
  shown = term;
  return "text";
}

bool applies(const model::FacetSpec& facet, const std::set<std::string>& types) {
  for (const auto& t : types) {
    const auto pos = facet.applies_to.find(t);
    if (pos != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

struct Searcher::Impl {
  Impl(std::shared_ptr<const Generation> g, analysis::Analyzer& a)
      : gen(std::move(g)), lease(gen->lease()), analyzer(a) {}

  std::shared_ptr<const Generation> gen;
  Generation::Lease lease;
  analysis::Analyzer& analyzer;

  Xapian::Database& db() { return lease.db(); }

  // The document and stored record of an id; NotFound. REQUIRES: called inside guarded().
  Result<std::pair<Xapian::docid, json>> find_record(std::string_view id) {
    if (id.empty() || id.size() > 200 || !utf8::is_valid(id)) return Status::NotFound("no record with that id");
    const std::string term = std::string(schema::kIdPrefix) + std::string(id);
    for (auto p = db().postlist_begin(term); p != db().postlist_end(term); ++p) {
      json record = json::parse(db().get_document(*p).get_data(), nullptr, false);
      if (record.is_object()) return std::pair{*p, std::move(record)};
    }
    return Status::NotFound("no record with id " + std::string(id));
  }

  std::string label(const std::string& facet, const std::string& value) const {
    const auto& labels = gen->info().labels;
    if (const auto f = labels.find(facet); f != labels.end())
      if (const auto v = f->second.find(value); v != f->second.end()) return v->second;
    return value;
  }

  // Runs `fn` with one retry after reopening, so a transient DatabaseModifiedError or I/O error does
  // not fail the request; anything else from Xapian becomes a Status.
  template <typename Fn>
  auto guarded(Fn&& fn) -> decltype(fn()) {
    for (int attempt = 0;; ++attempt) {
      try {
        return fn();
      } catch (const Xapian::WildcardError&) {
        return Status::TooBroad("q: a wildcard matches too many words; type more letters before *");
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 2) return Status::Unavailable("the index changed while it was read; try again");
      } catch (const Xapian::DatabaseError& e) {
        if (attempt >= 1) return Status::Unavailable("the index cannot be read: " + e.get_msg());
      } catch (const Xapian::Error& e) {
        return Status::Unavailable("search failed: " + e.get_description());
      }
      try {
        lease.reopen();
      } catch (const Xapian::Error& e) {
        return Status::Unavailable("the index cannot be opened: " + e.get_msg());
      }
    }
  }

  struct Match {
    ParsedQuery parsed;
    FacetFilters filters;  // request filters plus facet scopes typed in q
    Xapian::Query text;    // what the text of q matches; empty = browse
    std::optional<RelaxedMatch> relaxed;  // set when records holding fewer words were added
    const Xapian::MatchDecider* decider() const { return relaxed ? relaxed->decider.get() : nullptr; }
  };

  // REQUIRES: called inside guarded() (synonyms are read from the index).
  Result<Match> prepare(const std::string& q, const FacetFilters& request_filters) {
    auto parsed = parse_query(q, analyzer, QueryOptions{&db(), true});
    if (!parsed.ok()) return parsed.status();
    Match m{std::move(parsed.value()), request_filters, {}, std::nullopt};
    for (const auto& [facet, values] : m.parsed.facet_scopes)
      for (const auto& v : values) {
        auto& list = m.filters[facet];
        if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      }
    m.text = m.parsed.finish(m.parsed.strict());
    return m;
  }

  // Widens `m` to records holding fewer of its words when fewer than ranking::kRelaxBelow hold all.
  bool relax(Match& m, std::size_t strict_total) {
    auto relaxed = search::relax(db(), m.parsed, m.filters, strict_total);
    if (!relaxed) return false;
    m.text = relaxed->query;
    m.relaxed = std::move(relaxed);
    return true;
  }

  Xapian::Enquire enquire_for(const Xapian::Query& query) {
    Xapian::Enquire enquire(db());
    enquire.set_query(query);
    enquire.set_weighting_scheme(ranking::weighting());
    return enquire;
  }

  void set_order(Xapian::Enquire& enquire, SortOrder sort, bool has_text) const {
    if (sort == SortOrder::kTitle) {
      enquire.set_sort_by_value_then_relevance(schema::kSlotSortTitle, false);
    } else if (sort == SortOrder::kId || !has_text) {
      enquire.set_sort_by_value(schema::kSlotSortId, false);
    } else {
      enquire.set_sort_by_relevance_then_value(schema::kSlotSortId, false);
    }
  }

  struct Correction {
    std::string text;
    bool unasked;  // only plain words changed: answer the corrected query without asking
  };

  // "Did you mean": each plain word that neither the index nor its vocabulary holds, replaced by the
  // closest spelling.
  // An acronym as typed ("CVEs", two capitals or more) is never a misspelling, and a short word
  // is at most one edit from its correction: two edits turn "cves" into "cies".
  std::optional<Correction> suggestion(const std::string& q, const ParsedQuery& parsed) {
    std::string out = q;
    bool changed = false, unasked = true;
    // Replace from the end so earlier byte ranges stay valid.
    for (auto it = parsed.spell_words.rbegin(); it != parsed.spell_words.rend(); ++it) {
      if (it->term.size() < 3) continue;
      const std::string_view typed = std::string_view(q).substr(it->begin, it->end - it->begin);
      if (std::count_if(typed.begin(), typed.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }) >= 2)
        continue;
      if (db().get_termfreq(it->term) > 0) continue;
      if (!it->stem.empty() && db().get_termfreq(std::string(schema::kStemPrefix) + it->stem) > 0) continue;
      // A word of the vocabulary ("cot", "ttp") means its synonyms, whatever the records spell.
      const std::string key = it->stem.empty() ? it->term : it->stem;
      if (db().synonyms_begin(key) != db().synonyms_end(key)) continue;
      if (it->last && db().allterms_begin(it->term) != db().allterms_end(it->term)) continue;
      const unsigned edits = utf8::char_count(it->term) <= 5 ? 1 : 2;
      const std::string better = db().get_spelling_suggestion(it->term, edits);
      if (better.empty() || better == it->term) continue;
      out.replace(it->begin, it->end - it->begin, better);
      changed = true;
      unasked = unasked && it->optional;
    }
    if (!changed) return std::nullopt;
    return Correction{out, unasked};
  }

  // Each matched word with the fields of this record that hold it and the weight it adds alone.
  std::vector<TermExplanation> explain(const Xapian::Enquire& enquire, const Xapian::MSetIterator& hit,
                                       const std::string& id) {
    std::vector<TermExplanation> out;
    const Xapian::Document doc = hit.get_document();
    auto holds = [&](const std::string& term) {
      Xapian::TermIterator t = doc.termlist_begin();
      t.skip_to(term);
      return t != doc.termlist_end() && *t == term;
    };
    for (auto t = enquire.get_matching_terms_begin(hit); t != enquire.get_matching_terms_end(hit); ++t) {
      const std::string term = *t;
      // Filter, id and exact-title terms are not words of the record; the title boost is told apart
      // by the score, not listed as a word.
      if (term.empty() || term.starts_with(schema::kFacetPrefix) || term.starts_with(schema::kIdPrefix) ||
          term.starts_with(schema::kExactTitlePrefix))
        continue;
      TermExplanation e;
      e.field = field_of_term(term, e.term);
      if (e.field == "text") {
        // Unscoped words are indexed once for all fields; name the scoped fields that also hold it.
        const bool stemmed = term.rfind(schema::kStemPrefix, 0) == 0;
        const std::string word = stemmed ? term.substr(schema::kStemPrefix.size()) : term;
        const std::string stem_prefix = stemmed ? std::string(schema::kStemPrefix) : std::string();
        if (holds(stem_prefix + std::string(schema::kTitlePrefix) + word)) e.field = "title";
        else if (holds(std::string(schema::kIdFieldPrefix) + word)) e.field = "id";
        else if (holds(stem_prefix + std::string(schema::kSourcePrefix) + word)) e.field = "source";
      }
      Xapian::Enquire one(db());
      one.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term),
                                  Xapian::Query(std::string(schema::kIdPrefix) + id)));
      const Xapian::MSet m = one.get_mset(0, 1);
      e.weight = m.empty() ? 0.0 : std::round(m.begin().get_weight() * 1000.0) / 1000.0;
      out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
    return out;
  }

  // Disjunctive facet counts: every facet is counted with all filters applied but its own.
  std::vector<FacetCounts> facet_counts(const Match& m, const FacetSpies& main_spies, const ValueCounts& matched_types) {
    std::set<std::string> types;
    for (const auto& [type, n] : matched_types)
      if (n > 0) types.insert(type);
    std::vector<FacetCounts> out;
    for (const auto& spec : model::facets()) {
      const std::string name(spec.name);
      const auto selected_it = m.filters.find(name);
      const std::vector<std::string> selected =
          selected_it == m.filters.end() ? std::vector<std::string>{} : selected_it->second;
      if (selected.empty() && !applies(spec, types)) continue;
      const ValueCounts counts =
          main_spies.has(name) ? main_spies.counts(name)
                               : count_values(db(), filtered_query(m.text, m.filters, name), spec, &gen->facet_table(),
                                              m.decider());
      FacetCounts fc{name, std::string(spec.label), {}};
      for (const auto& [value, n] : counts) {
        const bool is_selected = std::find(selected.begin(), selected.end(), value) != selected.end();
        fc.values.push_back({value, label(name, value), n, is_selected});
      }
      for (const auto& v : selected)
        if (!counts.count(v)) fc.values.push_back({v, label(name, v), 0, true});
      std::sort(fc.values.begin(), fc.values.end(), [](const FacetValueCount& a, const FacetValueCount& b) {
        if (a.count != b.count) return a.count > b.count;
        return a.label < b.label;
      });
      if (!fc.values.empty()) out.push_back(std::move(fc));
    }
    return out;
  }

  // One page of hits and the facet counts for a prepared match.
  SearchResponse run(const SearchRequest& request, const Match& m) {
    SearchResponse r;
    r.query = request.q;
    r.page = request.page;
    r.per_page = request.per_page;
    r.generation = gen->info().name;
    r.interpreted_literally = m.parsed.literal;

    Xapian::Enquire enquire = enquire_for(filtered_query(m.text, m.filters));
    set_order(enquire, request.sort, m.parsed.has_text());
    // Facets without a filter are counted on the main match itself; the record types of the fully
    // filtered match set decide which facets apply.
    FacetSpies spies(&gen->facet_table()), type_spy(&gen->facet_table());
    for (const auto& spec : model::facets())
      if (!m.filters.count(std::string(spec.name))) spies.attach(enquire, spec);
    type_spy.attach(enquire, *model::find_facet("type"));
    const Xapian::MSet mset = enquire.get_mset((request.page - 1) * request.per_page, request.per_page,
                                               db().get_doccount(), nullptr, m.decider());
    // With a decider Xapian's count is an estimate; the relaxation counted the answer exactly.
    r.total = m.relaxed ? m.relaxed->total : mset.get_matches_estimated();
    if (m.relaxed) r.relaxation = m.relaxed->relaxation;

    std::vector<Xapian::docid> docs;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const json record = json::parse(it.get_document().get_data(), nullptr, false);
      if (!record.is_object()) continue;
      Hit hit;
      hit.id = record.value("id", "");
      hit.type = record.value("type", "");
      hit.title = record.value("title", "");
      // The score shown is the BM25 part; in a relaxed match the words held are told apart.
      const double weight = it.get_weight();
      const double bm25 = m.relaxed ? weight - static_cast<double>(words_held(weight)) * ranking::kCoverageBonus : weight;
      hit.score = std::round(bm25 * 10000.0) / 10000.0;
      docs.push_back(*it);
      hit.facets = record.value("facets", json::object());
      hit.snippet = make_snippet(snippet_fields(record), m.parsed.highlight, analyzer);
      // Explaining costs one match per term: bounded so explain=1 cannot multiply a request's cost.
      if (request.explain && r.hits.size() < kMaxExplainedHits) hit.explain = explain(enquire, it, hit.id);
      r.hits.push_back(std::move(hit));
    }
    if (m.relaxed) {
      std::vector<std::string> ids;
      for (const auto& hit : r.hits) ids.push_back(hit.id);
      auto missing = missing_words(db(), m.parsed, docs, ids);
      for (std::size_t i = 0; i < r.hits.size(); ++i) r.hits[i].missing_words = std::move(missing[i]);
    }
    r.facets = facet_counts(m, spies, type_spy.counts("type"));
    return r;
  }

  // The strict answer, or the relaxed one when too few records hold every word.
  // The size of a match's answer.
  std::size_t total(const Match& m) {
    if (m.relaxed) return m.relaxed->total;
    Xapian::Enquire enquire(db());
    enquire.set_query(filtered_query(m.text, m.filters));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 0, db().get_doccount()).get_matches_estimated();
  }

  // Relaxes `m` when fewer than ranking::kRelaxBelow records hold every word.
  void settle(Match& m) {
    if (!m.parsed.has_text() || !can_relax(m.parsed)) return;
    const std::size_t strict = total(m);
    if (strict < ranking::kRelaxBelow) relax(m, strict);
  }

  struct Resolved {
    Match match;
    std::optional<Correction> correction;  // "did you mean"
    bool corrected = false;                // `match` is the correction's
  };

  // What q answers, for search and export alike: q as typed, relaxed when too few records hold
  // every word; or its spelling correction, unasked when only plain words changed, else when q as
  // typed matched nothing.
  Result<Resolved> resolve(const std::string& q, const FacetFilters& filters) {
    auto prepared = prepare(q, filters);
    if (!prepared.ok()) return prepared.status();
    Resolved out{std::move(prepared.value()), std::nullopt, false};
    if (out.match.parsed.has_text()) out.correction = suggestion(q, out.match.parsed);
    const auto use_correction = [&] {
      auto c = prepare(out.correction->text, filters);
      if (!c.ok()) return false;
      settle(c.value());
      if (total(c.value()) == 0) return false;
      out.match = std::move(c.value());
      out.corrected = true;
      return true;
    };
    if (out.correction && out.correction->unasked && use_correction()) return out;
    settle(out.match);
    if (out.correction && !out.correction->unasked && total(out.match) == 0) use_correction();
    return out;
  }

  // The documents of a match set, in order, without facets.
  Xapian::MSet all_matches(const Match& m, SortOrder sort, std::size_t limit) {
    Xapian::Enquire enquire = enquire_for(filtered_query(m.text, m.filters));
    set_order(enquire, sort, m.parsed.has_text());
    return enquire.get_mset(0, static_cast<Xapian::doccount>(limit), db().get_doccount(), nullptr, m.decider());
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
    auto resolved = impl_->resolve(request.q, request.filters);
    if (!resolved.ok()) return resolved.status();
    SearchResponse r = impl_->run(request, resolved->match);
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

namespace {

// The word being typed at the end of a search box, apart from what precedes it and from its
// operator ('-', '+', '"', "title:"); empty when the text ends in white space.
struct TypedWord {
  std::string_view head;  // kept as typed in completions
  std::string_view word;
};

TypedWord typed_word(std::string_view text) {
  std::size_t start = text.size();
  while (start > 0 && !std::isspace(static_cast<unsigned char>(text[start - 1]))) --start;
  std::size_t op = start;
  while (op < text.size() && (text[op] == '-' || text[op] == '+' || text[op] == '"')) ++op;
  std::size_t field = op;
  while (field < text.size() && (std::islower(static_cast<unsigned char>(text[field])) || text[field] == '_')) ++field;
  if (field > op && field < text.size() && text[field] == ':') op = field + 1;
  return {text.substr(0, op), text.substr(op)};
}

}  // namespace

Result<std::vector<Suggestion>> Searcher::suggest(std::string_view prefix, std::size_t limit) {
  if (prefix.size() > 200) return Status::InvalidArgument("q: longer than 200 bytes");
  if (!utf8::is_valid(prefix) || utf8::has_control(prefix)) return Status::InvalidArgument("q: not valid UTF-8 text");
  limit = std::clamp<std::size_t>(limit, 1, kMaxSuggestions);
  const auto tokens = impl_->analyzer.analyze(prefix);
  if (tokens.empty()) return std::vector<Suggestion>{};
  const TypedWord typed = typed_word(prefix);
  // The index word to complete: an identifier whole ("aml.t00"), else the last word.
  std::string completing;
  if (!typed.word.empty()) {
    const auto word_tokens = impl_->analyzer.analyze(typed.word);
    if (!word_tokens.empty())
      completing = word_tokens.front().kind == analysis::TokenKind::kCompound ? word_tokens.front().text
                                                                             : word_tokens.back().text;
  }
  return impl_->guarded([&]() -> Result<std::vector<Suggestion>> {
    auto& db = impl_->db();
    std::vector<Suggestion> out;
    const std::string title(schema::kTitlePrefix);
    // Records whose title holds every word, the one being typed as a prefix.
    std::vector<Xapian::Query> words;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].kind == analysis::TokenKind::kCompound) continue;
      const std::string term = title + tokens[i].text;
      if (i + 1 == tokens.size() && !completing.empty()) {
        words.emplace_back(Xapian::Query::OP_OR, Xapian::Query(term),
                           Xapian::Query(Xapian::Query::OP_WILDCARD, term, kMaxPartialTerms,
                                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
      } else {
        words.emplace_back(term);
      }
    }
    if (!words.empty()) {
      Xapian::Enquire enquire(db);
      enquire.set_query(Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()));
      const std::size_t record_slots = completing.empty() ? limit : (limit + 1) / 2;
      const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(record_slots));
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        const json record = json::parse(it.get_document().get_data(), nullptr, false);
        if (!record.is_object()) continue;
        out.push_back({record.value("title", ""), "record", record.value("id", ""), record.value("type", "")});
      }
    }
    if (completing.empty()) return out;
    // Then index words that complete the word being typed, most frequent first.
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto t = db.allterms_begin(completing); t != db.allterms_end(completing); ++t)
      terms.emplace_back(t.get_termfreq(), *t);
    std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [freq, term] : terms) {
      if (out.size() >= limit) break;
      out.push_back({std::string(typed.head) + term, "term", "", ""});
    }
    return out;
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
    if (resolved->correction) out.suggestion = resolved->correction->text;
    out.corrected = resolved->corrected;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      json record = json::parse(it.get_document().get_data(), nullptr, false);
      if (record.is_object()) out.records.push_back(std::move(record));
    }
    return out;
  });
}

}  // namespace riskatlas::search
