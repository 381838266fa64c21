#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "index/generations.h"
#include "index/index_writer.h"
#include "index/schema.h"
#include "search/fixture.h"
#include "search/index_service.h"
#include "search/searcher.h"

using namespace riskatlas;
using riskatlas::testing::JoinOnExit;
using riskatlas::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

// Sets RISKATLAS_FAULT, the fault hook of src/search/generation.cc, for one scope.
class FaultScope {
 public:
  explicit FaultScope(const char* fault) { ::setenv("RISKATLAS_FAULT", fault, 1); }
  ~FaultScope() { ::unsetenv("RISKATLAS_FAULT"); }
  FaultScope(const FaultScope&) = delete;
  FaultScope& operator=(const FaultScope&) = delete;
};

fs::path build(const index::IndexRoot& root, const std::string& name) {
  Diagnostics warnings;
  REQUIRE(index::write_database(testing::tiny_atlas(), root.path() / name, {}, warnings).ok());
  return root.path() / name;
}

// An index root whose live generation is gen-1 (the tiny atlas), followed by a service that checks
// live.stub only when told to (refresh()), so each test decides when the check happens.
struct LiveRoot {
  ScratchDir dir{"service"};
  const index::IndexRoot root{dir.path()};
  const bool published = root.publish(build(root, "gen-1")).ok();
  search::IndexService service{dir.path(), std::chrono::milliseconds(0)};
  const std::shared_ptr<const search::Generation> first = service.current();
  LiveRoot() {
    REQUIRE(published);
    REQUIRE(first);
    REQUIRE(first->info().name == "gen-1");
  }
};

}  // namespace

TEST_CASE_METHOD(LiveRoot, "the index service follows live.stub to each new build", "[search][reload]") {
  REQUIRE(root.publish(build(root, "gen-2")).ok());
  CHECK(service.current() == first);  // until the next check
  service.refresh();
  const auto second = service.current();
  REQUIRE(second);
  CHECK(second->info().name == "gen-2");
  CHECK(second->info().uuid != first->info().uuid);
  CHECK(service.status().problem.empty());
}

TEST_CASE_METHOD(LiveRoot, "a service given a root's live.stub serves the root, naming each generation", "[search][reload]") {
  search::IndexService by_stub{root.stub_path(), std::chrono::milliseconds(0)};
  REQUIRE(by_stub.current());
  CHECK(by_stub.current()->info().name == "gen-1");
  REQUIRE(root.publish(build(root, "gen-2")).ok());
  by_stub.refresh();
  CHECK(by_stub.current()->info().name == "gen-2");
}

TEST_CASE_METHOD(LiveRoot, "the same build under another name is not reopened", "[search][reload]") {
  fs::copy(root.path() / "gen-1", root.path() / "gen-2", fs::copy_options::recursive);  // same UUID
  REQUIRE(root.publish(root.path() / "gen-2").ok());
  // Its facet table is not even loaded: a load would fail here and be reported.
  const FaultScope fault("facet-table-bad-alloc");
  service.refresh();
  CHECK(service.current() == first);
  CHECK(service.status().problem.empty());
}

TEST_CASE_METHOD(LiveRoot, "a broken live pointer keeps the last good generation serving and says why",
                 "[search][reload]") {
  std::ofstream(root.stub_path()) << "auto gen-missing\n";
  service.refresh();
  CHECK(service.current() == first);
  CHECK_FALSE(service.status().problem.empty());
  fs::create_directories(root.path() / "gen-3");  // a directory that is not a database
  std::ofstream(root.stub_path()) << "auto gen-3\n";
  service.refresh();
  CHECK(service.current() == first);
  CHECK_FALSE(service.status().problem.empty());
  REQUIRE(root.publish(build(root, "gen-4")).ok());
  service.refresh();
  CHECK(service.current()->info().name == "gen-4");
  CHECK(service.status().problem.empty());
}

TEST_CASE_METHOD(LiveRoot, "a facet table that fails to load keeps the old generation serving and says why",
                 "[search][reload]") {
  const fs::path next = build(root, "gen-2");
  REQUIRE(root.publish(next).ok());
  {
    const FaultScope fault("facet-table-bad-alloc");
    const auto opened = search::Generation::open(next);
    CHECK(opened.status().code() == StatusCode::kUnavailable);
    CHECK_THAT(opened.status().message(), Catch::Contains("gen-2") && Catch::Contains("bad_alloc"));

    service.refresh();
    CHECK(service.current() == first);
    CHECK_THAT(service.status().problem, Catch::Contains("gen-2") && Catch::Contains("bad_alloc"));
    analysis::Analyzer analyzer;
    search::Searcher searcher(service.current(), analyzer);
    const auto answer = searcher.search({});
    REQUIRE(answer.ok());
    CHECK(answer->generation == "gen-1");
    CHECK(answer->total == 13);  // the tiny atlas: 6 risks, 4 techniques and 3 mitigations
  }
  // Once the table loads, the next check moves to the new generation.
  service.refresh();
  CHECK(service.current()->info().name == "gen-2");
  CHECK(service.status().problem.empty());
}

TEST_CASE("with no index the service has no generation and reports the problem", "[search][reload]") {
  ScratchDir dir("service-empty");
  search::IndexService service(dir.path(), std::chrono::milliseconds(0));
  CHECK_FALSE(service.current());
  CHECK_FALSE(service.status().problem.empty());
}

TEST_CASE("a record whose stored data is not a record is damage, not a record that is not there", "[search][reload]") {
  ScratchDir dir("service-bad-data");
  const index::IndexRoot root{dir.path()};
  const fs::path gen = build(root, "gen-1");
  {
    // Its terms stay, its data is garbage: what a damaged docdata table reads as.
    Xapian::WritableDatabase db(gen.string(), Xapian::DB_OPEN);
    const Xapian::docid did = *db.postlist_begin("Q01.01.00");
    Xapian::Document doc = db.get_document(did);
    doc.set_data("\x01garbage");
    db.replace_document(did, doc);
    db.commit();
  }
  REQUIRE(root.publish(gen).ok());
  search::IndexService service{dir.path(), std::chrono::milliseconds(0)};
  REQUIRE(service.current());
  analysis::Analyzer analyzer;
  search::Searcher searcher(service.current(), analyzer);
  CHECK(searcher.record("01.01.00").status().code() == StatusCode::kUnavailable);
  CHECK(searcher.record("no-such-id").status().code() == StatusCode::kNotFound);
  CHECK(searcher.record("01.02.00").ok());
  CHECK_FALSE(service.status().damage.empty());
}

TEST_CASE_METHOD(LiveRoot, "a damaged live generation answers Unavailable and is unhealthy until a rebuild replaces it",
                 "[search][reload]") {
  // Truncate every table of the live generation under the open handles, as a full disk or a bad
  // copy would.
  for (const auto& file : fs::directory_iterator(root.path() / "gen-1"))
    if (file.path().extension() == ".glass") fs::resize_file(file.path(), 0);
  analysis::Analyzer analyzer;
  search::SearchRequest request;
  request.q = "poisoning";
  {
    search::Searcher searcher(service.current(), analyzer);
    const auto answer = searcher.search(request);
    CHECK(answer.status().code() == StatusCode::kUnavailable);
    CHECK(searcher.record("01.01.00").status().code() == StatusCode::kUnavailable);
  }
  CHECK_FALSE(service.status().healthy());
  CHECK_FALSE(service.status().damage.empty());

  // The indexer's next run publishes a new build: the service moves to it and is healthy again.
  REQUIRE(root.publish(build(root, "gen-2")).ok());
  service.refresh();
  REQUIRE(service.current()->info().name == "gen-2");
  CHECK(service.status().healthy());
  search::Searcher searcher(service.current(), analyzer);
  const auto answer = searcher.search(request);
  REQUIRE(answer.ok());
  CHECK(answer->total > 0);
}

TEST_CASE_METHOD(LiveRoot, "searches on several threads move to each new build while it is published",
                 "[search][reload][concurrency]") {
  // A service of its own that checks in its own thread, as the server's does.
  search::IndexService watched(dir.path(), std::chrono::milliseconds(5));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, answers{0};
  std::vector<std::thread> readers;
  JoinOnExit joined(done, readers);
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      analysis::Analyzer analyzer;
      search::SearchRequest request;
      request.q = "poisoning";
      while (!done) {
        search::Searcher searcher(watched.current(), analyzer);
        const auto answer = searcher.search(request);
        if (answer.ok() && answer->total > 0) ++answers;
        else ++failures;
      }
    });
  for (int g = 2; g <= 4; ++g) {
    REQUIRE(root.publish(build(root, "gen-" + std::to_string(g))).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (watched.current()->info().name != "gen-4" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  joined.join();
  CHECK(failures == 0);
  CHECK(answers > 0);
  CHECK(watched.current()->info().name == "gen-4");
}

TEST_CASE("an index of an older schema is served and one of an unknown or newer schema refused", "[search][reload]") {
  ScratchDir dir("schema");
  const index::IndexRoot root(dir.path());
  const fs::path gen = build(root, "gen-1");
  auto stamp = [&](const char* version) {
    Xapian::WritableDatabase db(gen.string(), Xapian::DB_OPEN);
    db.set_metadata(schema::kMetaSchema, version);
    db.commit();
  };
  stamp(schema::kOldestReadableSchema);
  CHECK(search::Generation::open(gen).ok());
  stamp("1");
  const auto refused = search::Generation::open(gen);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("not a riskatlas index of schema") != std::string::npos);
  {  // a schema-4 index without the fields its records share cannot show them
    Xapian::WritableDatabase db(gen.string(), Xapian::DB_OPEN);
    const std::string linked = db.get_metadata(schema::kMetaLinked);
    db.set_metadata(schema::kMetaLinked, "");
    db.commit();
    const auto opened = search::Generation::open(gen);
    CHECK_FALSE(opened.ok());
    db.set_metadata(schema::kMetaLinked, linked);
    db.commit();
  }
  stamp("5");  // written by a newer binary: refused rather than misread
  CHECK_FALSE(search::Generation::open(gen).ok());
  stamp(schema::kSchemaVersion);
  CHECK(search::Generation::open(gen).ok());
}
