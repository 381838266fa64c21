#include "metrics.h"

#include <cstdio>

#include "util/version.h"

namespace riskatlas::server {
namespace {

std::string number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return buf;
}

}  // namespace

std::string route_label(std::string_view route, std::string_view path, int status) {
  if (!route.empty()) return std::string(route);
  if (status < 400 && !path.empty() && !path.starts_with("/api/")) return "static";
  return "other";
}

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = durations_[route];
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  ++h.counts[bucket];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(std::size_t documents, const ResponseCache::Stats& cache) const {
  std::string out;
  // The version as a label on a constant 1, the Prometheus convention for build information.
  out += "# HELP riskatlas_build_info The riskatlas version of this server (always 1).\n";
  out += "# TYPE riskatlas_build_info gauge\n";
  out += "riskatlas_build_info{version=\"" + std::string(version()) + "\"} 1\n";
  out += "# HELP riskatlas_http_requests_total HTTP requests answered, by route template and status.\n";
  out += "# TYPE riskatlas_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_)
    out += "riskatlas_http_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(count) + "\n";
  out += "# HELP riskatlas_http_request_duration_seconds Time from routing to the response, by route template.\n";
  out += "# TYPE riskatlas_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : durations_) {
    const std::string labels = "{route=\"" + route + "\",le=\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += "riskatlas_http_request_duration_seconds_bucket" + labels + number(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "riskatlas_http_request_duration_seconds_bucket" + labels + "+Inf\"} " + std::to_string(h.count) + "\n";
    out += "riskatlas_http_request_duration_seconds_sum{route=\"" + route + "\"} " + number(h.sum) + "\n";
    out += "riskatlas_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP riskatlas_index_documents Documents in the index generation being served (0: none open).\n";
  out += "# TYPE riskatlas_index_documents gauge\n";
  out += "riskatlas_index_documents " + std::to_string(documents) + "\n";
  out += "# HELP riskatlas_response_cache_hits_total Answers given from the response cache.\n";
  out += "# TYPE riskatlas_response_cache_hits_total counter\n";
  out += "riskatlas_response_cache_hits_total " + std::to_string(cache.hits) + "\n";
  out += "# HELP riskatlas_response_cache_misses_total Cacheable answers computed.\n";
  out += "# TYPE riskatlas_response_cache_misses_total counter\n";
  out += "riskatlas_response_cache_misses_total " + std::to_string(cache.misses) + "\n";
  out += "# HELP riskatlas_response_cache_bytes Memory held by the response cache.\n";
  out += "# TYPE riskatlas_response_cache_bytes gauge\n";
  out += "riskatlas_response_cache_bytes " + std::to_string(cache.bytes) + "\n";
  return out;
}

}  // namespace riskatlas::server
