// Runs a program as a child process for tests: arguments, extra environment, a file-size limit
// (to simulate a full disk), its output captured, and a way to kill it.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace riskatlas::testing {

struct ProcessOptions {
  std::vector<std::string> env;      // "NAME=value" added to the environment
  rlim_t file_size_limit = RLIM_INFINITY;
};

class Process {
 public:
  Process(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
    static int counter = 0;
    output_path_ = binary_dir() / "scratch" / ("process-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(++counter) + ".log");
    std::filesystem::create_directories(output_path_.parent_path());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(output_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      for (const auto& e : options.env) ::putenv(const_cast<char*>(e.c_str()));
      if (options.file_size_limit != RLIM_INFINITY) {
        // Writing past the limit then fails with EFBIG instead of killing the process.
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{options.file_size_limit, options.file_size_limit};
        ::setrlimit(RLIMIT_FSIZE, &limit);
      }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      // Said in the captured output, so a test that fails for it names the cause.
      const std::string why = std::string("cannot run ") + argv[0] + ": " + std::strerror(errno) + "\n";
      [[maybe_unused]] const auto written = ::write(2, why.data(), why.size());
      ::_exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Exit code, or 128 + signal when it was killed.
  int wait() {
    if (!waited_) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      waited_ = true;
    }
    return code_;
  }
  void kill(int sig = SIGKILL) { ::kill(pid_, sig); }
  std::string output() const {
    std::ifstream in(output_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Waits until the output contains `text` (or the timeout passes); true if it did.
  bool wait_for_output(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(30)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  int code_ = -1;
  std::filesystem::path output_path_;
};

inline std::string indexer_path() { return (binary_dir() / "riskatlas-index").string(); }

// Runs riskatlas-index to completion; returns the exit code and fills `output`.
inline int run_indexer(const std::vector<std::string>& args, std::string* output = nullptr,
                       const ProcessOptions& options = {}) {
  std::vector<std::string> argv{indexer_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, options);
  const int code = p.wait();
  if (output) *output = p.output();
  return code;
}

}  // namespace riskatlas::testing
