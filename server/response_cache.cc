#include "response_cache.h"

namespace riskatlas::server {

// The strings plus what the list node, the map node and the shared body cost besides.
std::size_t ResponseCache::Entry::bytes() const { return target.size() + body->size() + 160; }

std::shared_ptr<const std::string> ResponseCache::find(const std::string& generation, const std::string& target) {
  std::lock_guard lock(mutex_);
  const auto it = generation == generation_ ? by_target_.find(target) : by_target_.end();
  if (it == by_target_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void ResponseCache::insert(const std::string& generation, const std::string& target, std::string body) {
  Entry entry{target, std::make_shared<const std::string>(std::move(body))};
  const std::size_t bytes = entry.bytes();
  if (bytes > max_bytes_ / 8) return;
  std::lock_guard lock(mutex_);
  if (generation != generation_) switch_to(generation);
  if (by_target_.count(target)) return;  // another thread answered it first
  evict_to(max_bytes_ - bytes);
  lru_.push_front(std::move(entry));
  by_target_.emplace(lru_.front().target, lru_.begin());
  bytes_ += bytes;
}

ResponseCache::Stats ResponseCache::stats() const {
  std::lock_guard lock(mutex_);
  return {hits_, misses_, lru_.size(), bytes_};
}

void ResponseCache::switch_to(const std::string& generation) {
  by_target_.clear();
  lru_.clear();
  bytes_ = 0;
  generation_ = generation;
}

void ResponseCache::evict_to(std::size_t max_bytes) {
  while (bytes_ > max_bytes && !lru_.empty()) {
    bytes_ -= lru_.back().bytes();
    by_target_.erase(lru_.back().target);
    lru_.pop_back();
  }
}

}  // namespace riskatlas::server
