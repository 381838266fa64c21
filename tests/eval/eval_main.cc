// riskatlas-eval: known-item retrieval quality of riskatlas beside SQLite FTS5 on the same records.
// A benchmark with optional floors, run by the eval.* tests through tests/eval/run_eval.sh.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "analysis/analyzer.h"
#include "eval/fts5_peer.h"
#include "eval/query_set.h"
#include "eval/scorecard.h"
#include "load/corpus.h"
#include "search/index_service.h"
#include "search/searcher.h"
#include "util/command_line.h"

namespace {

namespace fs = std::filesystem;
using namespace riskatlas;
using namespace riskatlas::eval;

enum Exit : int {
  kOk = 0,
  kBelowFloor = 1,  // a --min-*/--max-* floor failed
  kBadInput = 2,    // bad command line, unreadable index or corpus, malformed or stale query file
};

constexpr const char* kHelp = R"(usage: riskatlas-eval --index ROOT --corpus DIR [--links FILE] --queries FILE [--queries FILE ...]
                      [--min-mrr X] [--max-zero-rate Y] [--min-fts-margin Z] [--verbose]

Measures known-item retrieval: for each query, where the sought record lands in the top 10 of
riskatlas (the index ROOT, searched as typed) and of SQLite FTS5 over the same records (the corpus
DIR, loaded as riskatlas-index loads it), with every token required (fts5-and) or any (fts5-or).
Prints MRR@10, success@10, success@1 and zero-hit rates per system, MRR@10 per kind of query, and
riskatlas's margin over the better FTS5 mode, per query file and overall.

query files: UTF-8 TSV; lines starting with '#' and blank lines are skipped; every other line is
  query<TAB>id [id ...]<TAB>kind
with the relevant record ids (the first is the one sought) and kind one of keyword, paraphrase,
question, abbreviation, misspelling. Every id must be in the corpus.

options:
  --index ROOT         index root (or one generation directory) built from DIR
  --corpus DIR         corpus folder, as for riskatlas-index
  --links FILE         links file, as for riskatlas-index
  --queries FILE       a query file (repeatable)
  --min-mrr X          fail when riskatlas MRR@10 over all queries is below X (0 to 1)
  --max-zero-rate Y    fail when riskatlas answers nothing to more than this share of the queries
                       that share a word with the corpus (0 to 1; 0.05 = 5%)
  --min-fts-margin Z   fail when riskatlas MRR@10 / best FTS5 MRR@10 - 1 is below Z (0.25 = +25%)
  --verbose            list each query riskatlas misses or ranks below fts5-or
  --help               this text

exit codes:
  0  figures printed, every floor met
  1  a floor failed (named on its own line)
  2  bad command line, unusable index or corpus, malformed query file or an id not in the corpus
)";

struct Options {
  fs::path index_root;
  load::CorpusOptions corpus;
  std::vector<fs::path> query_files;
  std::optional<double> min_mrr;
  std::optional<double> max_zero_rate;
  std::optional<double> min_fts_margin;
  bool verbose = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "riskatlas-eval: " << message << "\n(see riskatlas-eval --help)\n";
  std::exit(kBadInput);
}

[[noreturn]] void input_error(const Status& status) {
  std::cerr << "riskatlas-eval: " << status.message() << "\n";
  std::exit(kBadInput);
}

Options parse_args(int argc, char** argv) {
  Options o;
  CommandLine args(argc, argv, usage_error);
  while (args.next()) {
    if (args.is("--help") || args.is("-h")) {
      std::cout << kHelp;
      std::exit(kOk);
    } else if (args.is("--index")) {
      o.index_root = args.value();
    } else if (args.is("--corpus")) {
      o.corpus.corpus_dir = args.value();
    } else if (args.is("--links")) {
      o.corpus.links_file = fs::path(args.value());
    } else if (args.is("--queries")) {
      o.query_files.emplace_back(args.repeatable_value());
    } else if (args.is("--min-mrr")) {
      o.min_mrr = args.number(0.0, 1.0);
    } else if (args.is("--max-zero-rate")) {
      o.max_zero_rate = args.number(0.0, 1.0);
    } else if (args.is("--min-fts-margin")) {
      o.min_fts_margin = args.number(-1.0, 1e6);
    } else if (args.is("--verbose")) {
      o.verbose = true;
    } else {
      usage_error("unknown option " + args.flag());
    }
  }
  if (o.index_root.empty()) usage_error("--index ROOT is required");
  if (o.corpus.corpus_dir.empty()) usage_error("--corpus DIR is required");
  if (o.query_files.empty()) usage_error("at least one --queries FILE is required");
  return o;
}

// The engines under test, over the same records.
struct Engines {
  std::shared_ptr<const search::Generation> generation;
  analysis::Analyzer analyzer;
  std::unique_ptr<Fts5Peer> fts5;
};

std::size_t rank_of(const std::vector<std::string>& ids, const KnownItemQuery& query) {
  for (std::size_t i = 0; i < ids.size() && i < kTopK; ++i)
    for (const auto& relevant : query.relevant)
      if (ids[i] == relevant) return i + 1;
  return 0;
}

// riskatlas's top ids for the query as typed. A query riskatlas refuses (InvalidArgument: too
// long, a wildcard too broad) is what a user would see as no answer, so it counts as zero hits.
Result<std::vector<std::string>> riskatlas_top(Engines& engines, const KnownItemQuery& query,
                                               const std::string& where) {
  search::SearchRequest request;
  request.q = query.text;
  request.per_page = kTopK;
  request.page = 1;
  search::Searcher searcher(engines.generation, engines.analyzer);
  auto response = searcher.search(request);
  std::vector<std::string> ids;
  if (!response.ok()) {
    if (response.status().code() != StatusCode::kInvalidArgument) return response.status();
    std::cerr << "riskatlas-eval: " << where << ": riskatlas refused the query (counted as no hits): "
              << response.status().message() << "\n";
    return ids;
  }
  for (const auto& hit : response->hits) ids.push_back(hit.id);
  return ids;
}

Result<std::vector<QueryOutcome>> measure(Engines& engines, const QuerySet& set) {
  std::vector<QueryOutcome> outcomes;
  for (const auto& query : set.queries) {
    const std::string where = set.file.string() + ":" + std::to_string(query.line);
    QueryOutcome o;
    o.query = &query;
    auto ours = riskatlas_top(engines, query, where);
    if (!ours.ok()) return Status::Unavailable(where + ": " + ours.status().message());
    o.rank[kRiskatlas] = rank_of(*ours, query);
    o.zero_hit[kRiskatlas] = ours->empty();
    o.riskatlas_top = std::move(ours.value());
    for (auto [system, mode] : {std::pair{kFts5And, Fts5Mode::kAnd}, std::pair{kFts5Or, Fts5Mode::kOr}}) {
      auto theirs = engines.fts5->search(query.text, mode, kTopK);
      if (!theirs.ok()) return Status::Internal(where + ": " + theirs.status().message());
      o.rank[system] = rank_of(*theirs, query);
      o.zero_hit[system] = theirs->empty();
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// One line per failed floor, empty when every floor given is met.
std::vector<std::string> failed_floors(const Options& options, const Figures& f) {
  std::vector<std::string> failed;
  char line[256];
  const auto& ours = f.system[kRiskatlas];
  if (options.min_mrr && ours.mrr < *options.min_mrr) {
    std::snprintf(line, sizeof line, "FAILED --min-mrr: riskatlas MRR@10 %.3f is below %.3f", ours.mrr,
                  *options.min_mrr);
    failed.push_back(line);
  }
  if (options.max_zero_rate && ours.zero_hit_rate_shared > *options.max_zero_rate) {
    std::snprintf(line, sizeof line,
                  "FAILED --max-zero-rate: riskatlas answers nothing to %.1f%% of the queries sharing a word "
                  "with the corpus, more than %.1f%%",
                  ours.zero_hit_rate_shared * 100, *options.max_zero_rate * 100);
    failed.push_back(line);
  }
  // NaN (no system finds anything) fails: there is no margin to speak of.
  if (options.min_fts_margin && !(f.margin >= *options.min_fts_margin)) {
    std::snprintf(line, sizeof line, "FAILED --min-fts-margin: margin over FTS5 %s is below %s",
                  format_margin(f.margin).c_str(), format_margin(*options.min_fts_margin).c_str());
    failed.push_back(line);
  }
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_args(argc, argv);

  std::vector<QuerySet> sets;
  for (const auto& file : options.query_files) {
    auto set = load_query_set(file);
    if (!set.ok()) input_error(set.status());
    sets.push_back(std::move(set.value()));
  }

  auto corpus = load::load_corpus(options.corpus);
  if (!corpus.ok()) input_error(corpus.status());
  const model::Atlas& atlas = corpus->atlas;
  std::unordered_set<std::string> known_ids;
  for (const auto& r : atlas.risks) known_ids.insert(r.id);
  for (const auto& t : atlas.techniques) known_ids.insert(t.id);
  for (const auto& m : atlas.mitigations) known_ids.insert(m.id);
  for (const auto& set : sets)
    if (Status s = check_ids(set, known_ids); !s.ok()) input_error(s);

  Engines engines;
  search::IndexService service(options.index_root);
  engines.generation = service.current();
  if (!engines.generation)
    input_error(Status::Unavailable(options.index_root.string() + ": no index: " + service.status().problem));
  auto fts5 = Fts5Peer::build(atlas);
  if (!fts5.ok()) input_error(fts5.status());
  engines.fts5 = std::move(fts5.value());

  const auto& info = engines.generation->info();
  std::printf("riskatlas-eval: index %s (%zu documents), corpus %s (%zu records: %zu risks, %zu techniques, "
              "%zu mitigations)\n",
              info.name.c_str(), info.documents, options.corpus.corpus_dir.c_str(), known_ids.size(),
              atlas.risks.size(), atlas.techniques.size(), atlas.mitigations.size());
  if (info.documents != known_ids.size())
    std::fprintf(stderr, "riskatlas-eval: warning: the index holds %zu documents but the corpus %zu records; "
                 "was it built from this corpus?\n", info.documents, known_ids.size());

  std::vector<QueryOutcome> all;
  for (const auto& set : sets) {
    auto outcomes = measure(engines, set);
    if (!outcomes.ok()) input_error(outcomes.status());
    print_figures(stdout, set.file.string(), summarize(*outcomes));
    if (options.verbose) print_losses(stdout, set, *outcomes);
    all.insert(all.end(), outcomes->begin(), outcomes->end());
  }
  const Figures overall = summarize(all);
  if (sets.size() > 1) print_figures(stdout, "overall (" + std::to_string(sets.size()) + " query files)", overall);

  std::printf("\n");
  const auto failed = failed_floors(options, overall);
  for (const auto& line : failed) std::printf("%s\n", line.c_str());
  const auto& ours = overall.system[kRiskatlas];
  std::printf("riskatlas-eval: %zu queries, MRR@10 %.3f (fts5-and %.3f, fts5-or %.3f, margin %s), zero-hit %.1f%% (word-sharing queries)%s\n",
              overall.queries, ours.mrr, overall.system[kFts5And].mrr, overall.system[kFts5Or].mrr,
              format_margin(overall.margin).c_str(), ours.zero_hit_rate_shared * 100,
              failed.empty() ? "" : ", FAILED");
  return failed.empty() ? kOk : kBelowFloor;
}
