#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include <sys/stat.h>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
namespace fs = std::filesystem;

TEST_CASE("load_corpus reads a fixture folder with records and links", "[load][corpus]") {
  load::CorpusOptions options;
  options.corpus_dir = load_fixture("corpus");
  auto result = load::load_corpus(options);
  REQUIRE(result.ok());
  const load::LoadReport& report = *result;
  const auto& a = report.atlas;
  CHECK(report.stats.risks == 7);
  CHECK(report.stats.sources == 2);
  CHECK(report.stats.evidence_merged == 3);
  CHECK(report.stats.techniques == 4);
  CHECK(report.stats.mitigations == 3);
  CHECK(report.stats.tactics == 2);
  CHECK(report.stats.jsonl_records == 3);
  // JSONL: ORG-001 -> AML.T0100 (kept, and the links.yaml repeat is deduplicated), AML.T9999 dropped.
  CHECK(has_warning(report.warnings, "org.jsonl:2", "unknown technique 'AML.T9999'", "dropped"));
  CHECK(has_link(a, "ORG-001", "AML.T0100"));
  CHECK(has_link(a, "ORG-001", "AML.T0101"));  // subdomain 2.2
  CHECK(has_link(a, "ORG-001", "ORG-T1"));
  CHECK(has_link(a, "01.01.00", "AML.T0101"));
  CHECK(has_link(a, "02.01.00", "AML.T0100"));
  CHECK(has_link(a, "01.02.01", "AML.T0100.000"));
  CHECK(has_link(a, "01.02.01-2", "AML.T0100.000"));
  CHECK(a.links.size() == 7);
  CHECK(report.stats.links == 7);
  for (const auto& l : a.links)
    if (l.risk_id == "ORG-001" && l.technique_id == "AML.T0100") CHECK(l.origin == "org.jsonl:2");
  std::set<std::string> ids;
  for (const auto& r : a.risks) ids.insert(r.id);
  CHECK(ids.size() == a.risks.size());
  CHECK(a.versions.at("atlas_version") == "0.9.1");
}

TEST_CASE("load_corpus reads extra JSONL files and an explicit links file", "[load][corpus]") {
  ScratchDir dir("load_corpus_extra");
  fs::copy_file(load_fixture("corpus/risks.csv"), dir.path() / "risks.csv");
  fs::copy_file(load_fixture("corpus/atlas.yaml"), dir.path() / "atlas.yaml");
  const auto extra = write_file(dir.path() / "elsewhere", "more.jsonl",
                                "{\"type\":\"risk\",\"id\":\"X-1\",\"title\":\"Extra\",\"techniques\":[\"AML.T0101\"]}\n");
  const auto links = write_file(dir.path() / "elsewhere", "my-links.csv",
                                "selector,value,technique,why\nrisk,X-1,AML.T0100,extra\n");
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  options.extra_jsonl = {extra};
  options.links_file = links;
  auto result = load::load_corpus(options);
  REQUIRE(result.ok());
  CHECK(has_link(result->atlas, "X-1", "AML.T0101"));
  CHECK(has_link(result->atlas, "X-1", "AML.T0100"));
  CHECK(result->stats.links == 2);
}

TEST_CASE("load_corpus fails on a missing folder, a file, an empty folder and unusable files", "[load][corpus]") {
  load::CorpusOptions options;
  options.corpus_dir = "/nonexistent/riskatlas/corpus";
  CHECK(load::load_corpus(options).status().code() == StatusCode::kNotFound);

  ScratchDir dir("load_corpus_bad");
  options.corpus_dir = write_file(dir.path(), "plain.txt", "x");
  CHECK_FALSE(load::load_corpus(options).ok());

  const fs::path empty = dir.path() / "empty";
  fs::create_directories(empty);
  write_file(empty, "README.md", "nothing to load");
  write_file(empty, "links.yaml", "version: 1\nlinks: []\n");
  options.corpus_dir = empty;
  const auto none = load::load_corpus(options);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("no corpus files") != std::string::npos);

  const fs::path fifo_dir = dir.path() / "fifo";
  fs::create_directories(fifo_dir);
  REQUIRE(mkfifo((fifo_dir / "data.csv").c_str(), 0600) == 0);
  options.corpus_dir = fifo_dir;
  const auto fifo = load::load_corpus(options);
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.status().message().find("not a regular file") != std::string::npos);

  const fs::path dangling = dir.path() / "dangling";
  fs::create_directories(dangling);
  fs::create_symlink(dangling / "gone.yaml", dangling / "atlas.yaml");
  options.corpus_dir = dangling;
  CHECK_FALSE(load::load_corpus(options).ok());

  const fs::path bad_csv = dir.path() / "badcsv";
  write_file(bad_csv, "a.csv", "not,the,export\n1,2,3\n");
  options.corpus_dir = bad_csv;
  const auto header = load::load_corpus(options);
  REQUIRE_FALSE(header.ok());
  CHECK(header.status().message().find("a.csv:1: not an AI Risk Repository export") != std::string::npos);
}

TEST_CASE("load_corpus refuses a file over the size cap", "[load][corpus]") {
  ScratchDir dir("load_corpus_big");
  const fs::path big = dir.path() / "big.jsonl";
  { std::ofstream out(big); }
  fs::resize_file(big, 257ull * 1024 * 1024);  // sparse: no disk used
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  const auto r = load::load_corpus(options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("too large") != std::string::npos);
}

TEST_CASE("load_corpus reads the project corpus when it is present", "[load][corpus]") {
  // The project's own corpus is written separately; this only checks it loads when it is there.
  if (!fs::is_directory(corpus_dir())) {
    WARN("no corpus/ folder yet: nothing to check");
    return;
  }
  load::CorpusOptions options;
  options.corpus_dir = corpus_dir();
  auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  CHECK(r.ok());
}
