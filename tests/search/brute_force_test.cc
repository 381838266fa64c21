// Differential test: totals and disjunctive facet counts from the index equal a brute-force count
// over the loaded records, for seeded random filter combinations and a few words.
#include <cstdlib>
#include <random>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "index/index_writer.h"
#include "search/facet_counter.h"
#include "search/fixture.h"
#include "search/ranking.h"
#include "search/searcher.h"
#include "test_support.h"

using namespace riskatlas;

namespace {

using Values = std::map<std::string, std::set<std::string>>;  // facet -> values of one record

struct Model {
  std::vector<Values> records;
  std::map<std::string, std::size_t> by_id;  // record id -> index in `records`
  std::vector<std::vector<std::string>> words;  // analysed texts and stems per record
};

// Facet values and words of every record, derived from the atlas independently of the indexer and
// of model::LinkGraph (which has tests of its own): a risk carries the lifecycle stages and categories
// of the mitigations that list a technique the risk is linked to.
Model build_model(const model::Atlas& atlas) {
  std::map<std::string, std::string> tactic_names;
  for (const auto& tactic : atlas.tactics) tactic_names.emplace(tactic.id, tactic.name);
  std::set<std::string> technique_ids;
  for (const auto& tech : atlas.techniques) technique_ids.insert(tech.id);
  auto add_mitigations_of = [&](const std::string& technique_id, Values& v) {
    for (const auto& mit : atlas.mitigations)
      for (const auto& use : mit.techniques)
        if (use.technique_id == technique_id) {
          v["lifecycle"].insert(mit.lifecycle.begin(), mit.lifecycle.end());
          v["category"].insert(mit.categories.begin(), mit.categories.end());
        }
  };
  analysis::Analyzer analyzer;
  Model m;
  auto words_of = [&](const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    for (const auto& text : texts)
      for (const auto& t : analyzer.analyze(text)) {
        out.push_back(t.text);
        if (!t.stem.empty()) out.push_back("Z" + t.stem);
      }
    return out;
  };
  for (const auto& risk : atlas.risks) {
    Values v{{"type", {"risk"}}};
    const std::string source = risk.quickref.empty() ? risk.paper_id : risk.quickref;
    for (auto [facet, value] : {std::pair{"domain", risk.domain}, {"subdomain", risk.subdomain},
                                {"entity", risk.entity}, {"intent", risk.intent}, {"timing", risk.timing},
                                {"source", source}})
      if (!value.empty()) v[facet].insert(value);
    for (const auto& link : atlas.links)
      if (link.risk_id == risk.id && technique_ids.count(link.technique_id)) add_mitigations_of(link.technique_id, v);
    m.by_id[risk.id] = m.records.size();
    m.records.push_back(v);
    std::vector<std::string> texts{risk.title(), risk.id, risk.ev_id, risk.description,
                                   risk.source_title + " " + risk.quickref};
    if (!risk.subcategory.empty()) texts.push_back(risk.category);
    for (const auto& e : risk.evidence) texts.push_back(e.text);
    m.words.push_back(words_of(texts));
  }
  for (const auto& tech : atlas.techniques) {
    Values v{{"type", {"technique"}}};
    for (const auto& tactic : tech.tactics) v["tactic"].insert(tactic);
    std::vector<std::string> texts{tech.name, tech.id, tech.description};
    // A sub-technique's title is indexed after its parent's name.
    for (const auto& other : atlas.techniques)
      if (!tech.parent.empty() && other.id == tech.parent) texts.push_back(other.name);
    for (const auto& tactic : tech.tactics)
      if (const auto it = tactic_names.find(tactic); it != tactic_names.end()) texts.push_back(it->second);
    add_mitigations_of(tech.id, v);
    m.by_id[tech.id] = m.records.size();
    m.records.push_back(v);
    m.words.push_back(words_of(texts));
  }
  for (const auto& mit : atlas.mitigations) {
    Values v{{"type", {"mitigation"}}};
    for (const auto& l : mit.lifecycle) v["lifecycle"].insert(l);
    for (const auto& c : mit.categories) v["category"].insert(c);
    m.by_id[mit.id] = m.records.size();
    m.records.push_back(v);
    std::vector<std::string> texts{mit.name, mit.id, mit.description};
    for (const auto& u : mit.techniques) texts.push_back(u.use);
    m.words.push_back(words_of(texts));
  }
  // A case study carries its kind, the year of its date and the tactics of its steps.
  for (const auto& cs : atlas.case_studies) {
    Values v{{"type", {"case-study"}}};
    if (!cs.kind.empty()) v["kind"].insert(cs.kind);
    if (cs.incident_date.size() >= 4) v["year"].insert(cs.incident_date.substr(0, 4));
    std::vector<std::string> texts{cs.name, cs.id, cs.summary};
    for (const auto& step : cs.procedure) {
      if (!step.tactic.empty()) v["tactic"].insert(step.tactic);
      texts.push_back(step.description);
    }
    m.by_id[cs.id] = m.records.size();
    m.records.push_back(v);
    m.words.push_back(words_of(texts));
  }
  return m;
}

bool passes(const Values& record, const search::FacetFilters& filters, const std::string& except) {
  for (const auto& [facet, wanted] : filters) {
    if (facet == except) continue;
    const auto it = record.find(facet);
    if (it == record.end()) return false;
    bool any = false;
    for (const auto& w : wanted) any = any || it->second.count(w);
    if (!any) return false;
  }
  return true;
}

// True when the facet is carried by one of the record types (model/taxonomy.cc lists them by facet).
bool applies_to(const model::FacetSpec& spec, const std::set<std::string>& types) {
  std::istringstream carriers{std::string(spec.applies_to)};
  for (std::string type; carriers >> type;)
    if (types.count(type)) return true;
  return false;
}

bool has_word(const std::vector<std::string>& words, const std::string& text, const std::string& stem) {
  for (const auto& w : words)
    if (w == text || (!stem.empty() && w == "Z" + stem)) return true;
  return false;
}

// `rounds` seeded rounds; at least `least_other_tier` of them must count a filtered facet's value at
// another tier than the answer's (about one in fifteen does).
void check_against_model(const std::filesystem::path& corpus, const std::string& name, int rounds,
                         std::size_t least_other_tier) {
  model::Atlas atlas = testing::load_linked_corpus(corpus);
  // Synonyms widen words in ways this model does not follow; the words below have none anyway.
  atlas.synonyms.clear();
  testing::ScratchDir dir("brute-" + name);
  Diagnostics warnings;
  REQUIRE(index::write_database(atlas, dir.path() / "db", {}, warnings).ok());
  auto gen = search::Generation::open(dir.path() / "db");
  REQUIRE(gen.ok());
  const Model model = build_model(atlas);

  // All values that occur, per facet, to draw filters from.
  std::map<std::string, std::vector<std::string>> universe;
  for (const auto& r : model.records)
    for (const auto& [facet, values] : r)
      for (const auto& v : values) universe[facet].push_back(v);
  for (auto& [facet, values] : universe) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
  }
  std::vector<std::string> facet_names;
  for (const auto& [facet, values] : universe) facet_names.push_back(facet);

  const char* seed_env = std::getenv("RISKATLAS_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : std::random_device{}();
  INFO("RISKATLAS_SEED=" << seed);
  std::mt19937 rng(seed);
  analysis::Analyzer analyzer;
  search::Searcher searcher(gen.value(), analyzer);
  auto lease = gen.value()->lease();
  REQUIRE(lease.ok());
  // Several words: when fewer than kRelaxBelow records hold them all, the answer is the records
  // holding at least k of them, k the largest giving that many over every record (at least one word).
  const std::vector<std::string> queries{"",           "",          "model ",         "data ",
                                         "attack ",    "privacy ",  "model privacy ", "attack hiring qqqxv ",
                                         "data bias ", "poisoning deployment model ",
                                         "poisoning training backdoor ", "extraction queries weights ",
                                         "+poisoning backdoor deployment ", "+attack hiring bias "};
  std::size_t compared = 0, relaxed_rounds = 0, other_tier_rounds = 0;

  for (int round = 0; round < rounds; ++round) {
    search::SearchRequest request;
    request.q = queries[rng() % queries.size()];
    const int nfilters = static_cast<int>(rng() % 4);
    for (int i = 0; i < nfilters; ++i) {
      const auto& facet = facet_names[rng() % facet_names.size()];
      const auto& values = universe[facet];
      request.filters[facet].push_back(values[rng() % values.size()]);
      if (rng() % 3 == 0) request.filters[facet].push_back(values[rng() % values.size()]);
    }
    // The words of q, and which were typed with '+' (required: never relaxed, never counted).
    std::vector<analysis::Token> tokens;
    std::vector<bool> required;
    {
      std::istringstream typed(request.q);
      for (std::string piece; typed >> piece;) {
        const bool plus = piece[0] == '+';
        for (auto& t : analyzer.analyze(plus ? piece.substr(1) : piece)) {
          tokens.push_back(std::move(t));
          required.push_back(plus);
        }
      }
    }
    const bool has_required = std::find(required.begin(), required.end(), true) != required.end();
    auto response = searcher.search(request);
    REQUIRE(response.ok());
    std::string described;
    for (const auto& [facet, values] : request.filters)
      for (const auto& v : values) described += " " + facet + "=" + v;
    INFO("q=" << request.q << " filters:" << described << " round " << round);
    if (response->corrected) continue;  // a spelling correction answered instead: not this model's question
    ++compared;

    // Which words relaxation counts: those not required and held by at most kCommonWordShare of the
    // records (all of them when none such is held at all).
    std::vector<bool> counted(tokens.size());
    bool any_counted = false;
    for (std::size_t w = 0; w < tokens.size(); ++w) {
      if (required[w]) continue;
      std::size_t df = 0;
      for (const auto& words : model.words) df += has_word(words, tokens[w].stem.empty() ? tokens[w].text : "", tokens[w].stem);
      counted[w] = df <= search::ranking::kCommonWordShare * static_cast<double>(model.words.size());
      any_counted = any_counted || (counted[w] && df > 0);
    }
    if (!any_counted)
      for (std::size_t w = 0; w < tokens.size(); ++w) counted[w] = !required[w];
    const auto ncounted = static_cast<std::size_t>(std::count(counted.begin(), counted.end(), true));
    // Counted words held by each record; whether it holds the required ones.
    std::vector<std::size_t> held(model.records.size());
    std::vector<bool> holds_required(model.records.size(), true);
    for (std::size_t i = 0; i < model.records.size(); ++i) {
      for (std::size_t w = 0; w < tokens.size(); ++w) {
        const bool has = has_word(model.words[i], tokens[w].text, tokens[w].stem);
        held[i] += counted[w] && has;
        if (required[w] && !has) holds_required[i] = false;
      }
      // A case study holding only some of the words counts as holding none (relaxation.h).
      if (held[i] < ncounted && model.records[i].at("type").count("case-study")) held[i] = 0;
    }
    // Relaxing needs two counted words, or one beside a required word; beside one, a record may
    // hold none of the counted words.
    const bool can_relax = ncounted >= 2 || (ncounted == 1 && has_required);
    const std::size_t fewest = has_required ? 0 : 1;
    // The words decide the widest answer, over every record; the filters narrow it, widening it
    // further only when they leave nothing.
    struct Tier {
      bool relaxed = false;
      std::size_t min_held = 0;
      bool answers(std::size_t held, std::size_t all) const { return relaxed ? held >= min_held : held == all; }
    };
    auto tier_under = [&](const search::FacetFilters& filters) {
      Tier t;
      if (!can_relax) return t;
      std::size_t strict = 0, strict_unfiltered = 0;
      std::vector<std::size_t> by_held(ncounted + 1), by_held_unfiltered(ncounted + 1);
      for (std::size_t i = 0; i < model.records.size(); ++i) {
        if (!holds_required[i]) continue;
        ++by_held_unfiltered[held[i]];
        strict_unfiltered += held[i] == ncounted;
        if (passes(model.records[i], filters, "")) {
          ++by_held[held[i]];
          strict += held[i] == ncounted;
        }
      }
      const std::size_t enough = search::ranking::kRelaxBelow;
      if (strict >= enough || (strict_unfiltered >= enough && strict > 0)) return t;
      std::size_t k = ncounted, at_least = by_held_unfiltered[ncounted];
      if (strict_unfiltered < enough)
        while (k > fewest && at_least < enough) at_least += by_held_unfiltered[--k];
      std::size_t widened = 0;
      for (std::size_t c = k; c <= ncounted; ++c) widened += by_held[c];
      while (k > fewest && widened == 0) widened += by_held[--k];
      if (widened > strict) {
        t.relaxed = true;
        t.min_held = k;
      }
      return t;
    };
    const Tier shown = tier_under(request.filters);
    CHECK(response->relaxation.has_value() == shown.relaxed);
    if (response->relaxation) {
      ++relaxed_rounds;
      CHECK(response->relaxation->min_matched == shown.min_held);
    }

    std::size_t expected_total = 0;
    std::map<std::string, std::map<std::string, std::size_t>> expected;
    // Common words only add weight: the strict answer asks for every counted word.
    auto answered = [&](std::size_t i) { return holds_required[i] && shown.answers(held[i], ncounted); };
    for (std::size_t i = 0; i < model.records.size(); ++i) {
      if (!answered(i)) continue;
      const auto& r = model.records[i];
      if (passes(r, request.filters, "")) ++expected_total;
      for (const auto& facet : facet_names) {
        if (!passes(r, request.filters, facet) || request.filters.count(facet)) continue;
        if (const auto it = r.find(facet); it != r.end())
          for (const auto& v : it->second) ++expected[facet][v];
      }
    }
    // A value of a filtered facet counts the records holding it in the answer ticking it gives: where
    // the filters had to widen the answer, or it shows the strict one, that may be another tier.
    bool another_tier = false;
    for (const auto& [facet, selected] : request.filters) {
      for (const auto& v : universe[facet]) {
        search::FacetFilters ticked = request.filters;
        if (std::find(selected.begin(), selected.end(), v) == selected.end()) ticked[facet].push_back(v);
        const Tier t = tier_under(ticked);
        std::size_t in_answer = 0;
        for (std::size_t i = 0; i < model.records.size(); ++i) {
          const auto& r = model.records[i];
          const auto it = r.find(facet);
          if (it == r.end() || !it->second.count(v) || !passes(r, request.filters, facet)) continue;
          expected[facet][v] += holds_required[i] && t.answers(held[i], ncounted);
          in_answer += answered(i);
        }
        another_tier = another_tier || in_answer != expected[facet][v];
      }
    }
    other_tier_rounds += another_tier;
    CHECK(response->total == expected_total);
    // Every facet that applies to the matched record types and has a value to show is listed (and
    // a selected facet always is); a facet missing from the answer fails here.
    std::set<std::string> matched_types, expected_facets, listed_facets;
    for (std::size_t i = 0; i < model.records.size(); ++i)
      if (answered(i) && passes(model.records[i], request.filters, ""))
        matched_types.insert(*model.records[i].at("type").begin());
    for (const auto& spec : model::facets()) {
      const std::string name(spec.name);
      bool shown = false;
      for (const auto& [value, n] : expected[name]) shown = shown || n > 0;
      if (request.filters.count(name) || (applies_to(spec, matched_types) && shown)) expected_facets.insert(name);
    }
    for (const auto& f : response->facets) listed_facets.insert(f.name);
    CHECK(listed_facets == expected_facets);
    for (const auto& f : response->facets) {
      for (const auto& v : f.values) {
        INFO("facet " << f.name << "=" << v.value);
        CHECK(v.count == expected[f.name][v.value]);
      }
      std::size_t nonzero = 0;
      for (const auto& [value, n] : expected[f.name]) nonzero += n > 0;
      std::size_t listed = 0;
      for (const auto& v : f.values) listed += v.count > 0;
      INFO("facet " << f.name);
      CHECK(listed == nonzero);
    }

    // A facet value's count is what ticking it shows: the answer's total for a facet without a filter,
    // the value's own count for one with a filter (whose ticked values add their records).
    std::vector<std::pair<std::string, search::FacetValueCount>> tickable;
    for (const auto& f : response->facets)
      for (const auto& v : f.values)
        if (v.count > 0 && !v.selected) tickable.emplace_back(f.name, v);
    if (!tickable.empty()) {
      const auto& [facet, value] = tickable[rng() % tickable.size()];
      search::SearchRequest ticked = request;
      ticked.filters[facet].push_back(value.value);
      const auto after = searcher.search(ticked);
      REQUIRE(after.ok());
      INFO("ticked " << facet << "=" << value.value);
      if (!request.filters.count(facet)) {
        CHECK(after->total == value.count);
      } else {
        // The records of the answer ticking it gives that hold the value.
        const auto exported = searcher.export_matches(ticked, search::kMaxExport);
        REQUIRE(exported.ok());
        REQUIRE(exported->records.size() == exported->total);
        std::size_t holding = 0;
        for (const auto& record : exported->records) {
          const auto& values = model.records.at(model.by_id.at(record.value("id", "")));
          const auto held = values.find(facet);
          holding += held != values.end() && held->second.count(value.value);
        }
        CHECK(holding == value.count);
      }
    }

    // The value-slot spies, the path that also works over the remote backend, count exactly what the
    // generation's facet table counts.
    if (tokens.size() > 1) continue;
    Xapian::Query words;
    if (!tokens.empty()) {
      words = Xapian::Query(tokens[0].text);
      if (!tokens[0].stem.empty())
        words = Xapian::Query(Xapian::Query::OP_OR, words, Xapian::Query("Z" + tokens[0].stem));
    }
    for (const auto& spec : model::facets()) {
      INFO("slot and table counts of " << spec.name);
      const Xapian::Query query = search::filtered_query(words, request.filters, spec.name);
      CHECK(search::count_values(lease->db(), query, spec) ==
            search::count_values(lease->db(), query, spec, gen.value()->facet_table()));
    }
  }
  // Corrections are rare for these words; most rounds must have been compared, some of them relaxed.
  CHECK(compared >= static_cast<std::size_t>(rounds) * 9 / 10);
  CHECK(relaxed_rounds > 0);
  CHECK(other_tier_rounds >= least_other_tier);
}

}  // namespace

TEST_CASE("facet counts and totals equal a brute-force count on the default corpus", "[search][slow][long]") {
  check_against_model(testing::corpus_dir(), "corpus", 150, 1);
}

TEST_CASE("facet counts and totals equal a brute-force count on the real data", "[search][slow][real][long]") {
  const auto real = testing::require_real_data();
  check_against_model(real, "real", 60, 0);
}
