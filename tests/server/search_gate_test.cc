// The search gate: index work admitted a few requests at a time, in order of arrival plus a handicap
// for connections that already had much of it.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "search_gate.h"

using riskatlas::server::SearchGate;
using namespace std::chrono_literals;

namespace {

// Whether `n` requests came to wait within 5 s.
bool waiting_soon(const SearchGate& gate, std::size_t n) {
  for (int i = 0; i < 5000 && gate.waiting() < n; ++i) std::this_thread::sleep_for(1ms);
  return gate.waiting() == n;
}

// Threads that each wait for a slot, note their label when admitted and leave at once. Failures are
// recorded, not asserted, off the test's thread.
class Waiters {
 public:
  explicit Waiters(SearchGate& gate) : gate_(gate) {}
  ~Waiters() { join(); }

  void add(std::uint64_t admitted_before, int label) {
    threads_.emplace_back([this, admitted_before, label] {
      const auto pass = gate_.enter(admitted_before);
      std::lock_guard lock(mutex_);
      order_.push_back(pass ? label : -label);
    });
  }

  std::vector<int> join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    std::lock_guard lock(mutex_);
    return order_;
  }

 private:
  SearchGate& gate_;
  std::mutex mutex_;
  std::vector<int> order_;  // labels as admitted; negative: refused
  std::vector<std::thread> threads_;
};

}  // namespace

TEST_CASE("the search gate admits up to its slots at once and the next when one leaves", "[http][gate][concurrency]") {
  SearchGate gate(2, 10s);
  auto first = gate.enter(0);
  auto second = gate.enter(0);
  REQUIRE(first);
  REQUIRE(second);
  Waiters waiters(gate);
  waiters.add(0, 3);
  REQUIRE(waiting_soon(gate, 1));
  first.reset();
  CHECK(waiters.join() == std::vector<int>{3});
  CHECK(gate.waiting() == 0);
}

TEST_CASE("the search gate admits waiters by arrival, handicapped by their connection's earlier admissions",
          "[http][gate][concurrency]") {
  // A handicap far longer than the test: the order is by admissions, then by arrival.
  SearchGate gate(1, 10s, {std::chrono::hours(1), std::chrono::hours(1000)});
  auto held = gate.enter(0);
  REQUIRE(held);
  Waiters waiters(gate);
  // (admitted before, label), in order of arrival.
  const std::vector<std::pair<std::uint64_t, int>> arrivals{{500, 1}, {3, 2}, {0, 3}, {3, 4}, {40, 5}};
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    waiters.add(arrivals[i].first, arrivals[i].second);
    REQUIRE(waiting_soon(gate, i + 1));
  }
  held.reset();
  CHECK(waiters.join() == std::vector<int>{3, 2, 4, 5, 1});
  CHECK(gate.waiting() == 0);
  CHECK(gate.enter(0));  // every slot came back
}

TEST_CASE("the search gate admits a connection that had much work once it has waited out its handicap",
          "[http][gate][concurrency]") {
  SearchGate gate(1, 10s, {20ms, 20ms});
  auto held = gate.enter(0);
  REQUIRE(held);
  Waiters waiters(gate);
  waiters.add(900, 1);  // handicapped by the most, 20 ms
  REQUIRE(waiting_soon(gate, 1));
  std::this_thread::sleep_for(60ms);
  waiters.add(0, 2);
  REQUIRE(waiting_soon(gate, 2));
  held.reset();
  CHECK(waiters.join() == std::vector<int>{1, 2});
}

TEST_CASE("the search gate refuses a request that waited longer than its limit, and forgets it", "[http][gate][concurrency]") {
  SearchGate gate(1, 30ms);
  auto held = gate.enter(0);
  REQUIRE(held);
  CHECK_FALSE(gate.enter(0));
  CHECK(gate.waiting() == 0);
  held.reset();
  CHECK(gate.enter(7));
}
