// Admits index work (searches, suggestions, record pages, exports) a few requests at a time, the
// least-served connection first.
//
// Each connection has its own thread, so without a gate 64 clients searching non-stop share the
// cores with everyone else in 64 slices: on the default corpus under `wrk -c64` of distinct searches a
// person's single search took p90 130 ms, at worst 325 ms. With the work admitted `slots` at a time
// (twice the number of cores) a waiting request is admitted before those of connections that have
// already been answered more often: a new visitor, or someone typing their third query, goes before a
// client on its 500th. Requests that need no index work (/healthz, the UI's files, answers from the
// response cache) never wait here. A request that cannot get in within `max_wait` is refused (the
// caller answers 503 with Retry-After) instead of queueing without end.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace riskatlas::server {

class SearchGate {
 public:
  // REQUIRES: slots >= 1.
  SearchGate(std::size_t slots, std::chrono::milliseconds max_wait);
  SearchGate(const SearchGate&) = delete;
  SearchGate& operator=(const SearchGate&) = delete;

  // Holds one slot until destroyed.
  class Pass {
   public:
    Pass(Pass&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Pass& operator=(Pass&& other) noexcept {
      if (this != &other) {
        if (gate_) gate_->leave();
        gate_ = std::exchange(other.gate_, nullptr);
      }
      return *this;
    }
    ~Pass() {
      if (gate_) gate_->leave();
    }

   private:
    friend class SearchGate;
    explicit Pass(SearchGate* gate) : gate_(gate) {}
    SearchGate* gate_;
  };

  // A slot for a request of a connection that has been answered `served` times before; waits while
  // every slot is taken and hands slots out by fewest `served`, then by arrival. Nothing when no
  // slot came within max_wait.
  std::optional<Pass> enter(std::uint64_t served);

  std::size_t waiting() const;

 private:
  struct Waiter {
    std::condition_variable turn;
    bool admitted = false;
  };

  void leave();

  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mutex_;
  std::size_t free_;
  std::uint64_t arrivals_ = 0;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Waiter*> queue_;  // (served, arrival)
};

}  // namespace riskatlas::server
