// Writes an Atlas into a new Xapian database directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/record.h"
#include "util/diagnostic.h"
#include "util/status.h"

namespace riskatlas::index {

struct WriteOptions {
  // Extra facts stored in the build metadata (load statistics, source file names); shown by /healthz.
  nlohmann::json build_info = nlohmann::json::object();
  // Called every `progress_every` documents with (written, total), from any thread, one call at a time.
  std::function<void(std::size_t, std::size_t)> progress;
  std::size_t progress_every = 500;
  // 1: one database in `db_dir`. N > 1: a sharded generation (index/shards.h) whose shards are
  // written by min(N, threads) threads, each with its own WritableDatabases.
  std::size_t shards = 1;
  // Documents written between commits (each shard counts its own). Xapian buffers the postings of
  // added documents until a commit, which it makes by itself every 10,000; every 2,500 keeps that
  // buffer small enough to stay in cache. At 100k grown records, alternating runs (bench/NOTES.md):
  // 10,000 took 88.6-112.2 s wall (mean 100) and peaked at 346 MB, 2,500 took 69.4-93.1 s (mean 83)
  // at 213 MB; 1,000 took 79.8-89.0 s, 50,000 134 s at 1 GB; at 1M, three builds were within this
  // machine's noise. Nobody reads a generation before it is published: a commit half-way exposes nothing.
  std::size_t documents_per_commit = 2500;
  // One database of more records than this is built in parts of at most this many records, on
  // every core at once (each core a contiguous share, in parts of its own), then merged by Xapian's
  // compaction. A database that grows large makes every commit rewrite more of its B-trees: at 1M
  // grown records one build wrote 78 GB for a 6.6 GB index and kept less than one core busy.
  std::size_t documents_per_part = 25000;
  // Parts merged by one compaction at most (each holds about four files open while it merges): more
  // are merged in stages, so 25M records do not need 4,000 open files.
  std::size_t parts_per_merge = 64;
  // Cores to build on: threads writing the parts (each with a thread building its documents) or the
  // shards; 0 for every core.
  std::size_t threads = 0;
};

struct WriteSummary {
  std::size_t documents = 0;
  std::map<std::string, std::size_t> by_type;  // "risk" -> count, ...
  std::size_t links = 0;
  std::string uuid;  // the new database's UUID (a sharded one's joins its parts'): the identity of this build
  std::vector<std::size_t> shard_documents;  // documents per shard; empty when not sharded
};

// Builds the whole database (or sharded set) in `db_dir`, which must not exist yet.
// On any failure the partial directory is removed and a Status names the cause (disk full,
// permissions, ...); nothing outside `db_dir` is touched.
Result<WriteSummary> write_database(const model::Atlas& atlas, const std::filesystem::path& db_dir,
                                    const WriteOptions& options, Diagnostics& warnings);

}  // namespace riskatlas::index
