// The search gate: index work admitted a few at a time, the least-served connection first.
#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "search_gate.h"

using riskatlas::server::SearchGate;
using namespace std::chrono_literals;

namespace {

void wait_until_waiting(const SearchGate& gate, std::size_t n) {
  for (int i = 0; i < 5000 && gate.waiting() < n; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(gate.waiting() == n);
}

}  // namespace

TEST_CASE("the search gate admits up to its slots at once and the next when one leaves", "[http][gate][concurrency]") {
  SearchGate gate(2, 10s);
  auto first = gate.enter(0);
  auto second = gate.enter(0);
  REQUIRE(first);
  REQUIRE(second);
  std::optional<SearchGate::Pass> third;
  std::thread waiter([&] { third = gate.enter(0); });
  wait_until_waiting(gate, 1);
  CHECK_FALSE(third);
  first.reset();
  waiter.join();
  CHECK(third);
  CHECK(gate.waiting() == 0);
}

TEST_CASE("the search gate admits waiters by arrival, handicapped by their connection's answers", "[http][gate][concurrency]") {
  // A handicap far longer than the test: the order is by answers, then by arrival.
  SearchGate gate(1, 10s, {std::chrono::hours(1), std::chrono::hours(1000)});
  auto held = gate.enter(0);
  REQUIRE(held);
  std::mutex mutex;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  // (served, label): arrival order is the order of this list.
  const std::vector<std::pair<std::uint64_t, int>> arrivals{{500, 1}, {3, 2}, {0, 3}, {3, 4}, {40, 5}};
  for (const auto& [served, label] : arrivals) {
    const std::size_t queued = waiters.size();
    waiters.emplace_back([&, served = served, label = label] {
      auto pass = gate.enter(served);
      REQUIRE(pass);
      std::lock_guard lock(mutex);
      order.push_back(label);
    });
    wait_until_waiting(gate, queued + 1);
  }
  held.reset();
  for (auto& t : waiters) t.join();
  CHECK(order == std::vector<int>{3, 2, 4, 5, 1});
  CHECK(gate.waiting() == 0);
  CHECK(gate.enter(0));  // every slot came back
}

TEST_CASE("the search gate admits a much-answered connection once it has waited out its handicap", "[http][gate][concurrency]") {
  SearchGate gate(1, 10s, {20ms, 20ms});
  auto held = gate.enter(0);
  REQUIRE(held);
  std::mutex mutex;
  std::vector<int> order;
  auto wait_for_turn = [&](std::uint64_t served, int label) {
    return std::thread([&, served, label] {
      auto pass = gate.enter(served);
      REQUIRE(pass);
      std::lock_guard lock(mutex);
      order.push_back(label);
    });
  };
  std::thread heavy = wait_for_turn(900, 1);  // handicapped by the most, 20 ms
  wait_until_waiting(gate, 1);
  std::this_thread::sleep_for(60ms);
  std::thread fresh = wait_for_turn(0, 2);
  wait_until_waiting(gate, 2);
  held.reset();
  heavy.join();
  fresh.join();
  CHECK(order == std::vector<int>{1, 2});
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
