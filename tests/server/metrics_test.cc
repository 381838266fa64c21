#include <catch2/catch.hpp>

#include "metrics.h"
#include "request_log.h"
#include "util/version.h"

using namespace riskatlas::server;

TEST_CASE("route labels are templates and never raw paths", "[http]") {
  CHECK(route_label("/api/records/{id}", "/api/records/nope", 404) == "/api/records/{id}");
  CHECK(route_label("", "/api/records/a/b", 404) == "other");
  CHECK(route_label("", "/api/whatever", 404) == "other");
  CHECK(route_label("", "/api/whatever", 200) == "other");
  CHECK(route_label("", "/app.js", 200) == "static");
  CHECK(route_label("", "/", 200) == "static");
  CHECK(route_label("", "/missing.js", 404) == "other");
  CHECK(route_label("", "", 414) == "other");
}

TEST_CASE("metrics render in the Prometheus text format", "[http]") {
  Metrics m;
  m.observe("/api/search", 200, 0.003);
  m.observe("/api/search", 200, 0.2);
  m.observe("/api/search", 400, 0.0005);
  const std::string text = m.render(169);
  CHECK_THAT(text, Catch::Contains("# TYPE riskatlas_http_requests_total counter\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_requests_total{route=\"/api/search\",status=\"200\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_requests_total{route=\"/api/search\",status=\"400\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE riskatlas_http_request_duration_seconds histogram\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.001\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.005\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.25\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("riskatlas_http_request_duration_seconds_count{route=\"/api/search\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE riskatlas_index_documents gauge\nriskatlas_index_documents 169\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE riskatlas_build_info gauge\nriskatlas_build_info{version=\"" +
                                   std::string(riskatlas::version()) + "\"} 1\n"));
}

TEST_CASE("log lines escape control characters and cut long targets", "[http]") {
  const std::string line = format_request_line({"127.0.0.1", "GET", "/api/search?q=a\r\nX: y\x1b[31m", 400, 1.25});
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK_THAT(line, Catch::EndsWith(" 127.0.0.1 GET /api/search?q=a\\x0D\\x0AX: y\\x1B[31m 400 1.2ms") ||
                       Catch::EndsWith(" 127.0.0.1 GET /api/search?q=a\\x0D\\x0AX: y\\x1B[31m 400 1.3ms"));
  const std::string long_line = format_request_line({"127.0.0.1", "GET", "/" + std::string(5000, 'a'), 414, -1});
  CHECK(long_line.size() < 300);
  CHECK_THAT(long_line, Catch::EndsWith("... 414 -"));
}
