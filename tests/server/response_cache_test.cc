// The response cache: answers kept per generation, bounded in bytes, least recently used evicted.
#include <catch2/catch.hpp>

#include "response_cache.h"

using riskatlas::server::ResponseCache;

namespace {

std::string body_of(const std::shared_ptr<const std::string>& body) { return body ? *body : "(none)"; }

}  // namespace

TEST_CASE("the response cache gives back what it was given for the same generation and target", "[http][cache]") {
  ResponseCache cache(1 << 20);
  CHECK(cache.find("gen-a", "/api/search?q=x") == nullptr);
  cache.insert("gen-a", "/api/search?q=x", "answer x");
  cache.insert("gen-a", "/api/search?q=y", "answer y");
  CHECK(body_of(cache.find("gen-a", "/api/search?q=x")) == "answer x");
  CHECK(body_of(cache.find("gen-a", "/api/search?q=y")) == "answer y");
  CHECK(cache.find("gen-a", "/api/search?q=z") == nullptr);
  const auto stats = cache.stats();
  CHECK(stats.hits == 2);
  CHECK(stats.misses == 2);
  CHECK(stats.entries == 2);
}

TEST_CASE("the response cache never answers for another generation and forgets the old one", "[http][cache]") {
  ResponseCache cache(1 << 20);
  cache.insert("gen-a", "/api/search?q=x", "old answer");
  CHECK(cache.find("gen-b", "/api/search?q=x") == nullptr);
  cache.insert("gen-b", "/api/search?q=x", "new answer");
  CHECK(body_of(cache.find("gen-b", "/api/search?q=x")) == "new answer");
  CHECK(cache.find("gen-a", "/api/search?q=x") == nullptr);
  CHECK(cache.stats().entries == 1);
}

TEST_CASE("the response cache stays within its budget, evicting the least recently used", "[http][cache]") {
  const std::string body(1000, 'b');
  ResponseCache cache(8 * 1300);  // room for about eight entries of 1000 bytes and their overhead
  for (int i = 0; i < 8; ++i) cache.insert("g", "/q" + std::to_string(i), body);
  REQUIRE(cache.find("g", "/q0") != nullptr);  // now the most recently used
  for (int i = 8; i < 12; ++i) cache.insert("g", "/q" + std::to_string(i), body);
  const auto stats = cache.stats();
  CHECK(stats.bytes <= 8 * 1300);
  CHECK(stats.entries < 12);
  CHECK(cache.find("g", "/q0") != nullptr);
  CHECK(cache.find("g", "/q1") == nullptr);
  CHECK(cache.find("g", "/q11") != nullptr);
}

TEST_CASE("the response cache keeps nothing larger than an eighth of its budget, or anything when off", "[http][cache]") {
  ResponseCache cache(8000);
  cache.insert("g", "/big", std::string(2000, 'b'));
  CHECK(cache.find("g", "/big") == nullptr);
  ResponseCache off(0);
  off.insert("g", "/small", "s");
  CHECK(off.find("g", "/small") == nullptr);
}
