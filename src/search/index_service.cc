#include "search/index_service.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <fstream>
#include <sstream>

#include "index/generations.h"
#include "index/shards.h"

namespace riskatlas::search {
namespace fs = std::filesystem;

namespace {

// glibc keeps what a program frees in its arenas (one per thread that allocated, and the server
// has many threads); a retired generation's database handles and facet table would stay in the
// process's RSS after every switch. malloc_trim returns the free pages of every arena.
void return_freed_memory() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

// An index root's live.stub stands for its root. Opened as given, a front stub of one database, the
// generation it names would be served under the name "live.stub", and answers could not tell two
// generations apart.
// A front stub that happens to be named live.stub (it lists databases, not "auto gen-...") stays one.
fs::path served_path(fs::path path) {
  if (path.filename() != index::kLiveStubName) return path;
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  if (index::parse_stub(first_line).empty()) return path;
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

IndexService::IndexService(fs::path path, std::chrono::milliseconds check_interval,
                           std::chrono::milliseconds remote_timeout)
    : path_(served_path(std::move(path))), check_interval_(check_interval), remote_timeout_(remote_timeout) {
  refresh();
  if (check_interval_.count() <= 0) return;
  watcher_ = std::jthread([this](std::stop_token stop) {
    std::unique_lock lock(watch_mutex_);
    while (!watch_wake_.wait_for(lock, stop, check_interval_, [] { return false; }) && !stop.stop_requested()) {
      lock.unlock();
      try {
        refresh();
      } catch (const std::exception& e) {  // out of memory, say: keep serving what is open
        keep_serving(std::string("checking for a new generation failed: ") + e.what());
      }
      lock.lock();
    }
  });
}

std::shared_ptr<const Generation> IndexService::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

IndexService::PathKind IndexService::path_kind() const {
  std::error_code ec;
  if (fs::is_regular_file(path_, ec)) return PathKind::kFrontStub;
  const index::IndexRoot root(path_);
  // A directory that is no database yet is a root whose first generation has not been published.
  if (fs::exists(root.stub_path(), ec) ||
      (!fs::exists(path_ / "iamglass", ec) && !fs::exists(path_ / index::kShardStubName, ec)))
    return PathKind::kRoot;
  return PathKind::kDatabase;
}

Result<std::string> IndexService::pointer_text(PathKind kind) const {
  switch (kind) {
    case PathKind::kFrontStub: {
      auto shards = ShardSet::resolve(path_, remote_timeout_);
      if (!shards.ok()) return shards.status();
      return shards->identity();
    }
    case PathKind::kRoot: {
      std::ifstream in(index::IndexRoot(path_).stub_path());
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
    }
    case PathKind::kDatabase: break;
  }
  return std::string();
}

IndexStatus IndexService::keep_serving(std::string problem) {
  std::lock_guard lock(mutex_);
  problem_ = std::move(problem);
  return snapshot();
}

IndexStatus IndexService::refresh() {
  std::lock_guard refresh_lock(refresh_mutex_);
  release_retired();
  const PathKind kind = path_kind();
  auto pointer = pointer_text(kind);
  if (!pointer.ok()) return keep_serving(pointer.status().message());
  std::string stub_text = std::move(pointer.value());
  {
    std::lock_guard lock(mutex_);
    // A database given by its path is opened once; a pointer that has not moved changes nothing.
    if (current_ && kind == PathKind::kDatabase) return snapshot();
    if (current_ && stub_text == stub_text_) {
      problem_.clear();
      return snapshot();
    }
  }
  fs::path dir = path_;
  if (kind == PathKind::kRoot) {
    const auto live = index::IndexRoot(path_).live_generation();
    if (!live.ok()) return keep_serving(live.status().message());
    dir = *live;
  }

  // A build is identified by its database UUID: the same build under another name changes nothing,
  // and its facet table (about a second and 90 MB at a million records) is not loaded again.
  const std::string current_uuid = [&] {
    std::lock_guard lock(mutex_);
    return current_ ? current_->info().uuid : std::string();
  }();
  if (!current_uuid.empty()) {
    const auto uuid = Generation::build_uuid(dir, remote_timeout_);
    if (uuid.ok() && *uuid == current_uuid) {
      std::lock_guard lock(mutex_);
      stub_text_ = std::move(stub_text);
      problem_.clear();
      return snapshot();
    }
  }

  auto opened = Generation::open(dir, remote_timeout_);
  if (!opened.ok()) return keep_serving(opened.status().message());
  std::lock_guard lock(mutex_);
  if (!current_ || current_->info().uuid != opened.value()->info().uuid) {
    if (current_) {
      retired_ = current_;
      trim_pending_ = true;
    }
    current_ = std::move(opened.value());
  }
  stub_text_ = std::move(stub_text);
  problem_.clear();
  return snapshot();
}

// Runs with each check (refresh), outside mutex_: trimming takes the allocator's locks for a while.
void IndexService::release_retired() {
  {
    std::lock_guard lock(mutex_);
    if (!trim_pending_ || !retired_.expired()) return;
    trim_pending_ = false;
  }
  return_freed_memory();
}

IndexStatus IndexService::status() const {
  std::lock_guard lock(mutex_);
  return snapshot();
}

IndexStatus IndexService::snapshot() const { return {current_, problem_, current_ ? current_->damage() : std::string()}; }

}  // namespace riskatlas::search
