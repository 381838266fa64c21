// An RFC 4180 CSV reader over a file read in chunks, or over text held in memory.
//
// Accepts quoted fields with embedded commas, doubled quotes and embedded CR/LF; CRLF, LF, lone CR or
// mixed line endings; an optional UTF-8 BOM; a last line with or without a line break. Blank lines
// (empty or only spaces and tabs) are ignored. Each record carries the 1-based line it starts on.
// Memory follows the longest record, not the file: bytes before the current record are dropped as
// reading goes on.
//
// Malformed input:
//  * text after a closing quote, or a quote inside an unquoted field: kept literally, with a warning;
//  * a quote still open at end of file: the record is skipped with a warning naming its starting
//    line and reading resumes on the next line, so a stray quote does not swallow the rest. When the
//    open quote spans more than `max_open_quote_lines` lines the file is treated as corrupt (fatal);
//  * a record longer than `max_record_bytes`: skipped with a warning, reading resumes on the line
//    after the one it starts on (as for an open quote);
//  * with set_expected_columns(n), a record with another column count is skipped with a warning.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/source_file.h"
#include "util/diagnostic.h"
#include "util/status.h"

namespace riskatlas::load {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

struct CsvLimits {
  std::size_t max_open_quote_lines = 200;
  std::size_t max_record_bytes = detail::kMaxLineBytes;
  std::size_t chunk_bytes = 64 * 1024;  // read from the file at a time
};

class CsvReader {
 public:
  // Over a file: fatal (non-OK) as detail::FileChunks::open is. Warnings name it by its file name,
  // fatal errors by its path.
  // Warnings are appended to `warnings`; each skipped record increments `skipped`.
  static Result<CsvReader> open(const std::filesystem::path& file, Diagnostics& warnings, std::size_t& skipped,
                                CsvLimits limits = {});
  // Over `text` (copied); `name` prefixes diagnostics ("name:line").
  CsvReader(std::string_view text, std::string name, Diagnostics& warnings, std::size_t& skipped,
            CsvLimits limits = {});

  // 0 = any column count (the default).
  void set_expected_columns(std::size_t n) { expected_columns_ = n; }

  // Reads the next good record into `record`. Returns false at end of input or after a fatal error
  // (then status() is not OK: Corruption for a file that looks corrupt, IOError for a read error).
  bool next(CsvRecord& record);
  const Status& status() const { return status_; }
  // Warnings of one file kept whole; the rest are counted in one last warning.
  static constexpr std::size_t kMaxWarnings = 100;
  // Records read, including the ones skipped for their column count, length or an open quote.
  std::size_t records_read() const { return records_read_; }
  // The most bytes held at once: at most the longest record (capped by max_record_bytes) and two
  // chunks (the consumed part not yet dropped, and the chunk being read).
  std::size_t peak_buffered_bytes() const { return peak_buffered_; }

 private:
  CsvReader(std::optional<detail::FileChunks> file, std::string name, Diagnostics& warnings, std::size_t& skipped,
            CsvLimits limits);

  enum class Outcome { kRecord, kBlank, kEnd, kOpenQuote, kTooLong };
  Outcome parse_record(CsvRecord& record, bool& malformed);
  // Whether byte `i` of the buffer is there, reading more of the file when needed.
  bool has(std::size_t i) { return i < buf_.size() || fill(i); }
  bool fill(std::size_t i);
  void end_line();      // consumes one CRLF, LF or CR at pos_
  void skip_to_next_line();  // from pos_, past the next line break (or to the end)
  void drop_consumed();  // forgets the bytes before pos_
  // Adds a warning, or counts it past kMaxWarnings: a long quoted field skipped for its length is
  // read again line by line, and each of its lines would otherwise be a warning of its own.
  void warn(std::size_t line, std::string message);

  std::optional<detail::FileChunks> file_;  // none: the text was given whole
  std::string buf_;  // the unread part of the input, from a record's start
  std::string name_;
  Diagnostics& warnings_;
  std::size_t& skipped_;
  CsvLimits limits_;
  std::size_t expected_columns_ = 0;
  std::size_t pos_ = 0;  // into buf_
  std::size_t line_ = 1;
  std::size_t records_read_ = 0;
  std::size_t peak_buffered_ = 0;
  std::size_t warned_ = 0;  // warnings of this file, those counted past kMaxWarnings included
  bool bom_checked_ = false;
  Status status_;
};

}  // namespace riskatlas::load
