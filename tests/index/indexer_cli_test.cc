// riskatlas-index as operators run it: publishing, guards, clean-up, and failures that must leave
// the live generation alone.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>
#include <xapian.h>

#include "index/generations.h"
#include "process.h"
#include "util/version.h"

using namespace riskatlas;
using namespace riskatlas::testing;
namespace fs = std::filesystem;

namespace {

std::string corpus() { return corpus_dir().string(); }
std::string small_corpus() { return test_data("load/corpus").string(); }

fs::path live_of(const fs::path& root) {
  auto live = index::IndexRoot(root).live_generation();
  REQUIRE(live.ok());
  return *live;
}

Xapian::doccount documents(const fs::path& generation) { return Xapian::Database(generation.string()).get_doccount(); }

void index_corpus(const fs::path& root) {
  std::string out;
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string()}, &out) == 0);
}

}  // namespace

TEST_CASE("a reindex publishes a verified generation and keeps the newest K", "[index][cli][slow][long]") {
  ScratchDir dir("cli-publish");
  const fs::path root = dir.path() / "index";
  std::string out;
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string()}, &out) == 0);
  CHECK(out.find("live: gen-") != std::string::npos);
  const fs::path first = live_of(root);
  CHECK(documents(first) > 100);
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "2"}) == 0);
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "2"}) == 0);
  const auto gens = index::IndexRoot(root).generations();
  CHECK(gens.size() == 2);
  CHECK(live_of(root) == gens.back());
  CHECK_FALSE(fs::exists(first));

  // Every generation removed is counted, those removed before the build too; a gen-* directory
  // the indexer did not name is an operator's and stays.
  const fs::path backup = root / "gen-operator-backup";
  fs::create_directories(backup);
  std::ofstream(backup / "note") << "kept by hand";
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "4"}) == 0);
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "4"}) == 0);
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "1"}, &out) == 0);
  CHECK(out.find(", 4 old generations removed") != std::string::npos);
  CHECK(index::IndexRoot(root).generations() == std::vector<fs::path>{live_of(root), backup});
  CHECK(fs::exists(backup / "note"));
}

TEST_CASE("a much smaller build is refused unless forced", "[index][cli][slow]") {
  ScratchDir dir("cli-shrink");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  std::string out;
  CHECK(run_indexer({"--corpus", small_corpus(), "--index", root.string()}, &out) == 4);
  CHECK(out.find("refusing to publish") != std::string::npos);
  CHECK(live_of(root) == live);
  CHECK(index::IndexRoot(root).generations().size() == 1);  // the refused build is removed
  // The fixture corpus: 7 risks, 4 techniques, 3 mitigations and 1 case study.
  CHECK(run_indexer({"--corpus", small_corpus(), "--index", root.string(), "--min-ratio", "0"}) == 0);
  CHECK(live_of(root) != live);
  CHECK(documents(live_of(root)) == 15);
  index_corpus(root);
  const fs::path full = live_of(root);
  REQUIRE(documents(full) > 100);
  CHECK(run_indexer({"--corpus", small_corpus(), "--index", root.string(), "--force"}) == 0);
  CHECK(live_of(root) != full);
  CHECK(documents(live_of(root)) == 15);
}

TEST_CASE("a build that lost most records of one type is refused whatever its total", "[index][cli][slow]") {
  ScratchDir dir("cli-shrink-type");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  // corpus/ with its ATLAS file cut before the mitigations, as a truncated download would be: 20
  // mitigations and 5 case studies fewer, about a tenth of the records.
  const fs::path cut = dir.path() / "cut";
  fs::create_directories(cut);
  for (const auto& entry : fs::directory_iterator(corpus()))
    if (entry.path().filename() != "atlas.yaml" && entry.is_regular_file()) fs::copy_file(entry.path(), cut / entry.path().filename());
  {
    std::ifstream in(fs::path(corpus()) / "atlas.yaml");
    std::ofstream out(cut / "atlas.yaml");
    for (std::string line; std::getline(in, line) && line != "  mitigations:";) out << line << '\n';
  }
  std::string out;
  CHECK(run_indexer({"--corpus", cut.string(), "--index", root.string()}, &out) == 4);
  CHECK(out.find("records of type mitigation") != std::string::npos);
  CHECK(live_of(root) == live);
  CHECK(run_indexer({"--corpus", cut.string(), "--index", root.string(), "--force"}) == 0);
  CHECK(live_of(root) != live);
}

TEST_CASE("a second reindex on the same root exits at once", "[index][cli][slow]") {
  ScratchDir dir("cli-busy");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  auto lock = index::ReindexLock::acquire(root);
  REQUIRE(lock.ok());
  std::string out;
  CHECK(run_indexer({"--corpus", corpus(), "--index", root.string()}, &out) == 3);
  CHECK(out.find("another reindex is running") != std::string::npos);
  CHECK(live_of(root) == live);
}

TEST_CASE("a reindex killed mid-build leaves the live generation and the next run succeeds", "[index][cli][slow]") {
  ScratchDir dir("cli-killed");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  {
    Process p({indexer_path(), "--corpus", corpus(), "--index", root.string()}, {{"RISKATLAS_FAULT=pause-after:20"}});
    REQUIRE(p.wait_for_output("paused after 20 documents"));
    p.kill(SIGKILL);
    CHECK(p.wait() == 128 + SIGKILL);
  }
  CHECK(live_of(root) == live);
  CHECK(documents(live) > 100);
  CHECK(index::IndexRoot(root).generations().size() == 2);  // the half-built one is still there
  std::string out;
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string(), "--keep", "1"}, &out) == 0);
  CHECK(index::IndexRoot(root).generations().size() == 1);
  CHECK(live_of(root) != live);
}

TEST_CASE("a first build killed mid-way is removed once the next run is live, never kept to roll back to", "[index][cli][slow]") {
  ScratchDir dir("cli-killed-first");
  const fs::path root = dir.path() / "index";
  {
    Process p({indexer_path(), "--corpus", corpus(), "--index", root.string()}, {{"RISKATLAS_FAULT=pause-after:20"}});
    REQUIRE(p.wait_for_output("paused after 20 documents"));
    p.kill(SIGKILL);
    CHECK(p.wait() == 128 + SIGKILL);
  }
  const auto left = index::IndexRoot(root).generations();
  REQUIRE(left.size() == 1);
  REQUIRE(run_indexer({"--corpus", corpus(), "--index", root.string()}) == 0);  // --keep 2
  const auto now = index::IndexRoot(root).generations();
  REQUIRE(now.size() == 1);
  CHECK(now[0] == live_of(root));
  CHECK(now[0] != left[0]);
}

TEST_CASE("a full disk fails the build with a clear message and leaves the live generation", "[index][cli][slow]") {
  ScratchDir dir("cli-full");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  ProcessOptions full_disk;
  full_disk.file_size_limit = 64 * 1024;
  std::string out;
  CHECK(run_indexer({"--corpus", corpus(), "--index", root.string()}, &out, full_disk) == 5);
  CHECK(out.find("the live index was not changed") != std::string::npos);
  CHECK(live_of(root) == live);
  CHECK(index::IndexRoot(root).generations().size() == 1);  // the partial build was removed
}

TEST_CASE("an index root that cannot be created is a clear failure", "[index][cli]") {
  ScratchDir dir("cli-unwritable");
  std::ofstream(dir.path() / "file") << "not a directory";
  std::string out;
  CHECK(run_indexer({"--corpus", corpus(), "--index", (dir.path() / "file" / "index").string()}, &out) == 5);
  CHECK(out.find("cannot create index root") != std::string::npos);
}

TEST_CASE("a live generation that cannot be read is replaced by the next run, with a warning", "[index][cli][slow]") {
  ScratchDir dir("cli-corrupt");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path live = live_of(root);
  for (const auto& entry : fs::directory_iterator(live))
    if (entry.path().extension() == ".glass") std::ofstream(entry.path(), std::ios::trunc) << "garbage";
  std::string out;
  CHECK(run_indexer({"--corpus", corpus(), "--index", root.string()}, &out) == 0);
  CHECK(out.find("the live index cannot be read") != std::string::npos);
  CHECK(live_of(root) != live);
  CHECK(documents(live_of(root)) > 100);
}

TEST_CASE("unusable input exits 2 naming the file and touches nothing", "[index][cli]") {
  ScratchDir dir("cli-bad-input");
  const fs::path root = dir.path() / "index";
  std::string out;
  CHECK(run_indexer({"--corpus", (dir.path() / "missing").string(), "--index", root.string()}, &out) == 2);
  CHECK(out.find("missing") != std::string::npos);
  fs::create_directories(dir.path() / "bad");
  std::ofstream(dir.path() / "bad" / "risks.csv") << "id,name\n1,x\n";
  CHECK(run_indexer({"--corpus", (dir.path() / "bad").string(), "--index", root.string()}, &out) == 2);
  CHECK(out.find("risks.csv:1") != std::string::npos);
  CHECK_FALSE(fs::exists(root));
}

TEST_CASE("a check run validates the corpus and touches nothing", "[index][cli]") {
  ScratchDir dir("cli-check");
  std::string out;
  CHECK(run_indexer({"--corpus", corpus(), "--check"}, &out) == 0);
  CHECK(out.find("loaded: ") != std::string::npos);
  CHECK(run_indexer({"--corpus", corpus(), "--index", (dir.path() / "index").string(), "--check"}) == 0);
  CHECK_FALSE(fs::exists(dir.path() / "index"));
}

TEST_CASE("a bad command line exits 1 and --help documents every flag", "[index][cli]") {
  std::string out;
  CHECK(run_indexer({"--bogus"}, &out) == 1);
  CHECK(run_indexer({"--corpus", corpus(), "--keep", "0", "--index", "x"}) == 1);
  CHECK(run_indexer({"--corpus", corpus(), "--jobs", "0", "--index", "x"}) == 1);
  CHECK(run_indexer({"--corpus", corpus(), "--corpus", "/nonexistent", "--check"}, &out) == 1);
  CHECK(out.find("--corpus is given twice") != std::string::npos);
  CHECK(run_indexer({"--help"}, &out) == 0);
  for (const char* flag : {"--corpus", "--index", "--extra", "--links", "--keep", "--min-ratio", "--force", "--check",
                           "--quiet", "--if-missing", "--version"})
    CHECK(out.find(flag) != std::string::npos);
}

TEST_CASE("riskatlas-index --version prints the build's version", "[index][cli]") {
  std::string out;
  CHECK(run_indexer({"--version"}, &out) == 0);
  CHECK(out == "riskatlas-index " + std::string(version()) + "\n");
}

TEST_CASE("riskatlas-index --if-missing builds only when the root has no live index", "[index][cli][slow]") {
  ScratchDir dir("cli-if-missing");
  const fs::path root = dir.path() / "index";
  std::string out;
  REQUIRE(run_indexer({"--if-missing", "--corpus", corpus(), "--index", root.string()}, &out) == 0);
  const fs::path first = live_of(root);
  CHECK(documents(first) > 100);
  // With a live index it touches nothing, even with a corpus that could not be loaded.
  CHECK(run_indexer({"--if-missing", "--corpus", (dir.path() / "missing").string(), "--index", root.string()}, &out) ==
        0);
  CHECK(out.find("already has a live index") != std::string::npos);
  CHECK(index::IndexRoot(root).generations() == std::vector<fs::path>{first});
  // A broken live pointer is reported and left for a run without --if-missing to replace.
  std::ofstream(root / index::kLiveStubName, std::ios::trunc) << "auto gen-missing\n";
  CHECK(run_indexer({"--if-missing", "--quiet", "--corpus", corpus(), "--index", root.string()}, &out) == 0);
  CHECK(out.find("warning: ") != std::string::npos);
  CHECK(index::IndexRoot(root).generations() == std::vector<fs::path>{first});
}

// An operator's `sudo riskatlas-index` on the service's root, under umask 077: root's files there
// would be unreadable to the server and out of reach of the service user's next run (its lock, the
// generations it removes).
TEST_CASE("a reindex run as root in a root another user owns gives what it makes to that user", "[index][cli]") {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "SKIPPED: only root can build in a root another user owns\n");
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  ScratchDir dir("cli-owner");
  const fs::path root = dir.path() / "index";
  fs::create_directories(root);
  constexpr uid_t kOwner = 65534;  // nobody
  constexpr gid_t kGroup = 65534;
  REQUIRE(::chown(root.c_str(), kOwner, kGroup) == 0);
  const mode_t previous = ::umask(077);
  std::string out;
  const int code = run_indexer({"--corpus", corpus(), "--index", root.string()}, &out);
  ::umask(previous);
  REQUIRE(code == 0);
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    REQUIRE(::lstat(entry.path().c_str(), &st) == 0);
    INFO(entry.path().string());
    CHECK(st.st_uid == kOwner);
    CHECK(st.st_gid == kGroup);
    ++files;
  }
  CHECK(files > 5);  // the lock, live.stub, a generation and its tables
}

namespace {

// Makes `file` (and so its directory) impossible for this process to remove: its directory read-only
// for a user, the file immutable for root, who ignores permissions. False if the file system refuses.
bool pin(const fs::path& file, bool pinned) {
  if (::geteuid() != 0) return ::chmod(file.parent_path().c_str(), pinned ? 0555 : 0755) == 0;
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags = pinned ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
  ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

// A generation a root-run build left in the service user's root cannot be removed by that user's
// runs: each says so, once, and still publishes.
TEST_CASE("a reindex names an old generation it cannot remove, and still publishes", "[index][cli]") {
  ScratchDir dir("cli-unremovable");
  const fs::path root = dir.path() / "index";
  index_corpus(root);
  const fs::path stuck = root / "gen-20000101T000000.000Z-1";
  fs::create_directories(stuck / "part");
  std::ofstream(stuck / "part" / "postlist.glass") << "x";
  if (!pin(stuck / "part" / "postlist.glass", true)) {
    std::fprintf(stderr, "SKIPPED: this file system cannot make a file unremovable\n");
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  std::string out;
  const int code = run_indexer({"--keep", "1", "--corpus", corpus(), "--index", root.string()}, &out);
  REQUIRE(pin(stuck / "part" / "postlist.glass", false));
  INFO(out);
  CHECK(code == 0);
  const std::string warning = "riskatlas-index: warning: cannot remove " + stuck.string() + ": ";
  const auto at = out.find(warning);
  CHECK(at != std::string::npos);
  CHECK(out.find(warning, at + 1) == std::string::npos);  // said once, though both clean-ups met it
  CHECK(out.find("remove it by hand") != std::string::npos);
  CHECK(index::IndexRoot(root).generations() == std::vector<fs::path>{stuck, live_of(root)});
  // Once it can be removed, the next run removes it without a word.
  REQUIRE(run_indexer({"--keep", "1", "--corpus", corpus(), "--index", root.string()}, &out) == 0);
  CHECK(out.find("cannot remove") == std::string::npos);
  CHECK(index::IndexRoot(root).generations() == std::vector<fs::path>{live_of(root)});
}
