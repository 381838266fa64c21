// The API's error answers: an HTTP status, a stable machine-readable code and a message for people.
// Every error response body has the shape {"error": {"code": "...", "message": "..."}}.
#pragma once

#include <string>

#include "util/status.h"

namespace riskatlas::server {

struct ApiError {
  int http_status = 500;
  std::string code;     // "invalid_parameter", "not_found", ... (documented in README.md, "HTTP API")
  std::string message;  // safe to show: never holds exception text, paths or header values
  int retry_after_s = 0;  // > 0: worth retrying after that many seconds (the Retry-After header)

  static ApiError bad_parameter(std::string code, std::string message) {
    return {400, std::move(code), std::move(message)};
  }
  static ApiError not_found(std::string message) { return {404, "not_found", std::move(message)}; }
  static ApiError index_unavailable() {
    return {503, "index_unavailable", "the search index is not available; try again later", 5};
  }
  static ApiError overloaded() {
    return {503, "overloaded", "too many searches at once; try again in a second", 1};
  }
};

// The one mapping from library Status codes to HTTP answers. InvalidArgument, TooBroad and NotFound
// keep their message (it names the parameter the caller got wrong); every other code gets a generic message,
// because it may name files or carry library error text. REQUIRES: !status.ok().
ApiError api_error_from_status(const Status& status);

// The generic answer for an HTTP status the library produced itself (404 for an unknown path,
// 400/413/414/416 for malformed requests, ...).
ApiError api_error_for_http_status(int http_status);

}  // namespace riskatlas::server
