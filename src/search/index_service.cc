#include "search/index_service.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <fstream>
#include <sstream>

#include "index/generations.h"

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

}  // namespace

IndexService::IndexService(fs::path path, std::chrono::milliseconds check_interval)
    : path_(std::move(path)), check_interval_(check_interval) {
  refresh();
}

std::shared_ptr<const Generation> IndexService::current() {
  bool due;
  {
    std::lock_guard lock(mutex_);
    due = std::chrono::steady_clock::now() - last_check_ >= check_interval_;
  }
  // One thread checks; the others answer from the generation they have instead of waiting.
  if (due && refresh_mutex_.try_lock()) {
    std::lock_guard refresh_lock(refresh_mutex_, std::adopt_lock);
    refresh();
  }
  std::lock_guard lock(mutex_);
  return current_;
}

IndexStatus IndexService::refresh() {
  release_retired();
  {
    std::lock_guard lock(mutex_);
    last_check_ = std::chrono::steady_clock::now();
  }
  const index::IndexRoot root(path_);
  std::error_code ec;
  const bool is_root = fs::exists(root.stub_path(), ec) || !fs::exists(path_ / "iamglass", ec);

  fs::path dir = path_;
  std::string stub_text;
  if (is_root) {
    std::ifstream in(root.stub_path());
    std::stringstream text;
    text << in.rdbuf();
    stub_text = text.str();
    {
      std::lock_guard lock(mutex_);
      if (current_ && stub_text == stub_text_) {
        problem_.clear();
        return snapshot();
      }
    }
    const auto live = root.live_generation();
    if (!live.ok()) {
      std::lock_guard lock(mutex_);
      problem_ = live.status().message();
      return snapshot();
    }
    dir = *live;
  } else {
    std::lock_guard lock(mutex_);
    if (current_) return snapshot();
  }

  auto opened = Generation::open(dir);
  std::lock_guard lock(mutex_);
  if (!opened.ok()) {
    problem_ = opened.status().message();
    return snapshot();
  }
  // A build is identified by its database UUID: the same build under another name changes nothing.
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
