#include "load/csv_reader.h"

#include <utility>

namespace riskatlas::load {

namespace {
std::string at(const std::string& name, std::size_t line) { return name + ":" + std::to_string(line); }
}  // namespace

CsvReader::CsvReader(std::string_view text, std::string name, Diagnostics& warnings, std::size_t& skipped,
                     std::size_t max_open_quote_lines)
    : text_(text),
      name_(std::move(name)),
      warnings_(warnings),
      skipped_(skipped),
      max_open_quote_lines_(max_open_quote_lines) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvReader::end_line() {
  if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  ++line_;
}

CsvReader::Outcome CsvReader::parse_record(CsvRecord& record, bool& malformed) {
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  record.fields.clear();
  record.line = line_;
  malformed = false;
  if (pos_ >= text_.size()) return Outcome::kEnd;

  std::string field;
  bool quoted_any = false;
  State state = State::kFieldStart;
  const std::size_t n = text_.size();
  while (true) {
    if (pos_ >= n) {
      if (state == State::kQuoted) return Outcome::kOpenQuote;
      record.fields.push_back(std::move(field));
      break;
    }
    const char c = text_[pos_];
    if (state == State::kQuoted) {
      // Fast path: copy a run of ordinary bytes.
      std::size_t end = pos_;
      while (end < n && text_[end] != '"' && text_[end] != '\r' && text_[end] != '\n') ++end;
      if (end > pos_) {
        field.append(text_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      if (c == '"') {
        if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
        } else {
          ++pos_;
          state = State::kAfterQuote;
        }
      } else {  // a line break inside quotes: kept as is
        field += c;
        ++pos_;
        if (c == '\n' || pos_ >= n || text_[pos_] != '\n') ++line_;
      }
      continue;
    }
    if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      state = State::kFieldStart;
      ++pos_;
      continue;
    }
    if (c == '\r' || c == '\n') {
      record.fields.push_back(std::move(field));
      end_line();
      break;
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          state = State::kQuoted;
          quoted_any = true;
          ++pos_;
        } else {
          state = State::kUnquoted;
        }
        break;
      case State::kAfterQuote:  // text after the closing quote: keep it
        malformed = true;
        state = State::kUnquoted;
        break;
      case State::kUnquoted:
        if (c == '"') malformed = true;
        field += c;
        ++pos_;
        break;
      case State::kQuoted:
        break;  // handled above
    }
  }
  if (record.fields.size() == 1 && record.fields[0].empty() && !quoted_any) return Outcome::kBlank;
  return Outcome::kRecord;
}

bool CsvReader::next(CsvRecord& record) {
  if (!status_.ok()) return false;
  while (true) {
    const std::size_t start_pos = pos_;
    const std::size_t start_line = line_;
    bool malformed = false;
    const Outcome outcome = parse_record(record, malformed);
    if (outcome == Outcome::kEnd) return false;
    if (outcome == Outcome::kBlank) continue;
    ++records_read_;
    if (outcome == Outcome::kOpenQuote) {
      const std::size_t spanned = line_ - start_line;
      if (spanned > max_open_quote_lines_) {
        status_ = Status::Corruption(at(name_, start_line) + ": a quoted field opened on this line is never closed (" +
                                     std::to_string(spanned) + " lines to the end of the file): file looks corrupt");
        return false;
      }
      warnings_.push_back({at(name_, start_line),
                           "skipped: a quoted field opened in this record is never closed; reading resumes on line " +
                               std::to_string(start_line + 1)});
      ++skipped_;
      // Resume on the line after the one the record started on.
      pos_ = start_pos;
      line_ = start_line;
      while (pos_ < text_.size() && text_[pos_] != '\r' && text_[pos_] != '\n') ++pos_;
      if (pos_ < text_.size()) end_line();
      else ++line_;
      continue;
    }
    if (expected_columns_ != 0 && record.fields.size() != expected_columns_) {
      warnings_.push_back({at(name_, record.line), "skipped: " + std::to_string(record.fields.size()) +
                                                       " columns, expected " + std::to_string(expected_columns_)});
      ++skipped_;
      continue;
    }
    if (malformed)
      warnings_.push_back({at(name_, record.line), "repaired: stray quote character kept as text"});
    return true;
  }
}

}  // namespace riskatlas::load
