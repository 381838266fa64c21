#include <fstream>

#include <catch2/catch.hpp>

#include "index/generations.h"
#include "index/index_writer.h"
#include "search/fixture.h"
#include "search/index_service.h"

using namespace riskatlas;
using riskatlas::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

fs::path build(const index::IndexRoot& root, const std::string& name) {
  Diagnostics warnings;
  REQUIRE(index::write_database(testing::tiny_atlas(), root.path() / name, {}, warnings).ok());
  return root.path() / name;
}

}  // namespace

TEST_CASE("the index service follows live.stub to each new build", "[search][reload]") {
  ScratchDir dir("service-follow");
  const index::IndexRoot root(dir.path());
  REQUIRE(root.publish(build(root, "gen-1")).ok());
  search::IndexService service(dir.path(), std::chrono::milliseconds(0));
  const auto first = service.current();
  REQUIRE(first);
  CHECK(first->info().name == "gen-1");
  REQUIRE(root.publish(build(root, "gen-2")).ok());
  const auto second = service.current();
  REQUIRE(second);
  CHECK(second->info().name == "gen-2");
  CHECK(second->info().uuid != first->info().uuid);
  CHECK(service.status().problem.empty());
}

TEST_CASE("the same build under another name is not reopened", "[search][reload]") {
  ScratchDir dir("service-same-uuid");
  const index::IndexRoot root(dir.path());
  const fs::path a = build(root, "gen-1");
  REQUIRE(root.publish(a).ok());
  search::IndexService service(dir.path(), std::chrono::milliseconds(0));
  const auto first = service.current();
  fs::copy(a, root.path() / "gen-2", fs::copy_options::recursive);  // same database, same UUID
  REQUIRE(root.publish(root.path() / "gen-2").ok());
  CHECK(service.current() == first);
}

TEST_CASE("a broken live pointer keeps the last good generation serving and says why", "[search][reload]") {
  ScratchDir dir("service-broken");
  const index::IndexRoot root(dir.path());
  REQUIRE(root.publish(build(root, "gen-1")).ok());
  search::IndexService service(dir.path(), std::chrono::milliseconds(0));
  const auto good = service.current();
  REQUIRE(good);
  std::ofstream(root.stub_path()) << "auto gen-missing\n";
  CHECK(service.current() == good);
  CHECK_FALSE(service.status().problem.empty());
  fs::create_directories(root.path() / "gen-3");  // a directory that is not a database
  std::ofstream(root.stub_path()) << "auto gen-3\n";
  CHECK(service.current() == good);
  CHECK_FALSE(service.status().problem.empty());
  REQUIRE(root.publish(build(root, "gen-4")).ok());
  CHECK(service.current()->info().name == "gen-4");
  CHECK(service.status().problem.empty());
}

TEST_CASE("with no index the service has no generation and reports the problem", "[search][reload]") {
  ScratchDir dir("service-empty");
  search::IndexService service(dir.path(), std::chrono::milliseconds(0));
  CHECK_FALSE(service.current());
  CHECK_FALSE(service.status().problem.empty());
}
