#include "index/generations.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

namespace riskatlas::index {
namespace fs = std::filesystem;
namespace {

bool is_generation_name(std::string_view name) {
  if (name.size() < 5 || name.substr(0, 4) != "gen-") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
  });
}

std::string errno_text() { return std::strerror(errno); }

using Millis = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// The shape of the names new_generation_path() makes: gen-<UTC time with ms>Z-<pid>.
constexpr std::string_view kBuiltNameShape = "gen-00000000T000000.000Z-0";

// The build time a name new_generation_path() made records; nullopt for any other name. Only such
// names are removed by clean-up: another gen-* directory (an operator's "gen-backup") is followed
// when live.stub names it, and never deleted.
std::optional<Millis> generation_time(std::string_view name) {
  if (name.size() < kBuiltNameShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char expected = i < kBuiltNameShape.size() ? kBuiltNameShape[i] : '0';
    if (expected == '0' ? !std::isdigit(static_cast<unsigned char>(name[i])) : name[i] != expected) return std::nullopt;
  }
  const auto number = [&](std::size_t pos, std::size_t digits) {
    int value = 0;
    for (std::size_t i = pos; i < pos + digits; ++i) value = value * 10 + (name[i] - '0');
    return value;
  };
  std::tm tm{};
  tm.tm_year = number(4, 4) - 1900;
  tm.tm_mon = number(8, 2) - 1;
  tm.tm_mday = number(10, 2);
  tm.tm_hour = number(13, 2);
  tm.tm_min = number(15, 2);
  tm.tm_sec = number(17, 2);
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::from_time_t(timegm(&tm))) +
         std::chrono::milliseconds(number(20, 3));
}

bool is_built_generation_name(std::string_view name) { return generation_time(name).has_value(); }

Status fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IOError(p.string() + ": " + errno_text());
  const int rc = ::fsync(fd);
  const std::string err = rc != 0 ? errno_text() : "";
  ::close(fd);
  if (rc != 0) return Status::IOError(p.string() + ": fsync: " + err);
  return Status::OK();
}

// What root makes in an index root another user owns (the service's, when an operator runs the
// indexer with sudo) is given to that user: as root's, a generation could be unreadable to the
// server (umask 077), and the lock and old generations out of reach of that user's next run.
Status give_to_root_owner(const fs::path& root, const fs::path& made) {
  struct stat owner {};
  if (::geteuid() != 0 || ::stat(root.c_str(), &owner) != 0 || owner.st_uid == 0) return Status::OK();
  const auto give = [&](const fs::path& p) {
    return ::lchown(p.c_str(), owner.st_uid, owner.st_gid) == 0
               ? Status::OK()
               : Status::IOError(p.string() + ": chown: " + errno_text());
  };
  if (Status s = give(made); !s.ok()) return s;
  std::error_code ec;
  if (!fs::is_directory(made, ec)) return Status::OK();
  for (auto it = fs::recursive_directory_iterator(made, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (Status s = give(it->path()); !s.ok()) return s;
  if (ec) return Status::IOError(made.string() + ": " + ec.message());
  return Status::OK();
}

}  // namespace

Status write_file_synced(const fs::path& path, std::string_view text) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IOError(path.string() + ": cannot write");
  }
  return fsync_path(path, O_RDONLY);
}

std::string parse_stub(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.rfind("auto ", 0) != 0) return {};
  std::string name = line.substr(5);
  return is_generation_name(name) ? name : std::string();
}

Result<fs::path> IndexRoot::live_generation() const {
  std::error_code ec;
  if (!fs::exists(stub_path(), ec)) return Status::NotFound(stub_path().string() + ": no live index yet");
  std::ifstream in(stub_path());
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::Corruption(stub_path().string() + ": cannot read");
  const std::string name = parse_stub(text.str());
  if (name.empty()) return Status::Corruption(stub_path().string() + ": not a generation stub");
  const fs::path dir = root_ / name;
  if (!fs::is_directory(dir, ec)) return Status::Corruption(stub_path().string() + ": names missing " + dir.string());
  return dir;
}

std::vector<fs::path> IndexRoot::generations() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    if (entry.is_directory(ec) && is_generation_name(entry.path().filename().string())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path IndexRoot::new_generation_path() const {
  auto when = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  // After a clock stepped back (NTP, a restored VM) the new name must still sort last: remove_stale()
  // takes a generation sorting after the live one for an interrupted build's, and would remove the
  // one to roll back to. So it is never earlier than the newest name here.
  for (const auto& g : generations())
    if (const auto t = generation_time(g.filename().string()); t && *t >= when) when = *t + std::chrono::milliseconds(1);
  const std::time_t secs = std::chrono::system_clock::to_time_t(when);
  const auto ms = when.time_since_epoch().count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[40];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  char name[96];
  std::snprintf(name, sizeof name, "gen-%s.%03dZ-%d", stamp, static_cast<int>(ms), static_cast<int>(::getpid()));
  return root_ / name;
}

Status IndexRoot::publish(const fs::path& generation) const {
  const std::string name = generation.filename().string();
  if (!is_generation_name(name) || generation.parent_path() != root_)
    return Status::InvalidArgument(generation.string() + ": not a generation of " + root_.string());
  if (Status s = give_to_root_owner(root_, generation); !s.ok()) return s;
  // The generation's own directory entries must be durable before anything points at it.
  if (Status s = fsync_path(generation, O_RDONLY | O_DIRECTORY); !s.ok()) return s;
  const fs::path tmp = root_ / (std::string(kLiveStubName) + ".tmp");
  if (Status s = write_file_synced(tmp, "auto " + name + "\n"); !s.ok()) return s;
  if (Status s = give_to_root_owner(root_, tmp); !s.ok()) return s;
  if (::rename(tmp.c_str(), stub_path().c_str()) != 0)
    return Status::IOError(stub_path().string() + ": rename: " + errno_text());
  return fsync_path(root_, O_RDONLY | O_DIRECTORY);
}

IndexRoot::Removal IndexRoot::remove_stale(std::size_t keep, const std::vector<fs::path>& never_live) const {
  Removal result;
  std::error_code ec;
  const auto live = live_generation();
  const auto all = generations();
  std::size_t kept_older = 0;
  // Walk newest first: what is newer than live was left by an interrupted run.
  bool seen_live = false;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (live.ok() && *it == *live) {
      seen_live = true;
      continue;
    }
    bool remove = false;
    if (!is_built_generation_name(it->filename().string())) {
      remove = false;
    } else if (!live.ok()) {
      remove = false;  // nothing is live: leave the directories for an operator to inspect
    } else if (!seen_live || std::find(never_live.begin(), never_live.end(), *it) != never_live.end()) {
      remove = true;
    } else if (kept_older + 1 < keep) {
      ++kept_older;
    } else {
      remove = true;
    }
    if (!remove) continue;
    if (fs::remove_all(*it, ec) != static_cast<std::uintmax_t>(-1) && !ec)
      result.removed.push_back(*it);
    else
      result.failures.push_back({*it, ec.message()});
  }
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    if (entry.path().extension() == ".tmp" && entry.is_regular_file(ec)) {
      if (fs::remove(entry.path(), ec); !ec)
        result.removed.push_back(entry.path());
      else
        result.failures.push_back({entry.path(), ec.message()});
    }
  }
  return result;
}

PendingGeneration::~PendingGeneration() {
  if (published_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Status PendingGeneration::publish() {
  Status s = root_.publish(path_);
  published_ = s.ok();
  return s;
}

Result<ReindexLock> ReindexLock::acquire(const fs::path& root) {
  const fs::path path = root / kLockName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(path.string() + ": " + errno_text());
  if (Status s = give_to_root_owner(root, path); !s.ok()) {
    ::close(fd);
    return s;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return Status::Unavailable("another reindex is running on " + root.string());
    return Status::IOError(path.string() + ": flock: " + std::strerror(err));
  }
  return ReindexLock(fd);
}

ReindexLock::~ReindexLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace riskatlas::index
