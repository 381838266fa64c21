// riskatlas-benchmark: in-process latency of riskatlas over a generated corpus's query sets, beside
// the engine's floor on the same index and SQLite FTS5 on the same records (bench/README.md).
//
//   riskatlas-benchmark --index ROOT --corpus DIR [--rounds R] [--no-fts5]
//
// DIR is a folder written by riskatlas-gencorpus (its records and queries/*.txt); ROOT an index of it
// built by riskatlas-index. Requests are parsed by the server's own parameter parser and answered by
// search::Searcher exactly as the server answers them, without HTTP and JSON. Prints Markdown.
// A benchmark, not a test: it asserts nothing, but it does re-check the facet counts (below).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <xapian.h>

#include "eval/fts5_peer.h"
#include "load/corpus.h"
#include "request_params.h"
#include "search/facet_counter.h"
#include "search/index_service.h"
#include "search/query_builder.h"
#include "search/ranking.h"
#include "search/searcher.h"
#include "util/command_line.h"

using namespace riskatlas;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kUsage =
    "usage: riskatlas-benchmark --index ROOT --corpus DIR [--rounds R] [--no-fts5]\n"
    "  DIR: a corpus written by riskatlas-gencorpus (records and queries/*.txt); ROOT: its index.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "riskatlas-benchmark: " << message << '\n' << kUsage;
  std::exit(1);
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Latencies {
  std::vector<double> ms;
  double at(double q) const {
    if (ms.empty()) return 0;
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  }
};

std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) usage_error("cannot read " + file.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

server::Params params_of(const std::string& path) {
  const auto q = path.find('?');
  return server::parse_query_string(q == std::string::npos ? "" : std::string_view(path).substr(q + 1));
}

template <typename T>
T parsed_or_die(server::Parsed<T> parsed, const std::string& path) {
  if (auto* error = std::get_if<server::ApiError>(&parsed)) usage_error(path + ": " + error->message);
  return std::get<T>(std::move(parsed));
}

// Counts every facet of the matched documents from the generation's FacetTable, nothing else.
class ColumnsSpy : public Xapian::MatchSpy {
 public:
  void add(const std::string& facet, const search::FacetTable::Column& column) {
    columns_.push_back({facet, &column, std::vector<std::size_t>(column.values.size())});
  }
  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid did = doc.get_docid();
    for (auto& c : columns_) {
      if (did + 1 >= c.column->begin.size()) continue;
      for (std::uint32_t i = c.column->begin[did]; i < c.column->begin[did + 1]; ++i) ++c.counts[c.column->ids[i]];
    }
  }
  void collect(std::map<std::string, search::ValueCounts>& out) const {
    for (const auto& c : columns_)
      for (std::size_t v = 0; v < c.counts.size(); ++v)
        if (c.counts[v]) out[c.facet][c.column->values[v]] = c.counts[v];
  }

 private:
  struct Counted {
    std::string facet;
    const search::FacetTable::Column* column;
    std::vector<std::size_t> counts;
  };
  std::vector<Counted> columns_;
};

struct FloorAnswer {
  std::size_t total = 0;
  std::vector<Xapian::docid> top;
  std::map<std::string, search::ValueCounts> facets;
};

// The engine's floor: the same parsed query on the same index, top 20 by BM25 and exact disjunctive
// counts of every facet from the in-memory arrays; no relaxation, spelling, snippets or stored records.
FloorAnswer floor_search(Xapian::Database& db, const search::Generation& gen, analysis::Analyzer& analyzer,
                         const search::SearchRequest& request) {
  FloorAnswer answer;
  auto parsed = search::parse_query(request.q, analyzer, search::QueryOptions{&db, true});
  const Xapian::Query text = parsed.ok() && parsed->has_text() ? parsed->strict() : search::match_all();
  const search::FacetTable& table = *gen.facet_table();  // main() runs the floor only with a table
  {
    Xapian::Enquire enquire(db);
    enquire.set_query(search::filtered_query(text, request.filters));
    ColumnsSpy spy;
    for (const auto& spec : model::facets())
      if (!request.filters.count(std::string(spec.name))) spy.add(std::string(spec.name), table.column(spec));
    enquire.add_matchspy(&spy);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.per_page), db.get_doccount());
    answer.total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) answer.top.push_back(*it);
    spy.collect(answer.facets);
  }
  for (const auto& [facet, values] : request.filters) {
    Xapian::Enquire enquire(db);
    enquire.set_query(search::filtered_query(text, request.filters, facet));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    ColumnsSpy spy;
    spy.add(facet, table.column(*model::find_facet(facet)));
    enquire.add_matchspy(&spy);
    enquire.get_mset(0, 0, db.get_doccount());
    spy.collect(answer.facets);
  }
  return answer;
}

// Whether riskatlas's answer and the floor's count the same records for every facet it lists.
// `skipped`: facets not compared.
bool same_counts(const search::SearchResponse& r, const FloorAnswer& f, const search::FacetFilters& skipped) {
  if (r.total != f.total) return false;
  for (const auto& fc : r.facets) {
    if (skipped.count(fc.name)) continue;
    const auto it = f.facets.find(fc.name);
    std::size_t listed = 0;
    for (const auto& v : fc.values) {
      if (v.count == 0) continue;
      ++listed;
      if (it == f.facets.end() || !it->second.count(v.value) || it->second.at(v.value) != v.count) return false;
    }
    if (listed != (it == f.facets.end() ? 0 : it->second.size())) return false;
  }
  return true;
}

struct Row {
  std::string name;
  Latencies ours, floor, peer;
};

void print_row(const Row& row, bool with_floor, bool with_peer) {
  auto cell = [](const Latencies& l) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f / %.2f / %.2f", l.at(0.5), l.at(0.95), l.at(0.99));
    return std::string(buf);
  };
  auto ratio = [](const Latencies& a, const Latencies& b) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f / %.2f", a.at(0.5) / std::max(b.at(0.5), 1e-6),
                  a.at(0.99) / std::max(b.at(0.99), 1e-6));
    return std::string(buf);
  };
  std::printf("| %s | %zu | %s | %s | %s | %s | %s |\n", row.name.c_str(), row.ours.ms.size(), cell(row.ours).c_str(),
              with_floor ? cell(row.floor).c_str() : "", with_peer ? cell(row.peer).c_str() : "",
              with_floor ? ratio(row.ours, row.floor).c_str() : "", with_peer ? ratio(row.ours, row.peer).c_str() : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path index_root, corpus;
  int rounds = 2;
  bool fts5 = true;
  CommandLine cl(argc, argv, usage_error);
  while (cl.next()) {
    if (cl.is("--index")) index_root = cl.value();
    else if (cl.is("--corpus")) corpus = cl.value();
    else if (cl.is("--rounds")) rounds = static_cast<int>(cl.whole_number(1, 1000));
    else if (cl.is("--no-fts5")) fts5 = false;
    else if (cl.is("--help")) {
      std::cout << kUsage;
      return 0;
    } else usage_error("unknown option " + cl.flag());
  }
  if (index_root.empty() || corpus.empty()) usage_error("--index and --corpus are required");

  std::vector<search::SearchRequest> searches, browses, prefix_searches;
  std::vector<server::SuggestRequest> prefixes;
  for (const auto& path : read_lines(corpus / "queries" / "search.txt"))
    searches.push_back(parsed_or_die(server::parse_search_params(params_of(path)), path));
  for (const auto& path : read_lines(corpus / "queries" / "browse.txt"))
    browses.push_back(parsed_or_die(server::parse_search_params(params_of(path)), path));
  for (const auto& path : read_lines(corpus / "queries" / "prefix.txt")) {
    prefixes.push_back(parsed_or_die(server::parse_suggest_params(params_of(path)), path));
    search::SearchRequest typed;  // the search the box runs on the same keystroke
    typed.q = prefixes.back().q;
    prefix_searches.push_back(std::move(typed));
  }

  search::IndexService service(index_root);
  const auto gen = service.current();
  if (!gen) usage_error("no index at " + index_root.string() + ": " + service.status().problem);
  analysis::Analyzer analyzer;
  auto lease = gen->lease();
  if (!lease.ok()) usage_error(lease.status().message());
  Xapian::Database& db = lease->db();

  std::printf("index %s: %zu documents; %zu searches, %zu prefixes, %zu browses; %d timed rounds after one warm-up\n\n",
              gen->info().name.c_str(), gen->info().documents, searches.size(), prefixes.size(), browses.size(),
              rounds);

  // Every set is run once untimed (warm caches), then `rounds` times timed.
  auto time_each = [&](const auto& items, auto&& once) {
    Latencies l;
    for (int round = 0; round <= rounds; ++round)
      for (const auto& item : items) {
        const auto start = Clock::now();
        once(item);
        if (round > 0) l.ms.push_back(ms_since(start));
      }
    return l;
  };
  // Two ways of answering the same items, timed item by item in turn, which goes first alternating by
  // item and round: timed set after set, minutes apart, the machine's drift showed in their ratio.
  auto time_pair = [&](const auto& items, auto&& a, auto&& b) {
    std::pair<Latencies, Latencies> l;
    for (int round = 0; round <= rounds; ++round)
      for (std::size_t i = 0; i < items.size(); ++i)
        for (int turn = 0; turn < 2; ++turn) {
          const bool runs_a = (turn == 0) == ((round + i) % 2 == 0);
          const auto start = Clock::now();
          if (runs_a) a(items[i]); else b(items[i]);
          if (round > 0) (runs_a ? l.first : l.second).ms.push_back(ms_since(start));
        }
    return l;
  };
  auto ours_search = [&](const search::SearchRequest& r) {
    search::Searcher searcher(gen, analyzer);
    auto answer = searcher.search(r);
    if (!answer.ok()) std::fprintf(stderr, "search '%s': %s\n", r.q.c_str(), answer.status().message().c_str());
  };
  auto ours_suggest = [&](const server::SuggestRequest& r) {
    search::Searcher searcher(gen, analyzer);
    auto answer = searcher.suggest(r.q, r.limit);
    if (!answer.ok()) std::fprintf(stderr, "suggest '%s': %s\n", r.q.c_str(), answer.status().message().c_str());
  };
  auto floor = [&](const search::SearchRequest& r) { floor_search(db, *gen, analyzer, r); };

  std::vector<Row> rows(4);
  rows[0].name = "(a) full search";
  rows[1].name = "(b) prefix: suggest";
  rows[2].name = "(b) prefix: search";
  rows[3].name = "(c) filtered browse";
  // A sharded index has no facet table (generation.h): the floor is a single database's.
  const bool with_floor = gen->facet_table() != nullptr;
  const std::vector<std::pair<Row*, const std::vector<search::SearchRequest>*>> against_floor{
      {&rows[0], &searches}, {&rows[2], &prefix_searches}, {&rows[3], &browses}};
  for (const auto& [row, items] : against_floor) {
    if (with_floor) {
      std::tie(row->ours, row->floor) = time_pair(*items, ours_search, floor);
    } else {
      row->ours = time_each(*items, ours_search);
    }
  }
  rows[1].ours = time_each(prefixes, ours_suggest);

  // The facet counts of riskatlas against the floor's, for every answer that is neither relaxed nor
  // corrected (those widen or change the match set on purpose). Under fewer than kRelaxBelow records
  // the filtered facets may count what ticking shows (relaxation.h, count_as_ticked), which the floor
  // does not model: not compared there (some of those answers count on the match, and could be).
  std::size_t compared = 0, differ = 0;
  std::string first_difference;
  for (const auto* set : {&searches, &browses}) {
    if (!with_floor) break;
    for (const auto& r : *set) {
      search::Searcher searcher(gen, analyzer);
      auto answer = searcher.search(r);
      if (!answer.ok() || answer->relaxation || answer->corrected) continue;
      ++compared;
      const bool as_ticked = !r.q.empty() && answer->total < search::ranking::kRelaxBelow;
      if (!same_counts(*answer, floor_search(db, *gen, analyzer, r), as_ticked ? r.filters : search::FacetFilters{})) {
        if (differ++ == 0) first_difference = r.q;
      }
    }
  }

  double load_s = 0, fts5_build_s = 0;
  std::size_t fts5_records = 0;
  if (fts5) {
    auto start = Clock::now();
    load::CorpusOptions options;
    options.corpus_dir = corpus;
    auto loaded = load::load_corpus(options);
    if (!loaded.ok()) usage_error(loaded.status().message());
    load_s = ms_since(start) / 1000;
    const auto& atlas = loaded->atlas;
    fts5_records = atlas.risks.size() + atlas.techniques.size() + atlas.mitigations.size();
    start = Clock::now();
    auto peer = eval::Fts5Peer::build(atlas, true);
    if (!peer.ok()) usage_error(peer.status().message());
    fts5_build_s = ms_since(start) / 1000;
    auto peer_search = [&](const search::SearchRequest& r, bool prefix) {
      auto answer = (*peer)->search_faceted(r.q, r.filters, r.per_page, prefix);
      if (!answer.ok()) std::fprintf(stderr, "fts5 '%s': %s\n", r.q.c_str(), answer.status().message().c_str());
    };
    rows[0].peer = time_each(searches, [&](const auto& r) { peer_search(r, false); });
    rows[2].peer = time_each(prefix_searches, [&](const auto& r) { peer_search(r, true); });
    rows[3].peer = time_each(browses, [&](const auto& r) { peer_search(r, false); });
  }

  std::printf("| benchmark | n | riskatlas p50 / p95 / p99 ms | floor p50 / p95 / p99 ms | FTS5 p50 / p95 / p99 ms | "
              "ours/floor p50 / p99 | ours/FTS5 p50 / p99 |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (std::size_t i = 0; i < rows.size(); ++i) print_row(rows[i], with_floor && i != 1, fts5 && i != 1);
  std::printf("\nfacet counts, riskatlas against the floor: %zu answers compared (neither relaxed nor corrected), %zu differ%s%s\n",
              compared, differ, differ ? "; first: q=" : "", first_difference.c_str());
  if (fts5)
    std::printf("FTS5 (in memory): corpus loaded in %.1f s, %zu records inserted and indexed in %.1f s: %.0f records/s "
                "(%.0f records/s with the load)\n",
                load_s, fts5_records, fts5_build_s, static_cast<double>(fts5_records) / std::max(fts5_build_s, 1e-9),
                static_cast<double>(fts5_records) / std::max(fts5_build_s + load_s, 1e-9));
  return 0;
}
