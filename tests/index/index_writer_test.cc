#include <mutex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "index/index_writer.h"
#include "index/record_document.h"
#include "index/schema.h"
#include "index/shards.h"
#include "model/taxonomy.h"
#include "search/fixture.h"
#include "search/searcher.h"

using namespace riskatlas;
using riskatlas::testing::ScratchDir;

namespace {

Xapian::Document document_of(Xapian::Database& db, const std::string& id) {
  auto p = db.postlist_begin(std::string(schema::kIdPrefix) + id);
  REQUIRE(p != db.postlist_end(std::string(schema::kIdPrefix) + id));
  return db.get_document(*p);
}

}  // namespace

TEST_CASE("the index holds one document per record with a unique id term", "[index]") {
  ScratchDir dir("index-counts");
  Diagnostics warnings;
  auto written = index::write_database(testing::tiny_atlas(), dir.path() / "db", {}, warnings);
  REQUIRE(written.ok());
  CHECK(written->documents == 13);
  CHECK(written->by_type.at("risk") == 6);
  CHECK(written->by_type.at("technique") == 4);
  CHECK(written->by_type.at("mitigation") == 3);
  CHECK(written->links == 4);
  Xapian::Database db((dir.path() / "db").string());
  CHECK(db.get_doccount() == 13);
  CHECK(db.get_termfreq("Q01.01.00") == 1);
  CHECK(db.get_uuid() == written->uuid);
  CHECK(db.get_metadata(schema::kMetaSchema) == schema::kSchemaVersion);
  CHECK_FALSE(db.get_metadata(schema::kMetaAnalyzer).empty());
}

TEST_CASE("every facet has a filter term and a value slot", "[index]") {
  ScratchDir dir("index-facets");
  Diagnostics warnings;
  REQUIRE(index::write_database(testing::tiny_atlas(), dir.path() / "db", {}, warnings).ok());
  Xapian::Database db((dir.path() / "db").string());
  const Xapian::Document risk = document_of(db, "03.02.00");
  CHECK(db.get_termfreq("Kdomain:2") == 3);
  CHECK(db.get_termfreq("Ktype:risk") == 6);
  CHECK(risk.get_value(model::find_facet("subdomain")->slot) == "2.2");
  CHECK(risk.get_value(model::find_facet("timing")->slot) == "pre-deployment");
  // Multi-valued: both lifecycle stages of the risk's mitigations, one slot.
  const std::string lifecycle = risk.get_value(model::find_facet("lifecycle")->slot);
  CHECK(lifecycle == std::string("data-preparation") + schema::kMultiValueSeparator + "deployment");
  CHECK(db.get_termfreq("Klifecycle:deployment") >= 2);
  const Xapian::Document technique = document_of(db, "AML.T0018.000");
  CHECK(technique.get_value(model::find_facet("tactic")->slot) == "AML.TA0003");
}

TEST_CASE("every record's whole title is one term; a sub-technique's full name is another", "[index]") {
  ScratchDir dir("index-titles");
  Diagnostics warnings;
  REQUIRE(index::write_database(testing::tiny_atlas(), dir.path() / "db", {}, warnings).ok());
  Xapian::Database db((dir.path() / "db").string());
  const auto title_terms = [&](const std::string& id) {
    std::vector<std::string> out;
    const Xapian::Document doc = document_of(db, id);
    const std::string prefix(schema::kExactTitlePrefix);
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
      if ((*t).rfind(prefix, 0) == 0 && (*t).size() > prefix.size() && !std::isupper(static_cast<unsigned char>((*t)[prefix.size()])))
        out.push_back((*t).substr(prefix.size()));
    return out;
  };
  CHECK(title_terms("01.02.00") == std::vector<std::string>{"model evasion"});
  CHECK(title_terms("AML.T0018") == std::vector<std::string>{"manipulate ai model"});
  CHECK(title_terms("AML.T0018.000") == std::vector<std::string>{"manipulate ai model poison ai model", "poison ai model"});
}

TEST_CASE("stored record JSON round-trips with id and type at the top", "[index]") {
  ScratchDir dir("index-json");
  Diagnostics warnings;
  const model::Atlas atlas = testing::tiny_atlas();
  REQUIRE(index::write_database(atlas, dir.path() / "db", {}, warnings).ok());
  Xapian::Database db((dir.path() / "db").string());
  const auto risk = nlohmann::json::parse(document_of(db, "02.01.00").get_data());
  CHECK(risk["id"] == "02.01.00");
  CHECK(risk["type"] == "risk");
  CHECK(risk["title"] == "Biased hiring outcomes");
  CHECK(risk["evidence"][0]["text"] == "<script>alert(1)</script> appeared in a scraped r\xC3\xA9sum\xC3\xA9.");
  CHECK(risk["source"]["quickref"] == "Beta2022");
  // Facet labels and what links show of ATLAS records are stored once, as metadata.
  CHECK(risk["facets"]["domain"] == nlohmann::json{{"value", "1"}});
  CHECK(nlohmann::json::parse(db.get_metadata(schema::kMetaLinked))["mitigation"]["AML.M0015"]["lifecycle"].size() == 2);

  // Read through the server's path, labels and linked records' fields are back
  // (stored_record_test.cc reads every record of corpus/ so).
  analysis::Analyzer analyzer;
  auto gen = search::Generation::open(dir.path() / "db");
  REQUIRE(gen.ok());
  search::Searcher searcher(std::move(gen).value(), analyzer);
  const auto read = searcher.record("02.01.00");
  REQUIRE(read.ok());
  CHECK(*read == index::risk_json(atlas, model::LinkGraph(atlas), index::collect_labels(atlas), 2));  // risks[2]
  CHECK((*read)["facets"]["domain"]["label"] == "1. Discrimination & Toxicity");
  const auto mitigation = *searcher.record("AML.M0015");
  CHECK(mitigation["facets"]["lifecycle"][0]["label"] == "Deployment");
}

TEST_CASE("invalid UTF-8 in record text is stored replaced, never thrown on", "[index]") {
  ScratchDir dir("index-utf8");
  auto atlas = testing::tiny_atlas();
  atlas.risks[0].description = "broken \xff\xfe text";
  Diagnostics warnings;
  REQUIRE(index::write_database(atlas, dir.path() / "db", {}, warnings).ok());
  Xapian::Database db((dir.path() / "db").string());
  const auto risk = nlohmann::json::parse(document_of(db, "01.01.00").get_data());
  CHECK(risk["description"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("a record whose id is too long for Xapian is skipped and costs no other record", "[index]") {
  ScratchDir dir("index-long-id");
  auto atlas = testing::tiny_atlas();
  atlas.risks[2].id = std::string(300, 'x');
  Diagnostics warnings;
  auto written = index::write_database(atlas, dir.path() / "db", {}, warnings);
  REQUIRE(written.ok());
  CHECK(written->documents == 12);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message.find("id too long") != std::string::npos);
}

TEST_CASE("writing into an existing directory is refused and touches nothing", "[index]") {
  ScratchDir dir("index-exists");
  std::filesystem::create_directories(dir.path() / "db");
  Diagnostics warnings;
  auto written = index::write_database(testing::tiny_atlas(), dir.path() / "db", {}, warnings);
  CHECK_FALSE(written.ok());
  CHECK(std::filesystem::is_empty(dir.path() / "db"));
}

TEST_CASE("natural sort keys order numbers by value", "[index]") {
  CHECK(index::natural_sort_key("AML.T2") < index::natural_sort_key("AML.T10"));
  CHECK(index::natural_sort_key("01.02.00") < index::natural_sort_key("01.10.00"));
}

namespace {

// The tiny atlas with `n` more risks, copies of its first with ids "90.<i>.00".
model::Atlas atlas_with_extra_risks(std::size_t n) {
  auto atlas = testing::tiny_atlas();
  const model::Risk first = atlas.risks.front();
  for (std::size_t i = 0; i < n; ++i) {
    model::Risk copy = first;
    copy.id = copy.ev_id = "90." + std::to_string(i) + ".00";
    atlas.risks.push_back(std::move(copy));
  }
  return atlas;
}

}  // namespace

TEST_CASE("documents are numbered in build order, however many wait between building and writing", "[index][concurrency]") {
  ScratchDir dir("index-order");
  const auto atlas = atlas_with_extra_risks(400);
  Diagnostics warnings;
  auto written = index::write_database(atlas, dir.path() / "db", {}, warnings);
  REQUIRE(written.ok());
  CHECK(written->documents == 413);
  Xapian::Database db((dir.path() / "db").string());
  for (std::size_t i = 0; i < atlas.risks.size(); ++i) {
    const auto record = nlohmann::json::parse(db.get_document(static_cast<Xapian::docid>(i + 1)).get_data());
    REQUIRE(record["id"] == atlas.risks[i].id);
  }
  const auto last = nlohmann::json::parse(db.get_document(db.get_lastdocid()).get_data());
  CHECK(last["id"] == atlas.mitigations.back().id);
}

namespace {

// Every document of the database at `path` (one, or a sharded set through its stub): its docid,
// stored record, terms with their wdf and positions.
std::vector<std::string> contents(const std::filesystem::path& path) {
  Xapian::Database db(path.string());
  std::vector<std::string> out;
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    const Xapian::Document doc = db.get_document(*d);
    std::string line = std::to_string(*d);
    line.append(" ").append(doc.get_data());
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      line.append(" ").append(*t).append(":").append(std::to_string(t.get_wdf()));
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) line.append(",").append(std::to_string(*p));
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

TEST_CASE("commits every few documents write the same index as one commit at the end", "[index][concurrency]") {
  ScratchDir dir("index-commits");
  const auto atlas = atlas_with_extra_risks(60);
  for (const std::size_t shards : {1, 2}) {
    DYNAMIC_SECTION("shards: " << shards) {
      index::WriteOptions once, often;
      once.shards = often.shards = shards;
      often.documents_per_commit = 7;  // 73 documents: ten commits in each shard or more, and a remainder
      Diagnostics warnings;
      const auto a = dir.path() / ("once-" + std::to_string(shards)), b = dir.path() / ("often-" + std::to_string(shards));
      auto built_once = index::write_database(atlas, a, once, warnings);
      auto built_often = index::write_database(atlas, b, often, warnings);
      REQUIRE(built_once.ok());
      REQUIRE(built_often.ok());
      CHECK(built_often->documents == 73);
      CHECK(built_often->shard_documents == built_once->shard_documents);
      const auto expected = contents(a);
      CHECK(expected.size() == 73);
      CHECK(contents(b) == expected);
      CHECK(Xapian::Database(b.string()).get_avlength() == Xapian::Database(a.string()).get_avlength());
      // The commits happened: each made a revision (of the one database, or of each shard).
      const auto revision = [](const std::filesystem::path& db) { return Xapian::Database(db.string()).get_revision(); };
      if (shards == 1) {
        CHECK(revision(b) >= revision(a) + 10);
      } else {
        for (std::size_t k = 0; k < shards; ++k)
          CHECK(revision(b / index::shard_name(k)) >= revision(a / index::shard_name(k)) + 4);
      }
    }
  }
  index::WriteOptions none;
  none.documents_per_commit = 0;
  Diagnostics warnings;
  CHECK_FALSE(index::write_database(atlas, dir.path() / "none", none, warnings).ok());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "none"));
}

namespace {

// The database's spelling words with their frequencies, synonyms, and metadata but the build's time.
std::vector<std::string> vocabulary(const std::filesystem::path& path) {
  Xapian::Database db(path.string());
  std::vector<std::string> out;
  for (auto w = db.spellings_begin(); w != db.spellings_end(); ++w)
    out.push_back("spelling " + *w + ":" + std::to_string(w.get_termfreq()));
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k)
    for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s) out.push_back("synonym " + *k + "=" + *s);
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
    auto value = db.get_metadata(*k);
    if (*k == schema::kMetaBuild) {
      auto build = nlohmann::json::parse(value);
      build.erase("built_at");
      value = build.dump();
    }
    out.push_back("metadata " + *k + "=" + value);
  }
  return out;
}

}  // namespace

TEST_CASE("a build in parts merged by compaction is the same index as one written in one go", "[index][concurrency]") {
  ScratchDir dir("index-parts");
  auto atlas = atlas_with_extra_risks(60);
  atlas.risks[50].id = atlas.risks[2].id;  // repeats an id of the first share: skipped, the later docids close up
  atlas.risks[40].description = "Hallucinated citations";  // words no other record holds, for the spelling table
  Diagnostics once_warnings;
  const auto once = dir.path() / "once";
  auto built_once = index::write_database(atlas, once, {}, once_warnings);
  REQUIRE(built_once.ok());
  REQUIRE(built_once->documents == 72);
  REQUIRE(once_warnings.size() == 1);
  const auto expected = contents(once);
  // 12 parts of 7 and the vocabulary, merged 64 at a time (one stage) or 3 (13 -> 5 -> 2 -> 1).
  const std::vector<std::pair<std::size_t, std::size_t>> layouts{{7, 64}, {7, 3}, {40, 64}, {71, 64}};
  for (const auto& [per_part, per_merge] : layouts) {
    DYNAMIC_SECTION("documents per part: " << per_part << ", parts per merge: " << per_merge) {
      index::WriteOptions options;
      options.documents_per_part = per_part;
      options.parts_per_merge = per_merge;
      options.documents_per_commit = 3;
      options.threads = 2;  // whatever the machine: the repeated id below then crosses shares
      std::vector<std::pair<std::size_t, std::size_t>> reports;  // (written, total), from the writing threads
      std::mutex reports_mutex;
      options.progress_every = 1;
      options.progress = [&](std::size_t written, std::size_t total) {
        std::lock_guard lock(reports_mutex);
        reports.emplace_back(written, total);
      };
      Diagnostics warnings;
      const auto parted = dir.path() / ("parted-" + std::to_string(per_part) + "-" + std::to_string(per_merge));
      auto built = index::write_database(atlas, parted, options, warnings);
      REQUIRE(built.ok());
      CHECK(built->documents == 72);
      CHECK(built->by_type == built_once->by_type);
      REQUIRE(reports.size() == 72);
      for (std::size_t i = 0; i < reports.size(); ++i) CHECK(reports[i] == std::make_pair(i + 1, std::size_t{73}));
      REQUIRE(warnings.size() == once_warnings.size());
      CHECK(warnings[0].to_string() == once_warnings[0].to_string());
      CHECK(contents(parted) == expected);
      CHECK(vocabulary(parted) == vocabulary(once));
      Xapian::Database db(parted.string());
      CHECK(db.get_uuid() == built->uuid);
      CHECK(db.get_avlength() == Xapian::Database(once.string()).get_avlength());
      CHECK(db.get_revision() == 1);  // a compacted database; written in one go with these commits it would be 24 or more
      CHECK_FALSE(std::filesystem::exists(parted / "parts"));
    }
  }
  index::WriteOptions none;
  none.documents_per_part = 0;
  Diagnostics warnings;
  CHECK_FALSE(index::write_database(atlas, dir.path() / "none", none, warnings).ok());
  index::WriteOptions one_at_a_time;
  one_at_a_time.parts_per_merge = 1;
  CHECK_FALSE(index::write_database(atlas, dir.path() / "one", one_at_a_time, warnings).ok());
}

TEST_CASE("a second record with an id already indexed is skipped with a warning", "[index]") {
  ScratchDir dir("index-duplicate");
  auto atlas = testing::tiny_atlas();
  atlas.risks[3].id = atlas.risks[1].id;
  Diagnostics warnings;
  auto written = index::write_database(atlas, dir.path() / "db", {}, warnings);
  REQUIRE(written.ok());
  CHECK(written->documents == 12);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].where == "record " + atlas.risks[1].id);
  CHECK(warnings[0].message.find("already indexed") != std::string::npos);
}

TEST_CASE("a build that fails while documents are still being built stops cleanly and leaves nothing", "[index][concurrency]") {
  ScratchDir dir("index-fails");
  index::WriteOptions options;
  options.progress_every = 50;
  options.progress = [](std::size_t written, std::size_t) {
    if (written == 100) throw std::runtime_error("disk full");
  };
  for (const std::size_t per_part : {std::size_t{1} << 20, std::size_t{300}}) {
    DYNAMIC_SECTION("documents per part: " << per_part) {
      options.documents_per_part = per_part;
      options.threads = 2;
      Diagnostics warnings;
      auto written = index::write_database(atlas_with_extra_risks(2000), dir.path() / "db", options, warnings);
      REQUIRE_FALSE(written.ok());
      CHECK(written.status().message().find("disk full") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(dir.path() / "db"));
    }
  }
}
