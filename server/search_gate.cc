#include "search_gate.h"

#include <algorithm>

namespace riskatlas::server {

SearchGate::SearchGate(std::size_t slots, std::chrono::milliseconds max_wait, GateHandicap handicap)
    : max_wait_(max_wait), handicap_(handicap), free_(std::max<std::size_t>(slots, 1)) {}

std::optional<SearchGate::Pass> SearchGate::enter(std::uint64_t admitted) {
  std::unique_lock lock(mutex_);
  if (free_ > 0 && queue_.empty()) {
    --free_;
    return Pass(this);
  }
  const auto handicap = std::min<std::chrono::microseconds>(
      handicap_.most, handicap_.per_admission * static_cast<std::int64_t>(std::min<std::uint64_t>(admitted, 1u << 20)));
  const std::pair key{std::chrono::steady_clock::now() + handicap, arrivals_++};
  Waiter me;
  queue_.emplace(key, &me);
  // leave() removes an admitted waiter from the queue and hands it the slot under the lock.
  if (me.turn.wait_for(lock, max_wait_, [&] { return me.admitted; })) return Pass(this);
  queue_.erase(key);
  return std::nullopt;
}

void SearchGate::leave() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) {
    ++free_;
    return;
  }
  Waiter* next = queue_.begin()->second;
  queue_.erase(queue_.begin());
  next->admitted = true;
  next->turn.notify_one();  // under the lock: the waiter cannot return (and free `turn`) before it
}

std::size_t SearchGate::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace riskatlas::server
