#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <sys/stat.h>

#include "load/corpus.h"
#include "load_test_support.h"

using namespace riskatlas;
using namespace riskatlas::testing;
namespace fs = std::filesystem;

namespace {

// Why load_corpus refuses `options` ("<code>: <message>"); the test stops if it loads.
std::string refusal(const load::CorpusOptions& options) {
  const auto r = load::load_corpus(options);
  REQUIRE_FALSE(r.ok());
  return r.status().to_string();
}

// Why load_corpus refuses the folder `dir`.
std::string refusal(const fs::path& dir) {
  load::CorpusOptions options;
  options.corpus_dir = dir;
  return refusal(options);
}

// The project corpus's files, copied into `dir` to be added to or changed.
void copy_corpus(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(corpus_dir()))
    if (entry.is_regular_file()) fs::copy_file(entry.path(), dir / entry.path().filename());
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("load_corpus reads a fixture folder with records and links", "[load][corpus]") {
  load::CorpusOptions options;
  options.corpus_dir = load_fixture("corpus");
  auto result = load::load_corpus(options);
  REQUIRE(result.ok());
  const load::LoadReport& report = *result;
  const auto& a = report.atlas;
  check_stats(report.stats, {.csv_rows = 11,
                             .sources = 2,
                             .risks = 7,
                             .evidence_merged = 3,
                             .tactics = 2,
                             .techniques = 4,
                             .mitigations = 3,
                             .case_studies = 1,
                             .procedure_steps = 3,
                             .links = 7,
                             .jsonl_records = 3});
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

TEST_CASE("load_corpus finds the links and synonyms files whatever the case of their names", "[load][corpus]") {
  ScratchDir dir("load_corpus_names");
  for (const char* f : {"risks.csv", "atlas.yaml", "org.jsonl"}) fs::copy_file(load_fixture("corpus") / f, dir.path() / f);
  fs::copy_file(load_fixture("corpus/links.yaml"), dir.path() / "Links.YAML");
  write_file(dir.path(), "SYNONYMS.yml", "version: 1\nsynonyms:\n  - [llm, large language model]\n");
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  auto result = load::load_corpus(options);
  REQUIRE(result.ok());
  CHECK(result->stats.links == 7);
  CHECK(result->stats.synonym_groups == 1);
  CHECK_FALSE(has_warning(result->warnings, "is read instead"));

  // Two spellings of one name: one is read, the other named in a warning.
  fs::copy_file(load_fixture("corpus/links.yaml"), dir.path() / "links.yaml");
  auto twice = load::load_corpus(options);
  REQUIRE(twice.ok());
  CHECK(twice->stats.links == 7);
  CHECK(has_warning(twice->warnings, "links.yaml", "ignored: Links.YAML is read instead"));
}

TEST_CASE("load_corpus fails on a missing folder, a file, an empty folder and unusable files", "[load][corpus]") {
  CHECK_THAT(refusal("/nonexistent/riskatlas/corpus"),
             Catch::StartsWith("not found: ") && Catch::EndsWith("corpus folder not found"));

  ScratchDir dir("load_corpus_bad");
  CHECK_THAT(refusal(write_file(dir.path(), "plain.txt", "x")), Catch::EndsWith("plain.txt: not a folder"));

  const fs::path empty = dir.path() / "empty";
  write_file(empty, "README.md", "nothing to load");
  write_file(empty, "links.yaml", "version: 1\nlinks: []\n");
  CHECK_THAT(refusal(empty), Catch::Contains("no corpus files"));

  const fs::path fifo_dir = dir.path() / "fifo";
  fs::create_directories(fifo_dir);
  REQUIRE(mkfifo((fifo_dir / "data.csv").c_str(), 0600) == 0);
  CHECK_THAT(refusal(fifo_dir), Catch::Contains("not a regular file"));

  const fs::path dangling = dir.path() / "dangling";
  fs::create_directories(dangling);
  fs::create_symlink(dangling / "gone.yaml", dangling / "atlas.yaml");
  CHECK_THAT(refusal(dangling), Catch::Contains("atlas.yaml: dangling symbolic link"));

  const fs::path bad_csv = dir.path() / "badcsv";
  write_file(bad_csv, "a.csv", "not,the,export\n1,2,3\n");
  CHECK_THAT(refusal(bad_csv), Catch::Contains("a.csv:1: not an AI Risk Repository export"));
}

TEST_CASE("load_corpus refuses a document read whole over the size cap", "[load][corpus]") {
  ScratchDir dir("load_corpus_big");
  const fs::path big = dir.path() / "atlas.yaml";
  { std::ofstream out(big); }
  fs::resize_file(big, 257ull * 1024 * 1024);  // sparse: no disk used
  CHECK_THAT(refusal(dir.path()), Catch::Contains("too large"));
}

TEST_CASE("load_corpus streams an export CSV of any size: only an overlong record is skipped", "[load][corpus][long]") {
  ScratchDir dir("load_corpus_big_csv");
  const fs::path big = dir.path() / "big.csv";
  {
    std::ofstream out(big, std::ios::binary);
    out << kRiskHeader << "\n"
        << "A paper,Ref2024,01.01.00,1,1,0,,Risk Category,Misuse,,Attackers misuse models.,,,,,,,,\n";
  }
  fs::resize_file(big, 257ull * 1024 * 1024);  // sparse: a last record of 257 MB of NUL bytes
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  CHECK(r->stats.risks == 1);
  CHECK(r->stats.skipped == 1);
  CHECK(has_warning(r->warnings, "big.csv:3", "longer than"));
}

TEST_CASE("load_corpus streams a JSON Lines file of any size: only an overlong line is refused", "[load][corpus]") {
  ScratchDir dir("load_corpus_big_jsonl");
  const fs::path big = dir.path() / "big.jsonl";
  { std::ofstream out(big); }
  fs::resize_file(big, 257ull * 1024 * 1024);  // sparse: one line of 257 MB of NUL bytes, no break
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  CHECK(r->stats.skipped == 1);
  CHECK(has_warning(r->warnings, "big.jsonl:1", "line longer than"));
}

TEST_CASE("load_corpus reads the project corpus whole, skipping nothing", "[load][corpus]") {
  // The project's own corpus (corpus/README.md) is part of the tree: a missing folder is a failure.
  REQUIRE(fs::is_directory(corpus_dir()));
  load::CorpusOptions options;
  options.corpus_dir = corpus_dir();
  auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  const load::LoadStats& stats = r->stats;
  CHECK(stats.risks == 81);
  CHECK(stats.sources == 8);
  CHECK(stats.evidence_merged == 28);
  CHECK(stats.tactics == 16);
  CHECK(stats.techniques == 67);
  CHECK(stats.mitigations == 21);
  CHECK(stats.jsonl_records == 5);
  CHECK(stats.links == 615);
  CHECK(stats.synonym_groups > 0);
  CHECK(stats.skipped == 0);
  CHECK(r->atlas.risks.size() == stats.risks);
  CHECK(r->atlas.links.size() == stats.links);
  // Every link resolves to a loaded risk and technique.
  for (const auto& l : r->atlas.links) {
    INFO(l.risk_id << " -> " << l.technique_id);
    CHECK(find_risk(r->atlas, l.risk_id) != nullptr);
    CHECK(find_technique(r->atlas, l.technique_id) != nullptr);
  }
}

TEST_CASE("load_corpus refuses a second copy of an export left in the folder", "[load][corpus]") {
  for (const char* export_file : {"atlas.yaml", "ai-risk-repository.csv"}) {
    INFO(export_file);
    ScratchDir dir("load_corpus_copy");
    copy_corpus(dir.path());
    // An old download beside the new one: same records, so every one would load twice as "<id>-2".
    fs::copy_file(corpus_dir() / export_file, dir.path() / (std::string("old-") + export_file));
    const std::string why = refusal(dir.path());
    CHECK_THAT(why, Catch::StartsWith("invalid argument: "));
    CHECK_THAT(why, Catch::Contains("a second copy of an export?"));
  }
  // A small file repeating ids (fewer than 10 records) is not taken for a copy: its records load,
  // renamed, with warnings.
  ScratchDir dir("load_corpus_few");
  copy_corpus(dir.path());
  fs::copy_file(corpus_dir() / "team-register.jsonl", dir.path() / "team-register-again.jsonl");
  load::CorpusOptions options;
  options.corpus_dir = dir.path();
  const auto r = load::load_corpus(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
}

TEST_CASE("load_corpus refuses an ATLAS file cut short", "[load][corpus]") {
  const std::string text = text_of(corpus_dir() / "atlas.yaml");
  ScratchDir dir("load_corpus_cut");
  // Cut mid-line, as an interrupted download leaves it: what is left still parses as YAML.
  std::size_t cut = text.size() * 3 / 4;
  while (text[cut - 1] == '\n') --cut;
  std::ofstream(dir.path() / "atlas.yaml", std::ios::binary) << text.substr(0, cut);
  const std::string why = refusal(dir.path());
  CHECK_THAT(why, Catch::StartsWith("invalid argument: "));
  CHECK_THAT(why, Catch::Contains("the file looks cut off"));
}

TEST_CASE("load_corpus refuses a links or extra file whose entries were mostly skipped", "[load][corpus]") {
  ScratchDir dir("load_corpus_skipped");
  // Keys renamed (a format change): every entry lacks a selector.
  std::string links = text_of(corpus_dir() / "links.yaml");
  for (const std::string key : {"subdomain:", "domain:", "risk:"})
    for (std::size_t at = links.find("- " + key); at != std::string::npos; at = links.find("- " + key, at + 2))
      links.replace(at, 2 + key.size(), "- area-" + key);
  std::ofstream(dir.path() / "renamed-links.yaml") << links;
  load::CorpusOptions options;
  options.corpus_dir = corpus_dir();
  options.links_file = dir.path() / "renamed-links.yaml";
  const std::string why = refusal(options);
  CHECK_THAT(why, Catch::StartsWith("invalid argument: "));
  CHECK_THAT(why, Catch::Contains("is it the right file"));

  // The ATLAS YAML given as extra JSON Lines: no line of it is a record.
  options.links_file.reset();
  options.extra_jsonl = {corpus_dir() / "atlas.yaml"};
  CHECK_THAT(refusal(options), Catch::Contains("is it the right file"));
}
