// Request counters and latency histograms in the Prometheus text format (version 0.0.4).
// Labels are bounded: the route label is a route template, never a raw path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "response_cache.h"

namespace riskatlas::server {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The label of a request: the template of the `route` that answered it ("/api/records/{id}"), else
// "static" for a file of the web UI that was served, "other" for everything else (unknown paths,
// malformed requests).
std::string route_label(std::string_view route, std::string_view path, int status);

// Thread-safe.
class Metrics {
 public:
  void observe(const std::string& route, int status, double seconds);

  // The exposition text; `documents` is the document count of the generation being served (0: none),
  // `cache` the response cache's figures.
  std::string render(std::size_t documents, const ResponseCache::Stats& cache = {}) const;

  // Upper bounds of the latency buckets in seconds; +Inf is implied.
  static constexpr std::array<double, 10> kBuckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size() + 1> counts{};  // per bucket, not cumulative; last is +Inf
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status) -> count
  std::map<std::string, Histogram> durations_;                     // route -> latency histogram
};

}  // namespace riskatlas::server
