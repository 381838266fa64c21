// Sharded indexes answer exactly as one database: local shards (a generation built with --shards N)
// and shards served by real xapian-tcpsrv processes on loopback, over the relevance query sets with
// and without facet filters; a shard server killed mid-run gives 503s and /healthz names it, and the
// server answers again once it is back, without a restart.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <httplib.h>

#include "api_json.h"
#include "index/index_writer.h"
#include "index/shards.h"
#include "load/corpus.h"
#include "process.h"
#include "search/fixture.h"
#include "search/index_service.h"
#include "search/searcher.h"
#include "server/server_fixture.h"
#include "test_support.h"

namespace riskatlas::testing {
namespace {

namespace fs = std::filesystem;

// The queries of a relevance query set (tests/eval/*.tsv): the first column of each line.
std::vector<std::string> eval_queries(const fs::path& tsv) {
  std::vector<std::string> out;
  std::ifstream in(tsv);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

// Every k-th query of `queries`, k from RISKATLAS_SHARD_SAMPLE (default 1: all). The sanitizer pass
// of .ci/test samples the comparisons, which the release pass makes in full: there they were half of
// the pass's time (the real-data one 12 minutes unsampled).
std::vector<std::string> sampled(const std::vector<std::string>& queries, std::size_t& every) {
  const char* k = std::getenv("RISKATLAS_SHARD_SAMPLE");
  every = k != nullptr && std::atoi(k) > 1 ? static_cast<std::size_t>(std::atoi(k)) : 1;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < queries.size(); i += every) out.push_back(queries[i]);
  return out;
}

// Builds `atlas` into `dir` with `shards` shards; throws on failure.
void build(const model::Atlas& atlas, const fs::path& dir, std::size_t shards) {
  index::WriteOptions options;
  options.shards = shards;
  Diagnostics warnings;
  auto written = index::write_database(atlas, dir, options, warnings);
  if (!written.ok()) throw std::runtime_error(written.status().to_string());
}

model::Atlas load(const fs::path& corpus, const std::optional<fs::path>& links = std::nullopt) {
  load::CorpusOptions options;
  options.corpus_dir = corpus;
  if (links) options.links_file = *links;
  if (links) options.synonyms_file = corpus_dir() / "synonyms.yaml";
  auto report = load::load_corpus(options);
  if (!report.ok()) throw std::runtime_error(report.status().to_string());
  return std::move(report->atlas);
}

// Everything an answer shows but the generation's name and the time it took.
std::string comparable(server::OrderedJson j) {
  j.erase("generation");
  j.erase("took_ms");
  return j.dump();
}

// Where two answers first differ, with some context, so a failure reads at a glance.
std::string difference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) return "same";
  const std::size_t from = i < 80 ? 0 : i - 80;
  return "single: ..." + a.substr(from, 200) + "\nsharded: ..." + b.substr(from, 200);
}

struct Answers {
  search::Searcher& searcher;
  std::string search(const search::SearchRequest& request) {
    auto r = searcher.search(request);
    if (!r.ok()) return "error: " + r.status().to_string();
    return comparable(server::search_json(*r));
  }
  std::string record(const std::string& id) {
    auto r = searcher.record(id);
    return r.ok() ? comparable(server::record_json(*r, "")) : "error: " + r.status().to_string();
  }
  std::string related(const std::string& id) {
    auto r = searcher.related(id);
    return r.ok() ? comparable(server::related_json(id, *r, "")) : "error: " + r.status().to_string();
  }
  std::string suggest(const std::string& prefix) {
    auto r = searcher.suggest(prefix);
    return r.ok() ? comparable(server::suggest_json(prefix, *r, "")) : "error: " + r.status().to_string();
  }
};

// The requests compared: every query alone, with a type filter, and with a filter on a facet the
// single-database answer offers (its second facet's top value, its last, and one it lacks), so
// disjunctive counts are compared too, some counted as ticked (relaxation.h, count_as_ticked).
std::vector<search::SearchRequest> requests_for(const std::vector<std::string>& queries, search::Searcher& single) {
  std::vector<search::SearchRequest> out;
  const auto every = single.all_facets();
  REQUIRE(every.ok());
  for (const auto& q : queries) {
    search::SearchRequest plain;
    plain.q = q;
    plain.per_page = 20;
    out.push_back(plain);
    search::SearchRequest typed = plain;
    typed.filters["type"] = {"risk", "technique"};
    out.push_back(typed);
    auto r = single.search(plain);
    if (r.ok() && r->facets.size() > 1 && !r->facets[1].values.empty()) {
      const auto& facet = r->facets[1];
      std::vector<std::string> picked{facet.values.front().value, facet.values.back().value};
      // A value no record of the answer holds: the filter leaves none at the answer's tier.
      for (const auto& f : *every)
        for (const auto& v : f.values)
          if (f.name == facet.name && picked.size() < 3 &&
              std::none_of(facet.values.begin(), facet.values.end(), [&](const auto& a) { return a.value == v.value; }))
            picked.push_back(v.value);
      if (picked[0] == picked[1]) picked.erase(picked.begin());
      for (const auto& value : picked) {
        search::SearchRequest faceted = plain;
        faceted.filters[facet.name] = {value};
        out.push_back(faceted);
      }
    }
  }
  search::SearchRequest browse;
  out.push_back(browse);
  browse.sort = search::SortOrder::kId;
  browse.page = 2;
  out.push_back(browse);
  return out;
}

// Compares every answer of `sharded` with `single`'s; returns how many requests were compared.
std::size_t compare_all(search::Searcher& single, search::Searcher& sharded, const std::vector<std::string>& queries) {
  Answers a{single}, b{sharded};
  std::size_t compared = 0;
  for (const auto& request : requests_for(queries, single)) {
    INFO("q=" << request.q << " filters=" << request.filters.size() << " page=" << request.page);
    const std::string expected = a.search(request);
    REQUIRE(expected.rfind("error", 0) != 0);
    CHECK(difference(expected, b.search(request)) == "same");
    ++compared;
  }
  std::set<std::string> ids;
  for (const auto& q : queries) {
    search::SearchRequest r;
    r.q = q;
    r.per_page = 3;
    if (auto found = single.search(r); found.ok())
      for (const auto& hit : found->hits) ids.insert(hit.id);
    const std::string prefix = q.substr(0, std::min<std::size_t>(q.size(), 4));
    CHECK(difference(a.suggest(prefix), b.suggest(prefix)) == "same");
  }
  for (const auto& id : ids) {
    INFO("record " << id);
    CHECK(difference(a.record(id), b.record(id)) == "same");
    CHECK(difference(a.related(id), b.related(id)) == "same");
  }
  return compared;
}

std::shared_ptr<const search::Generation> open_generation(const fs::path& where) {
  auto g = search::Generation::open(where, std::chrono::milliseconds(3000));
  if (!g.ok()) throw std::runtime_error(g.status().to_string());
  return g.value();
}

// ---- xapian-tcpsrv on loopback ----

std::string tcpsrv_path() {
  for (const char* p : {"/usr/bin/xapian-tcpsrv", "/usr/local/bin/xapian-tcpsrv"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

std::string require_tcpsrv() {
  std::string path = tcpsrv_path();
  if (path.empty()) {
    std::fprintf(stderr, "SKIPPED: xapian-tcpsrv is not installed (Debian package xapian-tools; .ci/deps installs it)\n");
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  return path;
}

// A port the kernel says is free now (the tiny window before xapian-tcpsrv binds it is harmless on
// a test machine; a clash fails loudly in wait_until_serving).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class ShardServer {
 public:
  ShardServer(fs::path db, int port) : db_(std::move(db)), port_(port) { start(); }
  void start() {
    process_ = std::make_unique<Process>(std::vector<std::string>{
        require_tcpsrv(), "--interface", "127.0.0.1", "--port", std::to_string(port_), db_.string()});
    // Ready once it accepts a connection and answers.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      try {
        Xapian::Remote::open("127.0.0.1", static_cast<unsigned>(port_), 2000, 2000).get_doccount();
        return;
      } catch (const Xapian::Error& e) {
        if (std::chrono::steady_clock::now() > deadline)
          throw std::runtime_error("xapian-tcpsrv did not start: " + e.get_description() + "\n" + process_->output());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  // Kills the server and the child it forked for each open connection (they would go on answering
  // the connections they hold): every process whose command line is this server's.
  void kill() {
    const std::string mine = "--port" + std::string(1, '\0') + std::to_string(port_) + std::string(1, '\0');
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string cmdline;
      try {
        std::ifstream in(entry.path() / "cmdline");
        cmdline.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      } catch (const std::ios_base::failure&) {
        continue;  // the process exited while we read its command line (ESRCH): nothing to kill
      }
      if (cmdline.find("xapian-tcpsrv") != std::string::npos && cmdline.find(mine) != std::string::npos)
        ::kill(static_cast<pid_t>(std::stol(name)), SIGKILL);
    }
    process_->wait();
  }
  int port() const { return port_; }

 private:
  fs::path db_;
  int port_;
  std::unique_ptr<Process> process_;
};

// A front stub: the sharded generation (standing for its vocabulary) and each shard as a remote.
fs::path write_front_stub(const fs::path& dir, const fs::path& generation, const std::vector<const ShardServer*>& servers) {
  const fs::path stub = dir / "front.stub";
  std::ofstream out(stub);
  out << "# vocabulary, then the shards in order\nauto " << generation.string() << '\n';
  for (const auto* s : servers) out << "remote 127.0.0.1:" << s->port() << '\n';
  return stub;
}

// An atlas built as two shards in a scratch directory, each shard served by its own xapian-tcpsrv, and
// the front stub naming them (the generation standing for its vocabulary).
struct RemoteShards {
  RemoteShards(const std::string& name, const model::Atlas& atlas)
      : dir(name), gen(built(atlas, dir.path() / "gen-sharded")), s0(gen / index::shard_name(0), free_port()),
        s1(gen / index::shard_name(1), free_port()), stub(write_front_stub(dir.path(), gen, {&s0, &s1})) {}
  // The shards exist before their servers start.
  static fs::path built(const model::Atlas& atlas, fs::path gen) {
    build(atlas, gen, 2);
    return gen;
  }
  ScratchDir dir;
  fs::path gen;
  ShardServer s0, s1;
  fs::path stub;
};

}  // namespace

TEST_CASE("shard_of is FNV-1a with stable values and every shard used", "[shards]") {
  // Pinned: a change would move records between shards of existing deployments.
  CHECK(index::shard_of("", 7) == 14695981039346656037ULL % 7);
  CHECK(index::shard_of("a", 1000) == 0xaf63dc4c8601ec8cULL % 1000);
  std::set<std::size_t> used;
  for (int i = 0; i < 200; ++i) used.insert(index::shard_of("AML.T" + std::to_string(i), 4));
  CHECK(used == std::set<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("stub parsing reads local and remote lines and comments and never a program remote", "[shards]") {
  auto parsed = index::parse_shard_stub("# c\nauto vocabulary\n\nglass /abs/shard-0\nremote 10.0.0.1:7001\n", "/base");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 3);
  CHECK(parsed->at(0).path == fs::path("/base/vocabulary"));
  CHECK(parsed->at(1).path == fs::path("/abs/shard-0"));
  CHECK(parsed->at(2).kind == index::ShardEntry::Kind::kRemote);
  CHECK(parsed->at(2).host == "10.0.0.1");
  CHECK(parsed->at(2).port == 7001);
  CHECK_FALSE(index::parse_shard_stub("remote :xapian-progsrv /db\n", "/").ok());
  CHECK_FALSE(index::parse_shard_stub("remote host:99999\n", "/").ok());
  CHECK_FALSE(index::parse_shard_stub("inmemory\n", "/").ok());
  CHECK_FALSE(index::parse_shard_stub("# nothing\n", "/").ok());
}

TEST_CASE("shard metadata reads back what the indexer writes and nothing from other text", "[shards]") {
  const auto shard = index::parse_shard_meta(index::shard_meta_text({"gen-a", 4, 2, true}));
  REQUIRE(shard.has_value());
  CHECK(shard->generation == "gen-a");
  CHECK(shard->shards == 4);
  CHECK(shard->shard == std::optional<std::size_t>(2));
  CHECK(shard->global_docids);
  const auto vocabulary = index::parse_shard_meta(index::shard_meta_text({"gen-a", 4, std::nullopt, false}));
  REQUIRE(vocabulary.has_value());
  CHECK_FALSE(vocabulary->shard.has_value());
  CHECK_FALSE(vocabulary->global_docids);
  // A generation of the first sharded builds: no "docids", so shard-local numbering.
  CHECK_FALSE(index::parse_shard_meta(R"({"generation":"g","shards":2,"shard":1})")->global_docids);
  CHECK(index::parse_shard_meta(R"({"generation":"g","shards":"two","shard":-1})")->shards == 0);
  CHECK_FALSE(index::parse_shard_meta("").has_value());  // a single database
  CHECK_FALSE(index::parse_shard_meta("[1,2]").has_value());
  CHECK_FALSE(index::parse_shard_meta("{not json").has_value());
}

TEST_CASE("a sharded generation holds every record once and the vocabulary first", "[shards]") {
  ScratchDir dir("shards-layout");
  const model::Atlas atlas = load(corpus_dir());
  build(atlas, dir.path() / "single", 1);
  build(atlas, dir.path() / "gen-sharded", 3);
  const Xapian::Database single((dir.path() / "single").string());
  const Xapian::Database sharded((dir.path() / "gen-sharded").string());  // Xapian follows XAPIANDB itself
  CHECK(sharded.get_doccount() == single.get_doccount());
  std::size_t sum = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const Xapian::Database shard((dir.path() / "gen-sharded" / index::shard_name(k)).string());
    CHECK(shard.get_doccount() > 0);
    sum += shard.get_doccount();
  }
  CHECK(sum == single.get_doccount());
  const Xapian::Database vocabulary((dir.path() / "gen-sharded" / index::kVocabularyName).string());
  CHECK(vocabulary.get_doccount() == 0);
  CHECK(vocabulary.synonym_keys_begin() != vocabulary.synonym_keys_end());
  CHECK(vocabulary.spellings_begin() != vocabulary.spellings_end());
}

TEST_CASE("local shards answer exactly as one database", "[shards][long]") {
  ScratchDir dir("shards-local");
  const model::Atlas atlas = load(corpus_dir());
  build(atlas, dir.path() / "single", 1);
  build(atlas, dir.path() / "gen-sharded", 2);
  analysis::Analyzer analyzer;
  search::Searcher single(open_generation(dir.path() / "single"), analyzer);
  search::Searcher sharded(open_generation(dir.path() / "gen-sharded"), analyzer);
  std::size_t every = 1;
  const auto queries = sampled(eval_queries(source_dir() / "tests/eval/corpus-queries.tsv"), every);
  CHECK(compare_all(single, sharded, queries) >= 300 / every);
}

// Twelve risks alike but for their ids, which run against the build order: ordered by id, an
// answer would be reversed. `built` gets the ids in build order.
model::Atlas tied_atlas(std::vector<std::string>& built) {
  model::Atlas atlas;
  for (int i = 12; i >= 1; --i) {
    built.push_back((i < 10 ? "0" : "") + std::to_string(i) + ".01.00");
    atlas.risks.push_back(make_risk(built.back(), "Gradient leakage", "Shared gradients reveal training inputs.",
                                    "Inputs are rebuilt from gradients.", "2", "2.1", "human", "intentional",
                                    "post-deployment"));
  }
  return atlas;
}

// The ids `searcher` answers for a search all of the tied records match, page after page.
std::vector<std::string> tied_order(search::Searcher& searcher, std::size_t per_page, std::size_t records) {
  std::vector<std::string> order;
  for (std::size_t page = 1; order.size() < records; ++page) {
    const auto r = searcher.search({.q = "gradient leakage", .filters = {}, .page = page, .per_page = per_page});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r->hits.empty());
    CHECK(r->hits.front().score == r->hits.back().score);
    for (const auto& hit : r->hits) order.push_back(hit.id);
  }
  return order;
}

TEST_CASE("records of equal weight come in build order, in one database and over local shards", "[shards][search]") {
  std::vector<std::string> built;
  const model::Atlas atlas = tied_atlas(built);
  ScratchDir dir("shards-ties");
  build(atlas, dir.path() / "single", 1);
  build(atlas, dir.path() / "gen-sharded", 3);
  for (std::size_t k = 0; k < 3; ++k)  // the ties run across shards
    CHECK(Xapian::Database((dir.path() / "gen-sharded" / index::shard_name(k)).string()).get_doccount() > 0);
  analysis::Analyzer analyzer;
  for (const char* layout : {"single", "gen-sharded"}) {
    INFO(layout);
    search::Searcher searcher(open_generation(dir.path() / layout), analyzer);
    CHECK(tied_order(searcher, 12, built.size()) == built);
    CHECK(tied_order(searcher, 5, built.size()) == built);
  }
}

TEST_CASE("riskatlas-index --shards publishes a sharded generation the server follows", "[shards]") {
  ScratchDir dir("shards-cli");
  std::string output;
  REQUIRE(run_indexer({"--quiet", "--shards", "2", "--corpus", corpus_dir().string(), "--index",
                       (dir.path() / "index").string()}, &output) == 0);
  search::IndexService service(dir.path() / "index");
  const auto status = service.status();
  REQUIRE(status.generation);
  CHECK(status.problem.empty());
  CHECK(fs::exists(status.generation->info().dir / index::kShardStubName));
  CHECK(status.generation->shards().entries().size() == 3);
  // Local shards number their documents by one sequence: the in-memory facet table serves them.
  CHECK(status.generation->spies_run());
  CHECK(status.generation->facet_table() != nullptr);
  // The shrink guard reads a sharded live generation like any other.
  REQUIRE(run_indexer({"--quiet", "--corpus", corpus_dir().string(), "--index", (dir.path() / "index").string()},
                      &output) == 0);
}

TEST_CASE("a front stub must list exactly the vocabulary's shards", "[shards]") {
  ScratchDir dir("shards-front-local");
  const model::Atlas atlas = load(corpus_dir());
  const fs::path gen = dir.path() / "gen-a";
  build(atlas, gen, 2);
  const auto write = [&](const std::string& text) {
    std::ofstream(dir.path() / "front.stub") << text;
    return search::Generation::open(dir.path() / "front.stub");
  };
  CHECK(write("auto gen-a\nauto gen-a/shard-0\nauto gen-a/shard-1\n").ok());
  auto missing = write("auto gen-a\nauto gen-a/shard-0\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("1 of the 2 shards") != std::string::npos);
  CHECK_FALSE(write("auto gen-a/shard-0\nauto gen-a/shard-1\n").ok());  // no vocabulary first
  auto none = write("auto gen-a\n");  // the generation stands for its vocabulary: no shard listed
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("0 of the 2 shards") != std::string::npos);
  build(atlas, dir.path() / "gen-b", 2);
  auto mixed = write("auto gen-a\nauto gen-a/shard-0\nauto gen-b/shard-1\n");
  REQUIRE_FALSE(mixed.ok());
  CHECK(mixed.status().message().find("not a shard of generation gen-a") != std::string::npos);
}

TEST_CASE("remote shards on xapian-tcpsrv answer exactly as one database", "[shards][remote][long]") {
  require_tcpsrv();
  const model::Atlas atlas = load(corpus_dir());
  RemoteShards shards("shards-remote", atlas);
  build(atlas, shards.dir.path() / "single", 1);
  const auto remote = open_generation(shards.stub);
  CHECK_FALSE(remote->spies_run());
  CHECK(remote->facet_table() == nullptr);  // counted over value slots, inside xapian-tcpsrv
  analysis::Analyzer analyzer;
  search::Searcher single(open_generation(shards.dir.path() / "single"), analyzer);
  search::Searcher sharded(remote, analyzer);
  std::size_t every = 1;
  const auto queries = sampled(eval_queries(source_dir() / "tests/eval/corpus-queries.tsv"), every);
  CHECK(compare_all(single, sharded, queries) >= 300 / every);
}

TEST_CASE("a relaxed query of many words over remote shards answers at a tier it can spell out", "[shards][remote]") {
  require_tcpsrv();
  const model::Atlas atlas = load(corpus_dir());
  RemoteShards shards("shards-remote-long", atlas);
  analysis::Analyzer analyzer;
  search::Searcher remote(open_generation(shards.stub), analyzer);
  // Thirteen counted words; one database answers those holding 3 or more. Over remote shards "at least
  // 3 of 13" is 286 sets of words to spell out, past kMaxWordSets: the answer widens to 2 of 13 (78
  // sets) and says so, the one database's answer first, in its order.
  search::SearchRequest request;
  request.q = "membership inference extraction leakage privacy personal voice clone deepfake backdoor trigger "
              "poisoning dataset";
  request.per_page = 100;
  const auto r = remote.search(request);
  REQUIRE(r.ok());
  REQUIRE(r->relaxation);
  REQUIRE(r->relaxation->words.size() == 13);
  CHECK(r->relaxation->min_matched == 2);
  REQUIRE(r->total <= 100);
  CHECK(r->hits.size() == r->total);
  for (const auto& hit : r->hits) CHECK(hit.missing_words.size() <= 11);
  build(atlas, shards.dir.path() / "single", 1);
  search::Searcher single(open_generation(shards.dir.path() / "single"), analyzer);
  const auto one = single.search(request);
  REQUIRE(one.ok());
  REQUIRE(one->relaxation);
  CHECK(one->relaxation->min_matched == 3);
  REQUIRE(one->hits.size() < r->hits.size());
  for (std::size_t i = 0; i < one->hits.size(); ++i) CHECK(r->hits[i].id == one->hits[i].id);
}

TEST_CASE("records of equal weight come in build order over remote shards", "[shards][remote][search]") {
  require_tcpsrv();
  std::vector<std::string> built;
  RemoteShards shards("shards-ties-remote", tied_atlas(built));
  analysis::Analyzer analyzer;
  search::Searcher remote(open_generation(shards.stub), analyzer);
  CHECK(tied_order(remote, 12, built.size()) == built);
  CHECK(tied_order(remote, 5, built.size()) == built);
}

TEST_CASE("a remote shard down gives 503 and /healthz names it and once back it answers without a restart", "[shards][remote]") {
  require_tcpsrv();
  RemoteShards shards("shards-failover", load(corpus_dir()));
  ShardServer& s1 = shards.s1;
  auto options = TestServer::default_options();
  options.index = shards.stub;
  options.remote_timeout = std::chrono::milliseconds(2000);
  TestServer server(options);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);

  const auto search = [&] { return client.Get("/api/search?q=prompt%20injection&per_page=3"); };
  auto before = search();
  REQUIRE(before);
  REQUIRE(before->status == 200);
  const auto expected = nlohmann::json::parse(before->body);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(nlohmann::json::parse(health->body)["shards"].size() == 3);

  s1.kill();
  // An answer the response cache holds for this generation is still whole: it is served.
  auto cached = search();
  REQUIRE(cached);
  CHECK(cached->status == 200);
  CHECK(nlohmann::json::parse(cached->body)["hits"] == expected["hits"]);
  // One that needs the shard is refused, not answered in part.
  const auto uncached = [&] { return client.Get("/api/search?q=data%20poisoning&per_page=3"); };
  auto down = uncached();
  REQUIRE(down);
  CHECK(down->status == 503);
  CHECK(nlohmann::json::parse(down->body)["error"]["code"].is_string());
  health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 503);
  const auto h = nlohmann::json::parse(health->body);
  CHECK(h["shards"][2]["state"] == "down");
  CHECK(h["shards"][1]["state"] == "up");
  CHECK(h["problem"].get<std::string>().find(std::to_string(s1.port())) != std::string::npos);

  s1.start();
  auto after = uncached();
  REQUIRE(after);
  REQUIRE(after->status == 200);
  CHECK(nlohmann::json::parse(after->body)["total"].get<int>() > 0);
  health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("local and remote shards of the real data answer exactly as one database", "[shards][remote][real][long]") {
  const fs::path real = require_real_data();
  require_tcpsrv();
  const model::Atlas atlas = load(real, corpus_dir() / "links.yaml");
  RemoteShards shards("shards-real", atlas);
  build(atlas, shards.dir.path() / "single", 1);
  analysis::Analyzer analyzer;
  search::Searcher single(open_generation(shards.dir.path() / "single"), analyzer);
  std::size_t every = 1;
  const auto queries = sampled(eval_queries(source_dir() / "tests/eval/real-queries.tsv"), every);
  // Local shards count with the facet table and our spies; remote ones over value slots.
  search::Searcher local(open_generation(shards.gen), analyzer);
  CHECK(compare_all(single, local, queries) >= 300 / every);
  search::Searcher remote(open_generation(shards.stub), analyzer);
  CHECK(compare_all(single, remote, queries) >= 300 / every);
}

}  // namespace riskatlas::testing
