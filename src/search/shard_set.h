// The databases a generation is answered from: one local database, a sharded generation (its
// vocabulary and shards, index/shards.h), or a front stub naming an index root for the vocabulary
// and shards served by xapian-tcpsrv ("remote HOST:PORT").
//
// In a front stub an index root (a folder with live.stub) stands for its live generation and a
// sharded generation for its vocabulary alone: the shards are listed one by one, local or remote.
// A remote shard is opened with a timeout on every operation, so a shard that hangs fails the request
// (503) instead of holding it.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "index/shards.h"
#include "util/status.h"

namespace riskatlas::search {

struct ShardState {
  std::string database;  // the stub line, or the path of a local database
  bool remote = false;
  bool up = false;
  std::size_t documents = 0;
  std::string error;     // why it is down
};

class ShardSet {
 public:
  // `location`: a database directory, a sharded generation directory or a front stub file.
  // NotFound or InvalidArgument when it cannot be read; nothing is opened yet.
  static Result<ShardSet> resolve(const std::filesystem::path& location, std::chrono::milliseconds remote_timeout);

  const std::vector<index::ShardEntry>& entries() const { return entries_; }
  bool has_remote() const;
  // More than one database, or a remote one.
  bool sharded() const { return entries_.size() > 1 || has_remote(); }
  // Names every resolved database: changes when the front stub or an index root it names moves on.
  std::string identity() const;

  // Opens every database and joins them in order. Unavailable naming the one that cannot be opened,
  // or when the shards are not exactly the shards of the vocabulary's generation (a missing shard
  // would silently drop records; one of another build would mix two generations). Never throws.
  Result<std::unique_ptr<Xapian::Database>> open() const;

  // Each database's state now, each opened on its own (a remote one: a new connection).
  std::vector<ShardState> probe() const;

 private:
  std::vector<index::ShardEntry> entries_;
  std::chrono::milliseconds remote_timeout_{5000};
};

}  // namespace riskatlas::search
