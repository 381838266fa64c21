#include "search/shard_set.h"

#include <optional>
#include <set>

#include "index/generations.h"
#include "index/schema.h"

namespace riskatlas::search {
namespace fs = std::filesystem;
using index::ShardEntry;

Result<ShardSet> ShardSet::resolve(const fs::path& location, std::chrono::milliseconds remote_timeout) {
  ShardSet set;
  set.remote_timeout_ = remote_timeout;
  std::error_code ec;
  if (fs::is_directory(location, ec)) {
    const fs::path stub = location / index::kShardStubName;
    if (!fs::exists(stub, ec)) {
      set.entries_.push_back({ShardEntry::Kind::kLocal, location, "", 0, "auto " + location.string()});
      return set;
    }
    auto entries = index::read_shard_stub(stub);
    if (!entries.ok()) return entries.status();
    set.entries_ = std::move(entries).value();
    return set;
  }
  auto entries = index::read_shard_stub(location);
  if (!entries.ok()) return entries.status();
  for (auto& e : entries.value()) {
    if (e.kind != ShardEntry::Kind::kLocal) continue;
    const index::IndexRoot root(e.path);
    if (fs::exists(root.stub_path(), ec)) {
      auto live = root.live_generation();
      if (!live.ok()) return live.status();
      e.path = *live;
    }
    if (fs::exists(e.path / index::kShardStubName, ec)) e.path /= index::kVocabularyName;
  }
  set.entries_ = std::move(entries).value();
  return set;
}

bool ShardSet::has_remote() const {
  for (const auto& e : entries_)
    if (e.kind == ShardEntry::Kind::kRemote) return true;
  return false;
}

std::string ShardSet::identity() const {
  std::string out;
  for (const auto& e : entries_)
    out += e.kind == ShardEntry::Kind::kRemote ? "remote " + e.host + ":" + std::to_string(e.port) + "\n"
                                               : "auto " + e.path.string() + "\n";
  return out;
}

namespace {

std::string name_of(const ShardEntry& e) { return e.kind == ShardEntry::Kind::kRemote ? e.line : e.path.string(); }

// REQUIRES: called inside a try block (Xapian throws).
Xapian::Database open_entry(const ShardEntry& e, std::chrono::milliseconds timeout) {
  if (e.kind == ShardEntry::Kind::kLocal) return Xapian::Database(e.path.string());
  const auto ms = static_cast<unsigned>(timeout.count());
  return Xapian::Remote::open(e.host, e.port, ms, ms);
}

}  // namespace

Result<std::unique_ptr<Xapian::Database>> ShardSet::open() const {
  auto combined = std::make_unique<Xapian::Database>();
  std::optional<index::ShardMeta> vocabulary;  // the first database's shard metadata
  std::set<std::size_t> shards_seen;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const ShardEntry& e = entries_[i];
    try {
      Xapian::Database part = open_entry(e, remote_timeout_);
      // A sharded set: several databases, or a vocabulary alone (a front stub listing no shard).
      if (const auto meta = index::parse_shard_meta(part.get_metadata(schema::kMetaShard)); entries_.size() > 1 || meta) {
        if (i == 0) {
          if (!meta || meta->shard)
            return Status::Unavailable(name_of(e) + ": the first database of a sharded index must be its vocabulary");
          vocabulary = meta;
        } else if (!meta || !meta->shard || meta->generation != vocabulary->generation || meta->shards != vocabulary->shards) {
          return Status::Unavailable(name_of(e) + ": not a shard of generation " + vocabulary->generation + " (it serves " +
                                     (meta ? index::shard_meta_text(*meta) : std::string("no riskatlas shard")) + ")");
        } else if (!shards_seen.insert(*meta->shard).second) {
          return Status::Unavailable(name_of(e) + ": shard listed twice");
        }
      }
      combined->add_database(part);
    } catch (const Xapian::Error& err) {
      return Status::Unavailable(name_of(e) + ": " + err.get_description());
    }
  }
  if (vocabulary && shards_seen.size() != vocabulary->shards)
    return Status::Unavailable("the index lists " + std::to_string(shards_seen.size()) + " of the " +
                               std::to_string(vocabulary->shards) + " shards of generation " + vocabulary->generation);
  return combined;
}

std::vector<ShardState> ShardSet::probe() const {
  std::vector<ShardState> out;
  for (const auto& e : entries_) {
    ShardState s{name_of(e), e.kind == ShardEntry::Kind::kRemote, false, 0, {}};
    try {
      const Xapian::Database db = open_entry(e, remote_timeout_);
      s.documents = db.get_doccount();
      s.up = true;
    } catch (const Xapian::Error& err) {
      s.error = err.get_description();
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace riskatlas::search
