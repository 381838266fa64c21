// Follows the live generation of an index root for the server: hot reload without restart.
//
// current() is cheap and thread-safe. refresh() checks ROOT/live.stub, in a thread of the service's
// own once per check interval, so no request waits while a new generation (and its facet table) is
// opened; when the stub names a new generation, that generation is opened and checked before it
// replaces the current one, so requests move to it atomically. When the stub is missing or
// broken, or the new generation cannot be opened, the last good generation keeps serving and the
// problem is reported by status().
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "search/generation.h"
#include "util/status.h"

namespace riskatlas::search {

struct IndexStatus {
  std::shared_ptr<const Generation> generation;  // null when no generation could ever be opened
  std::string problem;                           // empty when the live pointer is healthy
  std::string damage;                            // the generation's first failed read (Generation::damage)
  // A generation is open and no read of it has failed.
  bool healthy() const { return generation && damage.empty(); }
};

class IndexService {
 public:
  // `path` is an index root (with live.stub), a single database or generation directory (no
  // reloads), or a front stub file (shard_set.h; reloaded when it, or an index root it names, changes).
  // Remote shards get `remote_timeout` per operation. A zero check interval starts no thread: the
  // live pointer is checked only by refresh().
  explicit IndexService(std::filesystem::path path,
                        std::chrono::milliseconds check_interval = std::chrono::milliseconds(1000),
                        std::chrono::milliseconds remote_timeout = Generation::kDefaultRemoteTimeout);

  // The generation to answer a request with; null when none is open.
  std::shared_ptr<const Generation> current() const;

  // Checks the live pointer now. Returns the status after the check.
  IndexStatus refresh();

  IndexStatus status() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  // What path_ is: a front stub file, an index root (with live.stub, or none published yet), or one
  // database.
  enum class PathKind { kFrontStub, kRoot, kDatabase };
  PathKind path_kind() const;
  // What identifies the live target without opening it: a front stub's ShardSet::identity, the text
  // of a root's live.stub; empty for one database.
  Result<std::string> pointer_text(PathKind kind) const;
  // Records a problem while the current generation (if any) keeps serving. Takes mutex_.
  IndexStatus keep_serving(std::string problem);
  IndexStatus snapshot() const;  // REQUIRES: mutex_ held
  void release_retired();

  std::filesystem::path path_;
  std::chrono::milliseconds check_interval_;
  std::chrono::milliseconds remote_timeout_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Generation> current_;
  std::string problem_;
  std::string stub_text_;  // content of live.stub (a front stub: ShardSet::identity) when current_ was opened
  // The generation a switch replaced, until the last request holding it ends; then the memory it
  // freed is handed back to the system (release_retired).
  std::weak_ptr<const Generation> retired_;
  bool trim_pending_ = false;
  std::mutex refresh_mutex_;  // one refresh at a time
  std::mutex watch_mutex_;
  std::condition_variable_any watch_wake_;
  std::jthread watcher_;  // last: stopped and joined before the members it uses go
};

}  // namespace riskatlas::search
