#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "index/generations.h"
#include "test_support.h"

using namespace riskatlas;
using riskatlas::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

fs::path make_generation(const index::IndexRoot& root, const std::string& name) {
  const fs::path p = root.path() / name;
  fs::create_directories(p);
  return p;
}

}  // namespace

TEST_CASE("publishing a generation makes live.stub name it", "[index][generations]") {
  ScratchDir dir("gen-publish");
  const index::IndexRoot root(dir.path());
  CHECK(root.live_generation().status().code() == StatusCode::kNotFound);
  const auto g = make_generation(root, "gen-20260101T000000.000Z-1");
  REQUIRE(root.publish(g).ok());
  auto live = root.live_generation();
  REQUIRE(live.ok());
  CHECK(*live == g);
  std::ifstream in(root.stub_path());
  std::string line;
  std::getline(in, line);
  CHECK(line == "auto gen-20260101T000000.000Z-1");
  CHECK_FALSE(fs::exists(root.path() / "live.stub.tmp"));
}

TEST_CASE("a stub naming a missing or foreign directory is reported, not followed", "[index][generations]") {
  ScratchDir dir("gen-broken");
  const index::IndexRoot root(dir.path());
  std::ofstream(root.stub_path()) << "auto gen-missing\n";
  CHECK(root.live_generation().status().code() == StatusCode::kCorruption);
  std::ofstream(root.stub_path()) << "auto ../../etc\n";
  CHECK(root.live_generation().status().code() == StatusCode::kCorruption);
  CHECK(index::parse_stub("auto gen-1/../x") == "");
  CHECK(index::parse_stub("auto gen-20260101T000000.000Z-7\r\n") == "gen-20260101T000000.000Z-7");
}

TEST_CASE("clean-up keeps the live and newest older generations and removes interrupted builds", "[index][generations]") {
  ScratchDir dir("gen-clean");
  const index::IndexRoot root(dir.path());
  const auto g1 = make_generation(root, "gen-20260101T000001.000Z-1");
  const auto g2 = make_generation(root, "gen-20260101T000002.000Z-1");
  const auto g3 = make_generation(root, "gen-20260101T000003.000Z-1");
  const auto g4 = make_generation(root, "gen-20260101T000004.000Z-1");  // interrupted, never published
  std::ofstream(root.path() / "live.stub.tmp") << "auto gen-x\n";
  REQUIRE(root.publish(g3).ok());
  std::ofstream(root.path() / "live.stub.tmp") << "leftover";
  const auto removal = root.remove_stale(2);
  CHECK_FALSE(fs::exists(g1));
  CHECK(fs::exists(g2));
  CHECK(fs::exists(g3));
  CHECK_FALSE(fs::exists(g4));
  CHECK_FALSE(fs::exists(root.path() / "live.stub.tmp"));
  CHECK(removal.removed.size() == 3);
  CHECK(removal.failures.empty());
  CHECK(*root.live_generation() == g3);
}

TEST_CASE("with nothing live, clean-up removes no generation", "[index][generations]") {
  ScratchDir dir("gen-nolive");
  const index::IndexRoot root(dir.path());
  const auto g1 = make_generation(root, "gen-20260101T000001.000Z-1");
  root.remove_stale(1);
  CHECK(fs::exists(g1));
}

TEST_CASE("a second reindex lock on the same root is refused at once", "[index][generations]") {
  ScratchDir dir("gen-lock");
  auto first = index::ReindexLock::acquire(dir.path());
  REQUIRE(first.ok());
  auto second = index::ReindexLock::acquire(dir.path());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kUnavailable);
  CHECK(second.status().message().find("another reindex is running") != std::string::npos);
}

TEST_CASE("the reindex lock is released when its holder ends", "[index][generations]") {
  ScratchDir dir("gen-relock");
  { auto first = index::ReindexLock::acquire(dir.path()); REQUIRE(first.ok()); }
  CHECK(index::ReindexLock::acquire(dir.path()).ok());
}

TEST_CASE("new generation paths sort by time and are unique", "[index][generations]") {
  ScratchDir dir("gen-names");
  const index::IndexRoot root(dir.path());
  const std::regex shape("gen-[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z-" + std::to_string(::getpid()));
  std::vector<fs::path> made;
  for (int i = 0; i < 3; ++i) {
    // The stamp has millisecond resolution; the next build of one process starts later than that.
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const fs::path p = root.new_generation_path();
    INFO(p.string());
    CHECK(p.parent_path() == root.path());
    CHECK(std::regex_match(p.filename().string(), shape));
    CHECK(index::parse_stub("auto " + p.filename().string()) == p.filename().string());
    CHECK_FALSE(fs::exists(p));  // unique: not the path of an earlier build
    fs::create_directories(p);
    made.push_back(p);
  }
  // Later builds sort after earlier ones, as clean-up and generations() rely on.
  CHECK(made[0].filename().string() < made[1].filename().string());
  CHECK(made[1].filename().string() < made[2].filename().string());
  CHECK(root.generations() == made);
}

TEST_CASE("after the clock steps back, a new generation still sorts last and clean-up keeps the one before", "[index][generations]") {
  ScratchDir dir("gen-clock");
  const index::IndexRoot root(dir.path());
  // Built while the clock ran a few years fast, then corrected.
  const auto ahead = make_generation(root, "gen-20991231T235959.999Z-7");
  REQUIRE(root.publish(ahead).ok());
  const fs::path next = root.new_generation_path();
  INFO(next.string());
  CHECK(next.filename().string().rfind("gen-21000101T000000.000Z-", 0) == 0);
  fs::create_directories(next);
  REQUIRE(root.publish(next).ok());
  root.remove_stale(2);
  CHECK(fs::exists(ahead));  // the generation to roll back to
  CHECK(*root.live_generation() == next);
  CHECK(root.generations() == std::vector<fs::path>{ahead, next});
}
