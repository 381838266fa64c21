#include <fstream>

#include <catch2/catch.hpp>

#include "index/generations.h"
#include "index/index_writer.h"
#include "index/verify.h"
#include "search/fixture.h"

using namespace riskatlas;
using riskatlas::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

// A generation of the tiny atlas written into `dir`.
index::WriteSummary write_tiny(const fs::path& dir) {
  Diagnostics warnings;
  auto written = index::write_database(testing::tiny_atlas(), dir, {}, warnings);
  REQUIRE(written.ok());
  return *written;
}

}  // namespace

TEST_CASE("a freshly written generation verifies", "[index][verify]") {
  ScratchDir dir("verify-ok");
  const auto written = write_tiny(dir.path() / "gen");
  CHECK(index::verify_generation(dir.path() / "gen", written, testing::tiny_atlas()).ok());
}

TEST_CASE("a generation whose first record was skipped for its id verifies", "[index][verify]") {
  ScratchDir dir("verify-skipped");
  model::Atlas atlas = testing::tiny_atlas();
  atlas.risks.front().id = std::string(300, 'x');  // too long to be a term: skipped with a warning
  atlas.mitigations.front().id = std::string(300, 'y');
  Diagnostics warnings;
  auto written = index::write_database(atlas, dir.path() / "gen", {}, warnings);
  REQUIRE(written.ok());
  CHECK(warnings.size() == 2);
  CHECK(index::verify_generation(dir.path() / "gen", *written, atlas).ok());
}

TEST_CASE("verification names a document count that differs from what was written", "[index][verify]") {
  ScratchDir dir("verify-count");
  auto written = write_tiny(dir.path() / "gen");
  written.documents += 1;
  const Status s = index::verify_generation(dir.path() / "gen", written, testing::tiny_atlas());
  CHECK(s.code() == StatusCode::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("documents"));
}

TEST_CASE("verification fails when a record cannot be found by its id", "[index][verify]") {
  ScratchDir dir("verify-id");
  const auto written = write_tiny(dir.path() / "gen");
  model::Atlas other = testing::tiny_atlas();
  other.risks.front().id = "99.99.99";
  const Status s = index::verify_generation(dir.path() / "gen", written, other);
  CHECK(s.code() == StatusCode::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("99.99.99"));
}

TEST_CASE("verification of a directory that is no database is a Corruption, not an exception", "[index][verify]") {
  ScratchDir dir("verify-empty");
  fs::create_directories(dir.path() / "gen");
  const Status s = index::verify_generation(dir.path() / "gen", index::WriteSummary{}, testing::tiny_atlas());
  CHECK(s.code() == StatusCode::kCorruption);
}

TEST_CASE("the live size is absent before the first publish and exact after it, by type too", "[index][verify]") {
  ScratchDir dir("verify-live");
  const index::IndexRoot root(dir.path());
  auto none = index::live_size(root);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  const fs::path gen = root.path() / "gen-20260101T000000.000Z-1";
  const auto written = write_tiny(gen);
  REQUIRE(root.publish(gen).ok());
  auto size = index::live_size(root);
  REQUIRE(size.ok());
  REQUIRE(size->has_value());
  CHECK((*size)->documents == written.documents);
  REQUIRE_FALSE(written.by_type.empty());
  CHECK((*size)->by_type == written.by_type);
}

TEST_CASE("a live generation that cannot be opened makes the live size an error", "[index][verify]") {
  ScratchDir dir("verify-live-broken");
  const index::IndexRoot root(dir.path());
  const fs::path gen = root.path() / "gen-20260101T000000.000Z-1";
  fs::create_directories(gen);  // a directory, but no database
  REQUIRE(root.publish(gen).ok());
  CHECK(index::live_size(root).status().code() == StatusCode::kCorruption);
}

TEST_CASE("a pending generation is removed unless it was published", "[index][generations]") {
  ScratchDir dir("pending-generation");
  const index::IndexRoot root(dir.path());
  fs::path abandoned;
  {
    index::PendingGeneration pending(root);
    abandoned = pending.path();
    write_tiny(pending.path());
    REQUIRE(fs::exists(abandoned));
  }
  CHECK_FALSE(fs::exists(abandoned));

  fs::path kept;
  {
    index::PendingGeneration pending(root);
    kept = pending.path();
    write_tiny(pending.path());
    REQUIRE(pending.publish().ok());
  }
  CHECK(fs::exists(kept));
  CHECK(*root.live_generation() == kept);
}
