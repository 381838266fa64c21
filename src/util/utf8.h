// UTF-8 hygiene shared by loaders, the analyzer, the indexer and the server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace riskatlas::utf8 {

// True when `s` is well-formed UTF-8 (no overlongs, no encoded surrogates, nothing above U+10FFFF).
bool is_valid(std::string_view s);

struct Cleaned {
  std::string text;
  std::size_t replaced = 0;  // ill-formed sequences replaced by U+FFFD
  std::size_t removed = 0;   // control characters removed (C0 except \t \n \r, DEL, C1)
};

// Repairs ill-formed sequences with U+FFFD and removes control characters other than tab, newline
// and carriage return. Idempotent; the result is always valid UTF-8.
Cleaned clean(std::string_view s);

// True for a C0 control other than \t \n \r, or DEL: the ASCII bytes clean() removes.
bool is_control_byte(unsigned char c);

// True when `s` contains a C0 control other than \t \n \r, or DEL.
bool has_control(std::string_view s);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view truncate(std::string_view s, std::size_t max_bytes);

// Code points in valid UTF-8 `s`.
std::size_t char_count(std::string_view s);

}  // namespace riskatlas::utf8
