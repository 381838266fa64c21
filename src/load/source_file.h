// Reading a corpus file, one way for every loader: the whole file with safety checks, the two names
// it goes by in messages, a leading UTF-8 byte-order mark skipped and empty input refused.
// Internal to src/load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/status.h"

namespace riskatlas::load::detail {

// Files larger than this are refused (a corpus file is a few MB; anything this big is a mistake).
inline constexpr std::uintmax_t kMaxFileBytes = 256ull * 1024 * 1024;

// Reads a whole file. Fatal (non-OK) when it is missing, not a regular file (FIFO, device, dangling
// symlink, directory), larger than kMaxFileBytes, unreadable, or changed size while being read.
Result<std::string> read_file(const std::filesystem::path& file);

// The name used in origins and diagnostics: the file name without its folder.
std::string display_name(const std::filesystem::path& file);

// A corpus file as read_source() returns it.
struct SourceFile {
  std::string path;  // the path as given: fatal errors name it
  std::string name;  // display_name(): warnings and record origins name it
  std::string text;  // the contents, without a leading UTF-8 byte-order mark
  std::string expected;  // what the loader reads, for messages: "an ATLAS distribution"

  // A message of a reader that named the file by `name` ("name:3: ..."), addressed to `path`
  // instead; any other message unchanged.
  std::string at_path(std::string_view message) const;
  // InvalidArgument("<path>:<line>: not <expected>: <why>"): the file is not what the loader reads.
  Status not_expected(std::size_t line, std::string_view why) const;
};

// Whether a file holding nothing but white space is an error.
enum class EmptyFile {
  kRefused,   // a document format: an empty file is a failed download or a mistake
  kAccepted,  // a list of records (JSON Lines): an empty file is a list with nothing in it yet
};

// read_file(), then a leading byte-order mark skipped. A file of nothing but white space is
// InvalidArgument("<path>: empty file, expected <expected>") unless `empty` is kAccepted.
Result<SourceFile> read_source(const std::filesystem::path& file, std::string_view expected,
                               EmptyFile empty = EmptyFile::kRefused);

}  // namespace riskatlas::load::detail
