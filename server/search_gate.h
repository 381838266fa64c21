// Admits index work (searches, suggestions, facet listings, record pages) a few requests at a time,
// those of connections that have had less of it first.
//
// Each connection has its own thread, so without a gate 64 clients searching non-stop share the
// cores with everyone else in 64 slices: on the default corpus under `wrk -c64` of distinct searches a
// person's single search took p90 130 ms, at worst 325 ms. With the work admitted `slots` at a time
// (twice the number of cores) the waiting requests go in order of arrival, each handicapped by the
// index work its connection has already had (10 ms a request, at most 500 ms): a new visitor, or
// someone typing their third query, goes before a client on its 500th, and that client still waits at
// most the handicap longer than under first come, first served, so nobody starves. Requests that need
// no index work (/healthz, the UI's files, answers from the response cache) never wait here. A request
// that cannot get in within `max_wait` is refused (the caller answers 503 with Retry-After) instead of
// queueing without end.
//
// The handicap follows the connection, not the client: a client opening a connection per request is
// never handicapped, and behind a proxy that keeps connections to the server open, users sharing a
// connection share its handicap. Either way the order is never worse than first come, first served
// by more than the 500 ms cap.
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

// How much later than its arrival a request counts in the gate's queue, by its connection's earlier
// admissions.
struct GateHandicap {
  std::chrono::microseconds per_admission{10000};
  std::chrono::microseconds most{500000};
};

class SearchGate {
 public:
  // REQUIRES: slots >= 1; handicaps and max_wait under a day.
  SearchGate(std::size_t slots, std::chrono::milliseconds max_wait, GateHandicap handicap = {});
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

  // A slot for a request whose connection has been admitted `admitted` times before; waits while every
  // slot is taken, slots going by arrival time plus handicap. Nothing when no slot came within max_wait.
  std::optional<Pass> enter(std::uint64_t admitted);

  std::size_t waiting() const;

 private:
  struct Waiter {
    std::condition_variable turn;
    bool admitted = false;
  };

  void leave();

  const std::chrono::milliseconds max_wait_;
  const GateHandicap handicap_;
  mutable std::mutex mutex_;
  std::size_t free_;
  std::uint64_t arrivals_ = 0;
  // (arrival + handicap, arrival number) -> waiter
  std::map<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>, Waiter*> queue_;
};

}  // namespace riskatlas::server
