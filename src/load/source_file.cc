#include "load/source_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "util/text.h"

namespace riskatlas::load::detail {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& file) {
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
  if (size > kMaxFileBytes)
    return Status::InvalidArgument(name + ": too large (" + std::to_string(size) + " bytes, limit " +
                                   std::to_string(kMaxFileBytes) + ")");
  const auto mtime_before = fs::last_write_time(file, ec);

  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError(name + ": cannot open: " + std::strerror(errno));
  std::string data;
  data.reserve(static_cast<std::size_t>(size));
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxFileBytes) return Status::InvalidArgument(name + ": too large (grew while being read)");
  }
  if (in.bad()) return Status::IOError(name + ": read error");
  std::error_code ec2;
  const auto mtime_after = fs::last_write_time(file, ec2);
  if (data.size() != size || (!ec && !ec2 && mtime_before != mtime_after))
    return Status::IOError(name + ": file changed while being read (is an export still running?)");
  return data;
}

std::string display_name(const fs::path& file) {
  const std::string n = file.filename().string();
  return n.empty() ? file.string() : n;
}

std::string SourceFile::at_path(std::string_view message) const {
  if (!message.starts_with(name)) return std::string(message);
  return path + std::string(message.substr(name.size()));
}

Status SourceFile::not_expected(std::size_t line, std::string_view why) const {
  return Status::InvalidArgument(path + ":" + std::to_string(line) + ": not " + expected + ": " + std::string(why));
}

Result<SourceFile> read_source(const fs::path& file, std::string_view expected, EmptyFile empty) {
  auto data = read_file(file);
  if (!data.ok()) return data.status();
  SourceFile source{file.string(), display_name(file), std::move(data.value()), std::string(expected)};
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (std::string_view(source.text).starts_with(kByteOrderMark)) source.text.erase(0, kByteOrderMark.size());
  if (empty == EmptyFile::kRefused && text::trim(source.text).empty())
    return Status::InvalidArgument(source.path + ": empty file, expected " + std::string(expected));
  return source;
}

}  // namespace riskatlas::load::detail
