// Helpers shared by the tests: where the fixtures are, the real-data switch, scratch directories.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace riskatlas::testing {

// Exit code that CTest reports as "Skipped" (SKIP_RETURN_CODE in CMakeLists.txt).
inline constexpr int kSkipExitCode = 77;

inline std::filesystem::path source_dir() { return RISKATLAS_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return RISKATLAS_BINARY_DIR; }
inline std::filesystem::path test_data(const std::string& rel) { return source_dir() / "tests" / "data" / rel; }
inline std::filesystem::path corpus_dir() { return source_dir() / "corpus"; }

// The folder of the real published exports, from RISKATLAS_REAL_DATA. When it is not set, the calling
// test is reported to CTest as skipped (each test case runs in its own process under ctest), never as
// passed.
inline std::filesystem::path require_real_data() {
  const char* dir = std::getenv("RISKATLAS_REAL_DATA");
  if (dir == nullptr || *dir == '\0') {
    std::fprintf(stderr, "SKIPPED: set RISKATLAS_REAL_DATA to the folder of the published exports\n");
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  return std::filesystem::path(dir);
}

// A fresh directory under the build tree, removed when the object dies. Named per process, because
// ctest runs test cases as parallel processes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(binary_dir() / "scratch" / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Stops and joins a test's background threads however the test ends: a failed REQUIRE throws past
// the join, and a joinable std::thread destroyed then aborts the whole test run.
class JoinOnExit {
 public:
  JoinOnExit(std::atomic<bool>& stop, std::vector<std::thread>& threads) : stop_(stop), threads_(threads) {}
  ~JoinOnExit() { join(); }
  JoinOnExit(const JoinOnExit&) = delete;
  JoinOnExit& operator=(const JoinOnExit&) = delete;
  void join() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  std::atomic<bool>& stop_;
  std::vector<std::thread>& threads_;
};

}  // namespace riskatlas::testing
