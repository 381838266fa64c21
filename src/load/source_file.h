// Reading a corpus file, one way for every loader: the same safety checks, the two names it goes by in
// messages, a leading UTF-8 byte-order mark skipped. Files that grow with the number of records (the
// export CSV, JSON Lines, links CSV) are read in chunks (FileChunks: LineReader, CsvReader), so memory
// follows the longest record, not the file. Documents that describe a fixed vocabulary (ATLAS YAML,
// links YAML, synonyms) are parsed as one tree: they are read whole, under kMaxFileBytes, and refuse
// empty input. Internal to src/load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace riskatlas::load::detail {

// Files read whole larger than this are refused (such a file is a few MB; anything this big is a
// mistake). Files read in chunks have no size limit, only kMaxLineBytes.
inline constexpr std::uintmax_t kMaxFileBytes = 256ull * 1024 * 1024;
// Skipped at the start of every corpus file.
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// A line (or CSV record) longer than this is skipped unread (a record is a few KB; this bounds a
// reader's memory).
inline constexpr std::size_t kMaxLineBytes = 16u * 1024 * 1024;

// Reads a whole file. Fatal (non-OK) when it is missing, not a regular file (FIFO, device, dangling
// symlink, directory), larger than kMaxFileBytes, unreadable, or changed size while being read.
Result<std::string> read_file(const std::filesystem::path& file);

// The name used in origins and diagnostics: the file name without its folder.
std::string display_name(const std::filesystem::path& file);

// A corpus file as the loaders name it in messages.
struct SourceFile {
  std::string path;  // the path as given: fatal errors name it
  std::string name;  // display_name(): warnings and record origins name it
  std::string expected;  // what the loader reads, for messages: "an ATLAS distribution"

  SourceFile(const std::filesystem::path& file, std::string_view expected);
  // InvalidArgument("<path>:<line>: not <expected>: <why>"): the file is not what the loader reads.
  Status not_expected(std::size_t line, std::string_view why) const;
};

// A document read whole by read_source().
struct SourceText : SourceFile {
  std::string text;  // the contents, without a leading UTF-8 byte-order mark
};

// read_file(), then a leading byte-order mark skipped. A file of nothing but white space is
// InvalidArgument("<path>: empty file, expected <expected>").
Result<SourceText> read_source(const std::filesystem::path& file, std::string_view expected);

// A file read a chunk at a time, with read_file()'s checks but no size limit. Movable.
class FileChunks {
 public:
  // Fatal (non-OK) as read_file() is: missing, not a regular file, unreadable.
  static Result<FileChunks> open(const std::filesystem::path& file);

  // Reads up to `n` bytes into `out`; 0 at the end of the file or on an error. Once the end is
  // reached, status() is an IOError if the file changed size or time while being read.
  std::size_t read(char* out, std::size_t n);
  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  std::uintmax_t size() const { return size_; }  // when opened

 private:
  FileChunks() = default;

  std::string path_, name_;
  std::ifstream in_;
  std::uintmax_t size_ = 0;  // when opened
  std::filesystem::file_time_type mtime_{};
  bool mtime_known_ = false;
  std::uintmax_t bytes_read_ = 0;
  bool eof_ = false;
  Status status_;
};

// A file read one line at a time through a fixed buffer, for lists of records of any size. Lines are
// given without their break ("\n" or "\r\n"), a last line without one included, the first without a
// leading byte-order mark. A line over `max_line_bytes` is not kept: it is reported (too_long()) and
// its bytes are skipped up to the next line break.
class LineReader {
 public:
  // Fatal (non-OK) as read_file() is: missing, not a regular file, unreadable. No size limit.
  static Result<LineReader> open(const std::filesystem::path& file, std::size_t max_line_bytes = kMaxLineBytes,
                                 std::size_t buffer_bytes = 64 * 1024);

  // The next line into `line` (valid until the next call). False at the end of the file or on a
  // read error or a file that changed while being read; then status() says which.
  bool next(std::string_view& line);
  // 1-based number of the line last given.
  std::size_t line_number() const { return line_no_; }
  // Whether the line last given was over the limit (then `line` is empty).
  bool too_long() const { return too_long_; }
  std::size_t max_line_bytes() const { return max_line_; }
  const Status& status() const { return file_.status(); }
  const std::string& path() const { return file_.path(); }
  const std::string& name() const { return file_.name(); }

 private:
  explicit LineReader(FileChunks file) : file_(std::move(file)) {}
  // Reads more bytes after end_; false at end of file or on an error.
  bool fill();

  FileChunks file_;
  std::size_t max_line_ = kMaxLineBytes;
  std::string buf_;         // holds [start_, end_) of unread bytes
  std::size_t start_ = 0, end_ = 0;
  std::size_t line_no_ = 0;
  bool too_long_ = false;
};

}  // namespace riskatlas::load::detail
