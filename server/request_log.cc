#include "request_log.h"

#include <cstdio>
#include <ctime>

namespace riskatlas::server {

std::string escape_for_log(std::string_view text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  if (cut) text = text.substr(0, max_bytes);
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f || c == '\\' || c == '"') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", b);
      out += buf;
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  return out;
}

std::string format_request_line(const RequestLogEntry& e) {
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string line = when;
  line += ' ';
  line += e.remote_addr.empty() ? std::string("-") : escape_for_log(e.remote_addr, 64);
  line += ' ';
  line += e.method.empty() ? std::string("-") : escape_for_log(e.method, 16);
  line += ' ';
  line += e.target.empty() ? std::string("-") : escape_for_log(e.target, 200);
  line += ' ';
  line += std::to_string(e.status);
  if (e.millis >= 0) {
    char ms[32];
    std::snprintf(ms, sizeof ms, " %.1fms", e.millis);
    line += ms;
  } else {
    line += " -";
  }
  return line;
}

}  // namespace riskatlas::server
