// The access log: one line per request, safe to print (no raw client bytes, no header values).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace riskatlas::server {

// Escapes control characters, backslashes, quotes and non-ASCII bytes as \xNN, after cutting `text`
// to `max_bytes` (a cut is marked with "...").
std::string escape_for_log(std::string_view text, std::size_t max_bytes);

struct RequestLogEntry {
  std::string_view remote_addr;  // the peer address of the connection (never a header)
  std::string_view method;       // "" when the request line could not be parsed
  std::string_view target;       // the request target as sent: path and query string
  int status = 0;
  double millis = -1;  // < 0: unknown (the request was refused before routing)
};

// "2026-11-28T11:00:00Z 127.0.0.1 GET /api/search?q=x 200 3.1ms"; the target is cut to 200 bytes.
std::string format_request_line(const RequestLogEntry& entry);

}  // namespace riskatlas::server
