#include "load/source_file.h"

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "util/text.h"

namespace riskatlas::load::detail {

namespace fs = std::filesystem;

namespace {

// The checks before a file is opened: it exists and is a regular file. Its size.
Result<std::uintmax_t> checked_size(const fs::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!fs::exists(st)) {
    std::error_code lec;
    if (fs::is_symlink(fs::symlink_status(file, lec)))
      return Status::NotFound(name + ": dangling symbolic link");
    return Status::NotFound(name + ": no such file");
  }
  if (fs::is_directory(st)) return Status::InvalidArgument(name + ": is a directory, expected a file");
  if (!fs::is_regular_file(st)) return Status::InvalidArgument(name + ": not a regular file");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return Status::IOError(name + ": cannot read size: " + ec.message());
  return size;
}

Status changed_while_read(const std::string& name) {
  return Status::IOError(name + ": file changed while being read (is an export still running?)");
}

}  // namespace

Result<std::string> read_file(const fs::path& file) {
  auto chunks = FileChunks::open(file);
  if (!chunks.ok()) return chunks.status();
  FileChunks& in = *chunks;
  if (in.size() > kMaxFileBytes)
    return Status::InvalidArgument(in.path() + ": too large (" + std::to_string(in.size()) + " bytes, limit " +
                                   std::to_string(kMaxFileBytes) + ")");
  std::string data;
  data.reserve(static_cast<std::size_t>(in.size()));
  char buf[65536];
  while (const std::size_t got = in.read(buf, sizeof buf)) {
    data.append(buf, got);
    if (data.size() > kMaxFileBytes) return Status::InvalidArgument(in.path() + ": too large (grew while being read)");
  }
  if (!in.status().ok()) return in.status();
  return data;
}

std::string display_name(const fs::path& file) {
  const std::string n = file.filename().string();
  return n.empty() ? file.string() : n;
}

SourceFile::SourceFile(const fs::path& file, std::string_view what)
    : path(file.string()), name(display_name(file)), expected(what) {}

Status SourceFile::not_expected(std::size_t line, std::string_view why) const {
  return Status::InvalidArgument(path + ":" + std::to_string(line) + ": not " + expected + ": " + std::string(why));
}

Result<SourceText> read_source(const fs::path& file, std::string_view expected) {
  auto data = read_file(file);
  if (!data.ok()) return data.status();
  SourceText source{SourceFile(file, expected), std::move(data.value())};
  if (std::string_view(source.text).starts_with(kByteOrderMark)) source.text.erase(0, kByteOrderMark.size());
  if (text::trim(source.text).empty())
    return Status::InvalidArgument(source.path + ": empty file, expected " + std::string(expected));
  return source;
}

Result<FileChunks> FileChunks::open(const fs::path& file) {
  auto checked = checked_size(file);
  if (!checked.ok()) return checked.status();
  FileChunks f;
  f.path_ = file.string();
  f.name_ = display_name(file);
  f.size_ = *checked;
  std::error_code ec;
  f.mtime_ = fs::last_write_time(file, ec);
  f.mtime_known_ = !ec;
  f.in_.open(file, std::ios::binary);
  if (!f.in_) return Status::IOError(f.path_ + ": cannot open: " + std::strerror(errno));
  return f;
}

std::size_t FileChunks::read(char* out, std::size_t n) {
  if (eof_ || !status_.ok() || n == 0) return 0;
  in_.read(out, static_cast<std::streamsize>(n));
  const auto got = static_cast<std::size_t>(in_.gcount());
  bytes_read_ += got;
  if (in_.bad()) {
    status_ = Status::IOError(path_ + ": read error");
    return 0;
  }
  if (got == 0) {  // the end: the file was read whole and did not change
    eof_ = true;
    std::error_code ec;
    const auto mtime = fs::last_write_time(path_, ec);
    if (bytes_read_ != size_ || (mtime_known_ && !ec && mtime != mtime_)) status_ = changed_while_read(path_);
  }
  return got;
}

Result<LineReader> LineReader::open(const fs::path& file, std::size_t max_line_bytes, std::size_t buffer_bytes) {
  auto chunks = FileChunks::open(file);
  if (!chunks.ok()) return chunks.status();
  LineReader r(std::move(chunks.value()));
  r.max_line_ = max_line_bytes;
  // A buffer smaller than a byte-order mark could not recognise one.
  r.buf_.resize(std::max<std::size_t>(buffer_bytes, kByteOrderMark.size()));
  return r;
}

bool LineReader::fill() {
  if (start_ > 0) {  // keep the unread bytes at the front
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  // A line longer than the buffer: grow it (next() keeps it under twice the line limit).
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  const std::size_t got = file_.read(buf_.data() + end_, buf_.size() - end_);
  end_ += got;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  too_long_ = false;
  std::size_t scanned = 0;  // bytes after start_ known to hold no line break
  while (true) {
    const std::size_t nl = std::string_view(buf_.data(), end_).find('\n', start_ + scanned);
    if (nl != std::string_view::npos) {
      line = std::string_view(buf_.data() + start_, nl - start_);
      start_ = nl + 1;
      break;
    }
    scanned = end_ - start_;
    if (scanned > max_line_ + 1) {  // over the limit (with a CR): drop it and go on to the next line break
      too_long_ = true;
      start_ = end_ = scanned = 0;
    }
    if (!fill()) {
      if (!status().ok()) return false;
      if (start_ == end_ && !too_long_) return false;  // end of file
      line = std::string_view(buf_.data() + start_, end_ - start_);  // a last line without a break
      start_ = end_;
      break;
    }
  }
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_line_) too_long_ = true;
  if (too_long_) line = {};
  if (line_no_ == 1 && line.starts_with(kByteOrderMark)) line.remove_prefix(kByteOrderMark.size());
  return true;
}

}  // namespace riskatlas::load::detail
