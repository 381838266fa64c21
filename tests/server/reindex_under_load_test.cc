// The cron scenario: the server answers continuous queries from several clients while the indexer
// rebuilds five times, one rebuild is killed mid-build, two are started at once and one gets a
// truncated corpus. No request may fail, every answer must agree with itself and with the
// generation it names, generations only move forward, and the live index survives each failure.
#include <atomic>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "index/generations.h"
#include "process.h"
#include "search/searcher.h"
#include "server/server_fixture.h"

using namespace riskatlas;
using namespace riskatlas::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Answer {
  std::string path;
  std::string generation;
  std::size_t total = 0;
  std::size_t type_sum = 0;  // sum of the type facet's counts (the answer's own facet counts)
  std::size_t hits = 0;
};

const std::vector<std::string> kPaths = {"/api/search?q=poisoning&per_page=5", "/api/search?type=risk&per_page=3",
                                         "/api/search?q=model&domain=2&per_page=10"};

// An extra JSON Lines file that makes a rebuild differ from the plain corpus.
fs::path write_extra(const fs::path& dir) {
  const fs::path file = dir / "extra.jsonl";
  std::ofstream out(file);
  for (int i = 1; i <= 40; ++i)
    out << R"({"type":"risk","id":"LOAD-)" << i << R"(","title":"Synthetic poisoning drill )" << i
        << R"(","description":"A rehearsal of a model poisoning incident.","domain":"2","subdomain":"2.2",)"
        << R"("entity":"human","intent":"intentional","timing":"pre-deployment"})" << '\n';
  return file;
}

// A copy of the corpus whose CSV was cut off mid-download.
fs::path truncated_corpus(const fs::path& dir) {
  const fs::path copy = dir / "truncated";
  fs::create_directories(copy);
  for (const auto& entry : fs::directory_iterator(corpus_dir()))
    if (entry.path().extension() != ".csv" && entry.path().extension() != ".md") fs::copy(entry.path(), copy / entry.path().filename());
  std::ifstream in(corpus_dir() / "ai-risk-repository.csv", std::ios::binary);
  std::string csv((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(copy / "ai-risk-repository.csv", std::ios::binary) << csv.substr(0, csv.size() / 10);
  return copy;
}

std::string live_name(const fs::path& root) {
  auto live = index::IndexRoot(root).live_generation();
  return live.ok() ? live->filename().string() : "";
}

// Waits until /healthz names `generation`.
bool server_serves(TestServer& server, const std::string& generation) {
  auto client = server.client();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client->Get("/healthz");
    if (res && res->status == 200 && json::parse(res->body, nullptr, false).value("generation", "") == generation)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// How long an indexer may take to load the corpus and write 25 documents: under ThreadSanitizer,
// beside the four clients and the server on two cores, more than the default 30 s was seen once.
constexpr std::chrono::seconds kIndexerStart{120};

}  // namespace

TEST_CASE("the server keeps answering while cron reindexes, fails and is killed", "[http][generations][slow][concurrency][long]") {
  ScratchDir dir("reindex-under-load");
  const fs::path root = dir.path() / "index";
  const fs::path extra = write_extra(dir.path());
  const fs::path truncated = truncated_corpus(dir.path());
  const std::vector<std::string> plain{"--quiet", "--corpus", corpus_dir().string(), "--index", root.string(),
                                       "--keep", "20"};
  std::vector<std::string> with_extra = plain;
  with_extra.insert(with_extra.end(), {"--extra", extra.string()});
  REQUIRE(run_indexer(plain) == 0);

  auto options = TestServer::default_options();
  options.index = root;
  options.threads = 8;
  options.index_check_interval = std::chrono::milliseconds(100);
  TestServer server(options);

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::vector<std::vector<Answer>> per_client(4);
  std::vector<std::thread> clients;
  JoinOnExit joined(stop, clients);
  for (std::size_t c = 0; c < per_client.size(); ++c) {
    clients.emplace_back([&, c] {
      auto client = server.client();
      for (std::size_t i = 0; !stop; ++i) {
        const std::string& path = kPaths[(i + c) % kPaths.size()];
        auto res = client->Get(path.c_str());
        const json body = res ? json::parse(res->body, nullptr, false) : json();
        if (!res || res->status != 200 || !body.is_object()) {
          ++failures;
          continue;
        }
        Answer a{path, body.value("generation", ""), body.value("total", std::size_t{0}), 0, body["hits"].size()};
        if (body["facets"].contains("type"))
          for (const auto& v : body["facets"]["type"]) a.type_sum += v.value("count", std::size_t{0});
        per_client[c].push_back(std::move(a));
      }
    });
  }

  std::vector<std::string> published{live_name(root)};
  auto rebuild = [&](const std::vector<std::string>& args) {
    std::string out;
    REQUIRE(run_indexer(args, &out) == 0);
    published.push_back(live_name(root));
    CHECK(published.back() != published[published.size() - 2]);
    CHECK(server_serves(server, published.back()));
  };

  rebuild(with_extra);
  rebuild(plain);
  {
    // Killed mid-build.
    std::vector<std::string> argv{indexer_path()};
    argv.insert(argv.end(), with_extra.begin(), with_extra.end());
    Process killed(argv, {{"RISKATLAS_FAULT=pause-after:25"}});
    const bool paused = killed.wait_for_output("paused after 25 documents", kIndexerStart);
    INFO("indexer output: " << killed.output());
    REQUIRE(paused);
    killed.kill(SIGKILL);
    CHECK(killed.wait() == 128 + SIGKILL);
    CHECK(live_name(root) == published.back());
  }
  rebuild(with_extra);
  {
    // Two started at once: the second one finds the first holding the lock.
    std::vector<std::string> argv{indexer_path()};
    argv.insert(argv.end(), plain.begin(), plain.end());
    Process first(argv, {{"RISKATLAS_FAULT=pause-after:25"}});
    const bool paused = first.wait_for_output("paused after 25 documents", kIndexerStart);
    INFO("indexer output: " << first.output());
    REQUIRE(paused);
    std::string out;
    CHECK(run_indexer(plain, &out) == 3);
    CHECK(out.find("another reindex is running") != std::string::npos);
    first.kill(SIGKILL);
    first.wait();
    CHECK(live_name(root) == published.back());
  }
  {
    // A truncated download is refused by the shrink guard.
    std::vector<std::string> args{"--quiet", "--corpus", truncated.string(), "--index", root.string(), "--keep", "20"};
    std::string out;
    CHECK(run_indexer(args, &out) == 4);
    CHECK(live_name(root) == published.back());
  }
  rebuild(plain);
  rebuild(with_extra);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  joined.join();

  CHECK(failures == 0);
  REQUIRE(published.size() == 6);
  // Each rebuild publishes a name that sorts after the one before (names carry the build time).
  for (std::size_t i = 1; i < published.size(); ++i) CHECK(published[i - 1] < published[i]);

  // The answers each generation should give, computed directly against it.
  std::map<std::pair<std::string, std::string>, std::size_t> expected_total;
  analysis::Analyzer analyzer;
  for (const auto& name : published) {
    auto gen = search::Generation::open(root / name);
    INFO(name << ": " << gen.status().to_string());
    REQUIRE(gen.ok());
    search::Searcher searcher(gen.value(), analyzer);
    for (const auto& path : kPaths) {
      search::SearchRequest r;
      if (path.find("q=poisoning") != std::string::npos) r.q = "poisoning";
      if (path.find("q=model") != std::string::npos) {
        r.q = "model";
        r.filters["domain"] = {"2"};
      }
      if (path.find("type=risk") != std::string::npos) r.filters["type"] = {"risk"};
      auto resp = searcher.search(r);
      REQUIRE(resp.ok());
      expected_total[{name, path}] = resp->total;
    }
  }
  CHECK(expected_total[{published[1], kPaths[0]}] == expected_total[{published[0], kPaths[0]}] + 40);

  std::size_t answers = 0;
  std::set<std::string> seen;
  for (const auto& client : per_client) {
    std::string last;
    for (const auto& a : client) {
      ++answers;
      INFO(a.path << " from " << a.generation);
      // Only generations that were published, and only forward.
      REQUIRE(std::find(published.begin(), published.end(), a.generation) != published.end());
      seen.insert(a.generation);
      CHECK(a.generation >= last);
      last = a.generation;
      // Consistent within itself and with its generation.
      CHECK(a.total == expected_total[{a.generation, a.path}]);
      CHECK(a.hits == std::min<std::size_t>(a.total, a.path.find("per_page=5") != std::string::npos ? 5
                                                      : a.path.find("per_page=3") != std::string::npos ? 3
                                                                                                       : 10));
      if (a.path.find("type=") == std::string::npos) CHECK(a.type_sum == a.total);
    }
  }
  CHECK(answers > 100);
  // The clients were answered across reloads, not from one generation throughout.
  CHECK(seen.size() >= 2);
}
