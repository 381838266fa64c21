// Answers already computed by the generation being served, by request target. Typing in the search
// box and popular searches repeat the same requests; computing an answer costs milliseconds, copying
// it microseconds. Entries belong to one generation: the first answer of a new one empties the cache,
// so no answer outlives the index it came from. Bounded in bytes; the least recently used go first.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace riskatlas::server {

class ResponseCache {
 public:
  // 0 bytes: a cache that keeps nothing.
  explicit ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The body answered for `target` by `generation` (its database UUID), or null.
  std::shared_ptr<const std::string> find(const std::string& generation, const std::string& target);
  // Keeps `body` unless it would take more than an eighth of the budget.
  void insert(const std::string& generation, const std::string& target, std::string body);

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string target;
    std::shared_ptr<const std::string> body;
    std::size_t bytes() const;
  };
  void switch_to(const std::string& generation);  // REQUIRES: mutex_ held
  void evict_to(std::size_t max_bytes);            // REQUIRES: mutex_ held

  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::string generation_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_target_;  // views into lru_
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace riskatlas::server
