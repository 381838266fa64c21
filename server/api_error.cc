#include "api_error.h"

namespace riskatlas::server {

ApiError api_error_from_status(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return {400, "invalid_parameter", status.message()};
    case StatusCode::kTooBroad:
      // The library's wildcard guard: the query is valid but expands to too many words.
      return {400, "too_broad", status.message()};
    case StatusCode::kNotFound:
      return {404, "not_found", status.message()};
    case StatusCode::kUnavailable:
      return ApiError::index_unavailable();
    case StatusCode::kOk:
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kAborted:
    case StatusCode::kInternal:
      break;
  }
  return {500, "internal_error", "the server could not answer this request"};
}

ApiError api_error_for_http_status(int http_status) {
  switch (http_status) {
    case 400: return {400, "bad_request", "the request is malformed"};
    case 404: return {404, "not_found", "no such resource"};
    case 405: return {405, "method_not_allowed", "only GET and HEAD are allowed"};
    case 408: return {408, "request_timeout", "the request was not sent in time"};
    case 413: return {413, "payload_too_large", "requests may not carry a body"};
    case 414: return {414, "uri_too_long", "the request URI is too long"};
    case 416: return {416, "range_not_satisfiable", "the Range header cannot be satisfied"};
    case 431: return {431, "headers_too_large", "the request headers are too large"};
    case 503: return ApiError::index_unavailable();
    default: break;
  }
  if (http_status >= 500) return {http_status, "internal_error", "the server could not answer this request"};
  return {http_status, "bad_request", "the request cannot be answered"};
}

}  // namespace riskatlas::server
