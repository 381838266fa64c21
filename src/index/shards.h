// Sharded generations: the layout the indexer writes and the stub format every reader parses.
//
// A generation built with --shards N is a directory holding
//   vocabulary/   a database with no documents: the synonyms, the spelling table and the build
//                 metadata (labels, analyzer, schema). Xapian 1.4.22 answers synonym and spelling
//                 lookups only from local databases (a remote one returns nothing, silently) and
//                 metadata only from the first database of a set, so the server needs this one
//                 local and first.
//   shard-K/      the documents whose id hashes to K (shard_of), with metadata naming the shard and
//                 its generation (kMetaShard), so a reader can refuse a set mixing two builds. Each
//                 document keeps the docid it has in one database of the build (its place in the
//                 build order): over several local databases Xapian 1.4.22 gives a match spy or
//                 posting source each document with its docid in its own shard, and these docids tell
//                 documents apart, so the server's in-memory facet table and relaxation spies work
//                 on local shards as on one database (Generation::spies_run).
//   XAPIANDB      a Xapian stub listing "auto vocabulary" then "auto shard-K": Xapian opens the
//                 directory as the whole set, and so does riskatlas (parse_shard_stub).
// The same stub syntax, with "remote HOST:PORT" lines for shards served by xapian-tcpsrv, is what
// riskatlas-serve --index accepts as a front stub (README, "Sharding").
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace riskatlas::index {

inline constexpr const char* kShardStubName = "XAPIANDB";  // the name Xapian's auto backend looks for
inline constexpr const char* kVocabularyName = "vocabulary";
inline constexpr std::size_t kMaxShards = 64;
// kMetaShard's "docids" of a generation whose shards number documents by one sequence.
inline constexpr const char* kGlobalDocids = "global";

// shard-K
std::string shard_name(std::size_t k);

// What a database of a sharded generation says of itself (schema::kMetaShard), written by the
// indexer and checked by every reader.
struct ShardMeta {
  std::string generation;            // the generation directory's name
  std::size_t shards = 0;            // how many shards the generation has
  std::optional<std::size_t> shard;  // which one this is; none in the vocabulary
  bool global_docids = false;        // documents numbered by one sequence across shards (kGlobalDocids)
};

// The metadata value for `meta`.
std::string shard_meta_text(const ShardMeta& meta);

// `text` read back; nullopt when it is not shard metadata (a single database has none).
std::optional<ShardMeta> parse_shard_meta(std::string_view text);

// The shard of a record: FNV-1a (64 bit) of its id, modulo `shards`. Stable across builds, compilers
// and machines (std::hash is not), so a record stays on its shard from one reindex to the next.
std::size_t shard_of(std::string_view id, std::size_t shards);

// One database of a stub: a local path (auto/glass) or a xapian-tcpsrv address.
struct ShardEntry {
  enum class Kind { kLocal, kRemote };
  Kind kind = Kind::kLocal;
  std::filesystem::path path;  // kLocal: absolute (relative entries are resolved against the stub's folder)
  std::string host;            // kRemote
  unsigned port = 0;           // kRemote
  std::string line;            // as written, for messages and /healthz
};

// Parses a Xapian stub ("auto PATH", "glass PATH", "remote HOST:PORT", blank lines and # comments).
// `remote :PROGRAM` (which would make the reader run a program) and other backends are refused.
Result<std::vector<ShardEntry>> parse_shard_stub(std::string_view text, const std::filesystem::path& base);

// Reads and parses the stub file at `path`.
Result<std::vector<ShardEntry>> read_shard_stub(const std::filesystem::path& path);

// The stub text listing a sharded generation's vocabulary and `shards` shards.
std::string shard_stub_text(std::size_t shards);

}  // namespace riskatlas::index
