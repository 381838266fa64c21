// riskatlas-index: loads a corpus, builds a new index generation, verifies it and makes it live.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "index/generations.h"
#include "index/index_writer.h"
#include "index/verify.h"
#include "load/corpus.h"
#include "util/command_line.h"
#include "util/version.h"

namespace {

namespace fs = std::filesystem;
using namespace riskatlas;

// Exit codes, documented in --help and the README.
enum Exit : int {
  kOk = 0,
  kUsage = 1,          // bad command line
  kBadInput = 2,       // corpus unusable: nothing was touched
  kBusy = 3,           // another reindex holds the lock on ROOT
  kShrinkRefused = 4,  // new build much smaller than the live one; old generation stays live
  kBuildFailed = 5,    // writing or verifying the new generation failed (disk full, permissions, ...)
};

constexpr const char* kHelp = R"(Usage: riskatlas-index --corpus DIR --index ROOT [options]

Loads a corpus folder (an AI Risk Repository CSV export, an ATLAS YAML distribution, JSON Lines
records and a links file), builds a new index generation inside ROOT, verifies it, and makes it live
with one atomic rename of ROOT/live.stub. The server follows live.stub without restarting.

Options:
  --corpus DIR      corpus folder: *.csv, *.yaml/*.yml, *.jsonl, links.yaml|links.csv,
                    synonyms.yaml
  --index ROOT      index root; created if missing; generations live in ROOT/gen-*
  --extra FILE      an extra JSON Lines file of records (repeatable)
  --links FILE      links file to use instead of DIR/links.{yaml,yml,csv}
  --synonyms FILE   search vocabulary to use instead of DIR/synonyms.yaml
  --shards N        write the generation as N shard databases (1-64, default 1), records assigned
                    by a stable hash of their id and written by one thread per core; a stub file
                    (GENERATION/XAPIANDB) lists them after the vocabulary database (README, "Sharding")
  --jobs N          cores to build on (1-64, default all): one database of more than 25,000
                    records is built in parts, a thread a core, then merged (README, "Indexing")
  --keep K          generations to keep, the live one included (default 2)
  --min-ratio R     refuse to publish when the new build has fewer than R x the live record
                    count, or of any type the live index holds 20 or more of (default 0.5);
                    guards against truncated downloads
  --force           publish even when --min-ratio would refuse
  --if-missing      build only when ROOT has no live index yet (no live.stub); otherwise exit 0
                    at once, touching nothing. For a service's first start
  --check           load and validate the corpus, print the summary, touch nothing
  --quiet           print only warnings and errors, no progress or summary
  --version         print the version and exit
  --help            this text

Exit codes:
  0  success (or --check passed)
  1  bad command line
  2  the corpus cannot be used (missing folder, wrong header, not ATLAS, ...); nothing touched
  3  another reindex is running on ROOT
  4  refused by --min-ratio: the live generation stays live (--force overrides);
     a live generation that cannot be read is replaced
  5  building or verifying the new generation failed; the live generation stays live
)";

struct Options {
  load::CorpusOptions corpus;
  fs::path index_root;
  std::size_t keep = 2;
  std::size_t shards = 1;
  std::size_t jobs = 0;  // 0: every core
  double min_ratio = 0.5;
  bool force = false;
  bool check = false;
  bool quiet = false;
  bool if_missing = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "riskatlas-index: " << message << "\n(see riskatlas-index --help)\n";
  std::exit(kUsage);
}

Options parse_args(int argc, char** argv) {
  Options o;
  bool have_corpus = false;
  CommandLine args(argc, argv, usage_error);
  while (args.next()) {
    if (args.is("--help") || args.is("-h")) {
      std::cout << kHelp;
      std::exit(kOk);
    } else if (args.is("--version")) {
      std::cout << "riskatlas-index " << version() << '\n';
      std::exit(kOk);
    } else if (args.is("--corpus")) {
      o.corpus.corpus_dir = args.value();
      have_corpus = true;
    } else if (args.is("--index")) {
      o.index_root = args.value();
    } else if (args.is("--extra")) {
      o.corpus.extra_jsonl.emplace_back(args.repeatable_value());
    } else if (args.is("--links")) {
      o.corpus.links_file = fs::path(args.value());
    } else if (args.is("--synonyms")) {
      o.corpus.synonyms_file = fs::path(args.value());
    } else if (args.is("--shards")) {
      o.shards = static_cast<std::size_t>(args.whole_number(1, 64));
    } else if (args.is("--jobs")) {
      o.jobs = static_cast<std::size_t>(args.whole_number(1, 64));
    } else if (args.is("--keep")) {
      o.keep = static_cast<std::size_t>(args.whole_number(1, 100));
    } else if (args.is("--min-ratio")) {
      o.min_ratio = args.number(0.0, 1.0);
    } else if (args.is("--force")) {
      o.force = true;
    } else if (args.is("--check")) {
      o.check = true;
    } else if (args.is("--quiet")) {
      o.quiet = true;
    } else if (args.is("--if-missing")) {
      o.if_missing = true;
    } else {
      usage_error("unknown option " + args.flag());
    }
  }
  if (!have_corpus) usage_error("--corpus DIR is required");
  if (o.index_root.empty() && !o.check) usage_error("--index ROOT is required (or --check)");
  return o;
}

void print_summary(const load::LoadReport& report) {
  const auto& s = report.stats;
  std::cout << "loaded: " << s.risks << " risks (" << s.evidence_merged << " additional-evidence rows merged, "
            << s.sources << " sources), " << s.tactics << " tactics, " << s.techniques << " techniques, "
            << s.mitigations << " mitigations, " << s.case_studies << " case studies (" << s.procedure_steps
            << " procedure steps), " << s.jsonl_records << " JSON Lines records, " << s.links
            << " links, " << s.synonym_groups << " synonym groups; " << s.skipped << " records skipped, " << report.warnings.size() << " warnings\n";
}

nlohmann::json build_info(const load::LoadReport& report) {
  const auto& s = report.stats;
  return {{"load",
           {{"csv_rows", s.csv_rows},
            {"sources", s.sources},
            {"risks", s.risks},
            {"evidence_merged", s.evidence_merged},
            {"tactics", s.tactics},
            {"techniques", s.techniques},
            {"mitigations", s.mitigations},
            {"case_studies", s.case_studies},
            {"procedure_steps", s.procedure_steps},
            {"links", s.links},
            {"synonym_groups", s.synonym_groups},
            {"jsonl_records", s.jsonl_records},
            {"skipped", s.skipped},
            {"warnings", report.warnings.size()}}}};
}

// Test hook: RISKATLAS_FAULT=pause-after:N sleeps a minute after the N-th document (so a test can
// SIGKILL a build in progress); exit-after:N dies at once like a killed process.
std::function<void(std::size_t, std::size_t)> fault_hook() {
  const char* fault = std::getenv("RISKATLAS_FAULT");
  if (fault == nullptr) return {};
  const std::string f = fault;
  const auto colon = f.find(':');
  const std::string kind = f.substr(0, colon);
  const std::size_t at = colon == std::string::npos ? 1 : std::strtoul(f.c_str() + colon + 1, nullptr, 10);
  return [kind, at](std::size_t done, std::size_t) {
    if (done != at) return;
    if (kind == "exit-after") ::_exit(137);
    if (kind == "pause-after") {
      std::cerr << "paused after " << done << " documents" << std::endl;
      std::this_thread::sleep_for(std::chrono::seconds(60));
    }
  };
}

// The generation being written, for on_terminate(); empty outside write_database().
fs::path g_building;

// Xapian 1.4.22 can end the process from inside WritableDatabase::commit() when the disk fills during
// a build on several threads: its exception unwinds through a frame of the library that allows none,
// and std::terminate runs. What a failed build does is then done here: the partial generation is
// removed, the cause said, and the exit status is a failed build's; the live index is untouched.
[[noreturn]] void on_terminate() {
  std::string why = "the index writer ended unexpectedly";
  if (const std::exception_ptr error = std::current_exception()) {
    try {
      std::rethrow_exception(error);
    } catch (const Xapian::Error& e) {
      why = e.get_description();
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
    }
  }
  std::error_code ec;
  if (!g_building.empty()) fs::remove_all(g_building, ec);
  std::cerr << "riskatlas-index: building the new generation failed: " << why << "\nthe live index was not changed"
            << std::endl;
  ::_exit(kBuildFailed);
}

// --if-missing: true when the root has a live index, or a broken live pointer, to leave alone.
// Decided before loading the corpus, so a service start with an index costs nothing. Not under the
// lock: a concurrent reindex at worst publishes one more generation.
bool leave_live_alone(const Options& opt) {
  const index::IndexRoot root(opt.index_root);
  const auto live = root.live_generation();
  if (live.ok()) {
    if (!opt.quiet)
      std::cout << opt.index_root.string() << " already has a live index (" << live->filename().string()
                << "); nothing to do (--if-missing)\n";
    return true;
  }
  if (live.status().code() != StatusCode::kNotFound) {
    std::cerr << "riskatlas-index: warning: " << live.status().message()
              << "; not replaced because of --if-missing (a run without it, with --force, replaces it)\n";
    return true;
  }
  return false;
}

index::WriteOptions write_options_for(const Options& opt, const load::LoadReport& report) {
  index::WriteOptions options;
  options.build_info = build_info(report);
  options.shards = opt.shards;
  options.threads = opt.jobs;
  if (!opt.quiet) {
    options.progress = [](std::size_t done, std::size_t total) {
      std::cerr << "indexed " << done << " / " << total << " records\n";
    };
  }
  if (auto fault = fault_hook()) {
    options.progress = std::move(fault);
    options.progress_every = 1;
  }
  return options;
}

// The shrink guard, unless --force: true, said, when the new build has fewer than --min-ratio times
// the live index's records, in all or of one type.
bool shrink_refused(const index::IndexRoot& root, const index::WriteSummary& written, const Options& opt) {
  const auto live_size = index::live_size(root);
  // A live index that cannot be read has nothing left to protect: replacing it is the recovery.
  if (!live_size.ok())
    std::cerr << "riskatlas-index: warning: the live index cannot be read (" << live_size.status().message()
              << "); replacing it\n";
  if (!live_size.ok() || !*live_size || opt.force) return false;
  const auto refuse = [&](std::size_t built, std::string_view of_type, std::size_t live) {
    std::cerr << "riskatlas-index: refusing to publish: the new build has " << built << " records" << of_type
              << ", the live index " << live << " (below --min-ratio " << opt.min_ratio
              << "); use --force if this is intended\n";
    return true;
  };
  const index::LiveSize& live = **live_size;
  if (static_cast<double>(written.documents) < opt.min_ratio * static_cast<double>(live.documents))
    return refuse(written.documents, "", live.documents);
  if (const auto type = index::shrunk_type(written.by_type, live.by_type, opt.min_ratio)) {
    const auto built = written.by_type.find(*type);
    return refuse(built == written.by_type.end() ? 0 : built->second, " of type " + *type, live.by_type.at(*type));
  }
  return false;
}

void print_result(const index::WriteSummary& written, const fs::path& generation, std::size_t old_generations,
                  double seconds) {
  std::cout << "indexed: " << written.documents << " records (";
  const char* sep = "";
  for (const auto& [type, n] : written.by_type) {
    std::cout << sep << n << ' ' << type;
    sep = ", ";
  }
  std::cout << "), " << written.links << " risk-technique links";
  if (!written.shard_documents.empty()) {
    std::cout << "; records per shard:";
    for (const std::size_t n : written.shard_documents) std::cout << ' ' << n;
  }
  std::cout << "\n"
            << "live: " << generation.filename().string() << " (uuid " << written.uuid << "), " << old_generations
            << " old generations removed, " << seconds << " s\n";
}

int run(const Options& opt) {
  const auto started = std::chrono::steady_clock::now();
  if (opt.if_missing && !opt.check && leave_live_alone(opt)) return kOk;
  auto loaded = load::load_corpus(opt.corpus);
  if (!loaded.ok()) {
    std::cerr << "riskatlas-index: " << loaded.status().message() << '\n';
    return kBadInput;
  }
  load::LoadReport& report = loaded.value();
  for (const auto& w : report.warnings) std::cerr << "warning: " << w.to_string() << '\n';
  if (!opt.quiet) print_summary(report);
  if (opt.check) return kOk;

  std::error_code ec;
  fs::create_directories(opt.index_root, ec);
  if (ec || !fs::is_directory(opt.index_root)) {
    std::cerr << "riskatlas-index: cannot create index root " << opt.index_root.string() << ": " << ec.message()
              << '\n';
    return kBuildFailed;
  }
  const index::IndexRoot root(fs::absolute(opt.index_root).lexically_normal());
  auto lock = index::ReindexLock::acquire(root.path());
  if (!lock.ok()) {
    std::cerr << "riskatlas-index: " << lock.status().message() << '\n';
    return lock.status().code() == StatusCode::kUnavailable ? kBusy : kBuildFailed;
  }
  // What a run cannot remove (a generation a root-run build left in the service user's root) stays
  // on disk until an operator removes it: said at every run rather than left to fill the disk.
  std::vector<fs::path> removed;
  std::set<fs::path> told;
  auto remove_stale = [&](const std::vector<fs::path>& never_live) {
    auto removal = root.remove_stale(opt.keep, never_live);
    for (const auto& failure : removal.failures)
      if (told.insert(failure.path).second)
        std::cerr << "riskatlas-index: warning: cannot remove " << failure.path.string() << ": " << failure.reason
                  << "; remove it by hand\n";
    removed.insert(removed.end(), removal.removed.begin(), removal.removed.end());
  };
  remove_stale({});
  // While nothing is live, the generations there are were left by interrupted runs (kept until now
  // for an operator to inspect): once this one is live, none of them is one to roll back to.
  std::vector<fs::path> never_live;
  if (!root.live_generation().ok()) never_live = root.generations();

  index::PendingGeneration generation(root);  // removed on every return below but the last
  Diagnostics index_warnings;
  g_building = generation.path();
  const std::terminate_handler previous = std::set_terminate(on_terminate);
  auto written =
      index::write_database(report.atlas, generation.path(), write_options_for(opt, report), index_warnings);
  std::set_terminate(previous);
  g_building.clear();
  for (const auto& w : index_warnings) std::cerr << "warning: " << w.to_string() << '\n';
  if (!written.ok()) {
    std::cerr << "riskatlas-index: building the new generation failed: " << written.status().message()
              << "\nthe live index was not changed\n";
    return kBuildFailed;
  }
  if (Status s = index::verify_generation(generation.path(), *written, report.atlas); !s.ok()) {
    std::cerr << "riskatlas-index: verification failed: " << s.message() << "\nthe live index was not changed\n";
    return kBuildFailed;
  }
  if (shrink_refused(root, *written, opt)) return kShrinkRefused;
  if (Status s = generation.publish(); !s.ok()) {
    std::cerr << "riskatlas-index: publishing failed: " << s.message() << "\nthe live index was not changed\n";
    return kBuildFailed;
  }
  remove_stale(never_live);
  if (!opt.quiet) {
    const auto old_generations = std::count_if(removed.begin(), removed.end(), [](const fs::path& p) {
      return p.extension() != ".tmp";  // the rest are generation directories
    });
    print_result(*written, generation.path(), static_cast<std::size_t>(old_generations),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_args(argc, argv);
  try {
    return run(options);
  } catch (const Xapian::Error& e) {
    std::cerr << "riskatlas-index: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "riskatlas-index: " << e.what() << '\n';
  }
  return kBuildFailed;
}
