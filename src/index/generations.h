// Index generations: every reindex builds a complete database in a fresh directory ROOT/gen-<time>-<pid>
// and makes it live by atomically replacing ROOT/live.stub (a Xapian stub file, "auto gen-...") with
// rename(2). Readers resolve the stub to a generation directory and open that directory, so a reader
// never sees a half-built database and never mixes two generations.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace riskatlas::index {

inline constexpr const char* kLiveStubName = "live.stub";
inline constexpr const char* kLockName = ".reindex.lock";

// Writes `text` to `path` (replacing it) and fsyncs the file, so that it is durable before anything
// points at it; IOError naming the path.
Status write_file_synced(const std::filesystem::path& path, std::string_view text);

class IndexRoot {
 public:
  explicit IndexRoot(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& path() const { return root_; }
  std::filesystem::path stub_path() const { return root_ / kLiveStubName; }

  // The directory live.stub names. NotFound when there is no stub yet; Corruption when it cannot be
  // read or names something that is not a generation directory of this root.
  Result<std::filesystem::path> live_generation() const;

  // gen-* directories, oldest first (names sort by build time).
  std::vector<std::filesystem::path> generations() const;

  // A new, not yet existing generation path: gen-<UTC time with ms>-<pid>.
  std::filesystem::path new_generation_path() const;

  // Makes `generation` live: writes live.stub.tmp, fsyncs it, renames it over live.stub and fsyncs
  // the root directory. REQUIRES: `generation` is a complete database directory inside this root.
  Status publish(const std::filesystem::path& generation) const;

  // Keeps the live generation and the `keep - 1` newest generations older than it; removes older
  // ones, every generation newer than the live one (left by interrupted runs), those of
  // `never_live` (left by interrupted runs while nothing was live: never a generation to roll back
  // to) and stale *.tmp files. While nothing is live, removes only the *.tmp files. Removes only
  // directories named as new_generation_path() names them.
  // REQUIRES: the caller holds the ReindexLock.
  struct Removal {
    std::vector<std::filesystem::path> removed;
    // Each one that could not be removed (wholly): left for an operator, whose disk it fills, so the
    // caller says so.
    struct Failure {
      std::filesystem::path path;
      std::string reason;
    };
    std::vector<Failure> failures;
  };
  Removal remove_stale(std::size_t keep, const std::vector<std::filesystem::path>& never_live = {}) const;

 private:
  std::filesystem::path root_;
};

// A generation being built: a fresh path inside `root` whose directory, with whatever a build left in
// it, is removed when this object dies unless publish() succeeded. The one clean-up path for every way
// a reindex can fail once it has started writing. REQUIRES: `root` outlives this object.
class PendingGeneration {
 public:
  explicit PendingGeneration(const IndexRoot& root) : root_(root), path_(root.new_generation_path()) {}
  ~PendingGeneration();
  PendingGeneration(const PendingGeneration&) = delete;
  PendingGeneration& operator=(const PendingGeneration&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // IndexRoot::publish(path()); on success the directory stays (it is live now).
  Status publish();

 private:
  const IndexRoot& root_;
  std::filesystem::path path_;
  bool published_ = false;
};

// An exclusive, non-blocking lock on ROOT/.reindex.lock (flock), released on destruction or when the
// process dies (no stale locks after SIGKILL).
class ReindexLock {
 public:
  // Unavailable("another reindex is running ...") when another process holds it.
  static Result<ReindexLock> acquire(const std::filesystem::path& root);
  ReindexLock(ReindexLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ReindexLock& operator=(ReindexLock&&) = delete;
  ReindexLock(const ReindexLock&) = delete;
  ~ReindexLock();

 private:
  explicit ReindexLock(int fd) : fd_(fd) {}
  int fd_;
};

// Parses the generation name out of a stub's text ("auto gen-...\n"); empty when it is not one.
std::string parse_stub(std::string_view text);

}  // namespace riskatlas::index
