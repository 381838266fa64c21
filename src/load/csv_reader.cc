#include "load/csv_reader.h"

#include <algorithm>
#include <utility>

namespace riskatlas::load {

namespace {
std::string at(const std::string& name, std::size_t line) { return name + ":" + std::to_string(line); }
}  // namespace

Result<CsvReader> CsvReader::open(const std::filesystem::path& file, Diagnostics& warnings, std::size_t& skipped,
                                  CsvLimits limits) {
  auto chunks = detail::FileChunks::open(file);
  if (!chunks.ok()) return chunks.status();
  std::string name = chunks->name();
  return CsvReader(std::move(chunks.value()), std::move(name), warnings, skipped, limits);
}

CsvReader::CsvReader(std::string_view text, std::string name, Diagnostics& warnings, std::size_t& skipped,
                     CsvLimits limits)
    : CsvReader(std::nullopt, std::move(name), warnings, skipped, limits) {
  buf_ = text;
  peak_buffered_ = buf_.size();
}

CsvReader::CsvReader(std::optional<detail::FileChunks> file, std::string name, Diagnostics& warnings,
                     std::size_t& skipped, CsvLimits limits)
    : file_(std::move(file)), name_(std::move(name)), warnings_(warnings), skipped_(skipped), limits_(limits) {
  limits_.chunk_bytes = std::max<std::size_t>(limits_.chunk_bytes, 1);
}

bool CsvReader::fill(std::size_t i) {
  while (i >= buf_.size()) {
    if (!file_ || !status_.ok()) return false;
    const std::size_t old = buf_.size();
    buf_.resize(old + limits_.chunk_bytes);
    const std::size_t got = file_->read(buf_.data() + old, limits_.chunk_bytes);
    buf_.resize(old + got);
    if (got == 0) {
      if (!file_->status().ok()) status_ = file_->status();
      return false;
    }
    peak_buffered_ = std::max(peak_buffered_, buf_.size());
  }
  return true;
}

void CsvReader::drop_consumed() {
  // Only once a chunk's worth is consumed, so each byte is moved at most once or twice.
  if (pos_ >= limits_.chunk_bytes || pos_ == buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

void CsvReader::end_line() {
  if (has(pos_) && buf_[pos_] == '\r') ++pos_;
  if (has(pos_) && buf_[pos_] == '\n') ++pos_;
  ++line_;
}

void CsvReader::skip_to_next_line() {
  while (true) {
    while (pos_ < buf_.size() && buf_[pos_] != '\r' && buf_[pos_] != '\n') ++pos_;
    if (pos_ < buf_.size()) {
      end_line();
      return;
    }
    buf_.clear();  // all of it is skipped
    pos_ = 0;
    if (!has(0)) {
      ++line_;
      return;
    }
  }
}

CsvReader::Outcome CsvReader::parse_record(CsvRecord& record, bool& malformed) {
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  record.fields.clear();
  record.line = line_;
  malformed = false;
  if (!has(pos_)) return Outcome::kEnd;

  const std::size_t start = pos_;
  std::string field;
  bool quoted_any = false;
  State state = State::kFieldStart;
  while (true) {
    if (pos_ - start > limits_.max_record_bytes) return Outcome::kTooLong;
    if (!has(pos_)) {
      if (state == State::kQuoted) return Outcome::kOpenQuote;
      record.fields.push_back(std::move(field));
      break;
    }
    const char c = buf_[pos_];
    if (state == State::kQuoted) {
      // Fast path: copy a run of ordinary bytes.
      std::size_t end = pos_;
      while (end < buf_.size() && buf_[end] != '"' && buf_[end] != '\r' && buf_[end] != '\n') ++end;
      if (end > pos_) {
        field.append(buf_, pos_, end - pos_);
        pos_ = end;
        continue;
      }
      if (c == '"') {
        if (has(pos_ + 1) && buf_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
        } else {
          ++pos_;
          state = State::kAfterQuote;
        }
      } else {  // a line break inside quotes: kept as is
        field += c;
        ++pos_;
        if (c == '\n' || !has(pos_) || buf_[pos_] != '\n') ++line_;
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
  // A line of nothing but spaces and tabs counts as blank: no export means a record by it.
  if (record.fields.size() == 1 && !quoted_any &&
      record.fields[0].find_first_not_of(" \t") == std::string::npos)
    return Outcome::kBlank;
  return Outcome::kRecord;
}

void CsvReader::warn(std::size_t line, std::string message) {
  if (++warned_ <= kMaxWarnings) warnings_.push_back({at(name_, line), std::move(message)});
}

bool CsvReader::next(CsvRecord& record) {
  if (!status_.ok()) return false;
  if (!bom_checked_) {
    bom_checked_ = true;
    if (has(detail::kByteOrderMark.size() - 1) && std::string_view(buf_).starts_with(detail::kByteOrderMark))
      pos_ = detail::kByteOrderMark.size();
  }
  while (true) {
    drop_consumed();
    const std::size_t start_pos = pos_;
    const std::size_t start_line = line_;
    bool malformed = false;
    const Outcome outcome = parse_record(record, malformed);
    if (!status_.ok()) return false;  // a read error: what was parsed may be cut short
    if (outcome == Outcome::kEnd) {
      if (warned_ > kMaxWarnings)
        warnings_.push_back({name_, std::to_string(warned_ - kMaxWarnings) + " more warnings like those above"});
      warned_ = 0;
      return false;
    }
    if (outcome == Outcome::kBlank) continue;
    ++records_read_;
    if (outcome == Outcome::kOpenQuote || outcome == Outcome::kTooLong) {
      const std::size_t spanned = line_ - start_line;
      if (outcome == Outcome::kOpenQuote && spanned > limits_.max_open_quote_lines) {
        // Fatal errors name the path, as the file's read errors do; warnings its name.
        status_ = Status::Corruption(at(file_ ? file_->path() : name_, start_line) + ": a quoted field opened on this line is never closed (" +
                                     std::to_string(spanned) + " lines to the end of the file): file looks corrupt");
        return false;
      }
      const std::string why = outcome == Outcome::kOpenQuote
                                  ? "a quoted field opened in this record is never closed"
                                  : "record longer than " + std::to_string(limits_.max_record_bytes) + " bytes";
      warn(start_line, "skipped: " + why + "; reading resumes on line " + std::to_string(start_line + 1));
      ++skipped_;
      // Resume on the line after the one the record started on: its bytes are still buffered.
      pos_ = start_pos;
      line_ = start_line;
      skip_to_next_line();
      if (!status_.ok()) return false;
      continue;
    }
    if (expected_columns_ != 0 && record.fields.size() != expected_columns_) {
      warn(record.line, "skipped: " + std::to_string(record.fields.size()) + " columns, expected " +
                            std::to_string(expected_columns_));
      ++skipped_;
      continue;
    }
    if (malformed)
      warn(record.line, "repaired: stray quote character kept as text");
    return true;
  }
}

}  // namespace riskatlas::load
