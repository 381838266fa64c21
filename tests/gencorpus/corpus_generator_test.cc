#include <catch2/catch.hpp>

#include <string>

#include "corpus_generator.h"
#include "load/corpus.h"
#include "load/load_test_support.h"
#include "test_support.h"

using namespace riskatlas;
using riskatlas::testing::ScratchDir;

namespace {

bench::GenerateOptions options(const std::filesystem::path& out, std::size_t records, std::uint64_t seed) {
  bench::GenerateOptions o;
  o.source = testing::corpus_dir();
  o.out = out;
  o.records = records;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("the scaled corpus is the same bytes for the same seed and N, and another for another seed",
          "[bench][gencorpus]") {
  ScratchDir dir("gencorpus-determinism");
  for (const char* run : {"a", "b"}) REQUIRE(bench::generate_corpus(options(dir.path() / run, 300, 7)).ok());
  REQUIRE(bench::generate_corpus(options(dir.path() / "c", 300, 8)).ok());
  for (const char* file : {"risks.jsonl", "queries/search.txt", "queries/prefix.txt", "queries/browse.txt"}) {
    INFO(file);
    const std::string a = testing::read_text(dir.path() / "a" / file);
    CHECK(!a.empty());
    CHECK(a == testing::read_text(dir.path() / "b" / file));
    CHECK(a != testing::read_text(dir.path() / "c" / file));
  }
}

TEST_CASE("a scaled corpus's records load without a warning, linked, its queries as many as asked",
          "[bench][gencorpus]") {
  ScratchDir dir("gencorpus-loads");
  const auto summary = bench::generate_corpus(options(dir.path(), 500, 1));
  REQUIRE(summary.ok());
  load::CorpusOptions corpus;
  corpus.corpus_dir = dir.path();
  auto loaded = load::load_corpus(corpus);
  REQUIRE(loaded.ok());
  // The copied ATLAS file may bring the source's own repairs; the generated records bring none.
  for (const auto& w : loaded->warnings) {
    INFO(w.to_string());
    CHECK(w.where.rfind("risks.jsonl", 0) != 0);
  }
  CHECK(loaded->stats.jsonl_records == 500);
  CHECK(loaded->stats.risks == 500);
  CHECK(loaded->stats.links > 0);
  CHECK(loaded->stats.techniques > 0);
  const auto lines = [&](const char* name) {
    const std::string text = testing::read_text(dir.path() / "queries" / name);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  CHECK(lines("search.txt") == 500);
  CHECK(lines("prefix.txt") == 200);
  CHECK(lines("browse.txt") == 100);
}

TEST_CASE("a scaled corpus's first records do not depend on N", "[bench][gencorpus]") {
  ScratchDir dir("gencorpus-prefix");
  REQUIRE(bench::generate_corpus(options(dir.path() / "small", 50, 3)).ok());
  REQUIRE(bench::generate_corpus(options(dir.path() / "large", 80, 3)).ok());
  const std::string small = testing::read_text(dir.path() / "small" / "risks.jsonl");
  CHECK(testing::read_text(dir.path() / "large" / "risks.jsonl").substr(0, small.size()) == small);
}
