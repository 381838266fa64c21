#include "search/generation.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <new>
#include <string_view>

#include "analysis/analyzer.h"
#include "index/schema.h"
#include "index/shards.h"

namespace riskatlas::search {
namespace {

// Test hook, like riskatlas-index's: RISKATLAS_FAULT=facet-table-bad-alloc fails the table's load.
FacetTable load_facet_table(const Xapian::Database& db, std::size_t databases) {
  if (const char* f = std::getenv("RISKATLAS_FAULT"); f != nullptr && std::string_view(f) == "facet-table-bad-alloc")
    throw std::bad_alloc();
  return FacetTable::load(db, databases);
}

// Generation::spies_run(): the first database's shard metadata says how its shards number documents.
bool spies_can_run(const ShardSet& shards, const Xapian::Database& db) {
  if (shards.has_remote()) return false;
  if (shards.entries().size() == 1) return true;
  const auto meta = index::parse_shard_meta(db.get_metadata(schema::kMetaShard));
  return meta && meta->global_docids;
}

// A schema version as a number; 0, older than any, when it is missing or not a number.
int schema_number(std::string_view text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

// The schema of `db`; Corruption unless this binary reads it (kOldestReadableSchema to kSchemaVersion).
Result<int> readable_schema(const Xapian::Database& db, const std::filesystem::path& dir) {
  const int version = schema_number(db.get_metadata(schema::kMetaSchema));
  if (version < schema_number(schema::kOldestReadableSchema) || version > schema_number(schema::kSchemaVersion))
    return Status::Corruption(dir.string() + ": not a riskatlas index of schema " + schema::kOldestReadableSchema +
                              " to " + schema::kSchemaVersion);
  return version;
}

std::vector<std::string> vocabulary_phrases(const Xapian::Database& db) {
  std::vector<std::string> out;
  // Every expression of a group is a synonym of the group's other expressions' keys.
  for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key)
    for (auto s = db.synonyms_begin(*key); s != db.synonyms_end(*key); ++s)
      if ((*s).find(' ') != std::string::npos) out.push_back(*s);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Result<std::shared_ptr<Generation>> Generation::open(const std::filesystem::path& dir,
                                                      std::chrono::milliseconds remote_timeout) {
  auto shards = ShardSet::resolve(dir, remote_timeout);
  if (!shards.ok()) return Status::Unavailable(shards.status().message());
  try {
    auto opened = shards->open();
    if (!opened.ok()) return opened.status();
    auto db = std::move(opened).value();
    GenerationInfo info;
    info.dir = dir;
    info.name = dir.filename().string();
    info.uuid = db->get_uuid();
    info.documents = db->get_doccount();
    const auto version = readable_schema(*db, dir);
    if (!version.ok()) return version.status();
    info.build = nlohmann::json::parse(db->get_metadata(schema::kMetaBuild), nullptr, false);
    if (info.build.is_discarded()) return Status::Corruption(dir.string() + ": build metadata is not JSON");
    const auto labels = nlohmann::json::parse(db->get_metadata(schema::kMetaLabels), nullptr, false);
    if (!labels.is_object()) return Status::Corruption(dir.string() + ": facet labels are not JSON");
    for (const auto& [facet, values] : labels.items()) {
      if (!values.is_object()) continue;
      for (const auto& [value, label] : values.items())
        if (label.is_string()) info.labels[facet][value] = label.get<std::string>();
    }
    // Older records are stored whole.
    if (*version >= schema::kFirstSchemaSharingLinked) {
      info.linked = nlohmann::json::parse(db->get_metadata(schema::kMetaLinked), nullptr, false);
      if (!info.linked.is_object()) return Status::Corruption(dir.string() + ": linked records' fields are not JSON");
    }
    info.phrases = vocabulary_phrases(*db);
    info.analyzer_version = db->get_metadata(schema::kMetaAnalyzer);
    info.analyzer_matches = info.analyzer_version == analysis::analyzer_version();
    const bool spies = spies_can_run(*shards, *db);
    FacetTable table = spies ? load_facet_table(*db, shards->entries().size()) : FacetTable();
    std::shared_ptr<Generation> gen(new Generation(std::move(info), spies, std::move(table), std::move(shards).value()));
    gen->pool_.push_back(std::move(db));
    return gen;
  } catch (const Xapian::Error& e) {
    return Status::Unavailable(dir.string() + ": " + e.get_description());
  } catch (const std::exception& e) {  // e.g. bad_alloc while loading the facet table
    return Status::Unavailable(dir.string() + ": " + e.what());
  }
}

Result<std::string> Generation::build_uuid(const std::filesystem::path& dir, std::chrono::milliseconds remote_timeout) {
  auto shards = ShardSet::resolve(dir, remote_timeout);
  if (!shards.ok()) return Status::Unavailable(shards.status().message());
  try {
    auto db = shards->open();
    if (!db.ok()) return db.status();
    if (const auto version = readable_schema(**db, dir); !version.ok()) return version.status();
    return (*db)->get_uuid();
  } catch (const Xapian::Error& e) {
    return Status::Unavailable(dir.string() + ": " + e.get_description());
  } catch (const std::exception& e) {
    return Status::Unavailable(dir.string() + ": " + e.what());
  }
}

Result<Generation::Lease> Generation::lease() const {
  {
    std::lock_guard lock(mutex_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto db = shards_.open();
  if (!db.ok()) return db.status();
  return Lease(this, std::move(db).value());
}

Status Generation::Lease::reopen() {
  auto db = owner_->shards_.open();
  if (!db.ok()) return db.status();
  db_ = std::move(db).value();
  return Status();
}

void Generation::report_damage(const std::string& what) const {
  std::lock_guard lock(mutex_);
  if (damage_.empty()) damage_ = what;
}

std::string Generation::damage() const {
  std::lock_guard lock(mutex_);
  return damage_;
}

Generation::Lease::~Lease() {
  if (owner_ == nullptr || !db_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->pool_.push_back(std::move(db_));
}

}  // namespace riskatlas::search
