#include "search/index_service.h"

#include <fstream>
#include <sstream>

#include "index/generations.h"
#include "index/shards.h"

namespace riskatlas::search {
namespace fs = std::filesystem;

IndexService::IndexService(fs::path path, std::chrono::milliseconds check_interval,
                           std::chrono::milliseconds remote_timeout)
    : path_(std::move(path)), check_interval_(check_interval), remote_timeout_(remote_timeout) {
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
  {
    std::lock_guard lock(mutex_);
    last_check_ = std::chrono::steady_clock::now();
  }
  const index::IndexRoot root(path_);
  std::error_code ec;
  const bool is_front_stub = fs::is_regular_file(path_, ec);
  const bool is_root = !is_front_stub && (fs::exists(root.stub_path(), ec) ||
                                          (!fs::exists(path_ / "iamglass", ec) && !fs::exists(path_ / index::kShardStubName, ec)));

  fs::path dir = path_;
  std::string stub_text;
  if (is_front_stub) {
    auto shards = ShardSet::resolve(path_, remote_timeout_);
    if (!shards.ok()) {
      std::lock_guard lock(mutex_);
      problem_ = shards.status().message();
      return snapshot();
    }
    stub_text = shards->identity();
    std::lock_guard lock(mutex_);
    if (current_ && stub_text == stub_text_) {
      problem_.clear();
      return snapshot();
    }
  } else if (is_root) {
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

  auto opened = Generation::open(dir, remote_timeout_);
  std::lock_guard lock(mutex_);
  if (!opened.ok()) {
    problem_ = opened.status().message();
    return snapshot();
  }
  // A build is identified by its database UUID: the same build under another name changes nothing.
  if (!current_ || current_->info().uuid != opened.value()->info().uuid) current_ = std::move(opened.value());
  stub_text_ = std::move(stub_text);
  problem_.clear();
  return snapshot();
}

IndexStatus IndexService::status() const {
  std::lock_guard lock(mutex_);
  return snapshot();
}

IndexStatus IndexService::snapshot() const { return {current_, problem_, current_ ? current_->damage() : std::string()}; }

}  // namespace riskatlas::search
