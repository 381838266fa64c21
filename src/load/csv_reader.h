// An RFC 4180 CSV reader over a whole file held in memory.
//
// Accepts quoted fields with embedded commas, doubled quotes and embedded CR/LF; CRLF, LF, lone CR or
// mixed line endings; an optional UTF-8 BOM; a last line with or without a line break. Blank lines
// are ignored. Each record carries the 1-based line it starts on.
//
// Malformed input:
//  * text after a closing quote, or a quote inside an unquoted field: kept literally, with a warning;
//  * a quote still open at end of file: the record is skipped with a warning naming its starting
//    line and reading resumes on the next line, so a stray quote does not swallow the rest. When the
//    open quote spans more than `max_open_quote_lines` lines the file is treated as corrupt (fatal);
//  * with set_expected_columns(n), a record with another column count is skipped with a warning.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/diagnostic.h"
#include "util/status.h"

namespace riskatlas::load {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `name` prefixes diagnostics ("name:line"). Warnings are appended to `warnings`; each skipped
  // record increments `skipped`. `text` must outlive the reader.
  CsvReader(std::string_view text, std::string name, Diagnostics& warnings, std::size_t& skipped,
            std::size_t max_open_quote_lines = 200);

  // 0 = any column count (the default).
  void set_expected_columns(std::size_t n) { expected_columns_ = n; }

  // Reads the next good record into `record`. Returns false at end of input or after a fatal error
  // (then status() is not OK).
  bool next(CsvRecord& record);
  const Status& status() const { return status_; }
  // Records read, including the ones skipped for their column count or an open quote.
  std::size_t records_read() const { return records_read_; }

 private:
  enum class Outcome { kRecord, kBlank, kEnd, kOpenQuote };
  Outcome parse_record(CsvRecord& record, bool& malformed);
  void end_line();  // consumes one CRLF, LF or CR at pos_

  std::string_view text_;
  std::string name_;
  Diagnostics& warnings_;
  std::size_t& skipped_;
  std::size_t max_open_quote_lines_;
  std::size_t expected_columns_ = 0;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t records_read_ = 0;
  Status status_;
};

}  // namespace riskatlas::load
