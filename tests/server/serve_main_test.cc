// The riskatlas-serve binary: command line, bind failure, clean stop on SIGTERM/SIGINT.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "server/server_fixture.h"
#include "util/version.h"

extern char** environ;

using namespace riskatlas::testing;
using namespace std::chrono_literals;

namespace {

// A running child process with stdout+stderr redirected to a file.
class Child {
 public:
  Child(std::vector<std::string> args, const std::filesystem::path& output) {
    args.insert(args.begin(), (binary_dir() / "riskatlas-serve").string());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void signal(int sig) const { ::kill(pid_, sig); }

  // The exit code, or -1 if the process did not exit within `wait` (or died from a signal).
  int wait_exit(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A port that was free a moment ago.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_healthy(int port) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(0, 200000);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto r = cli.Get("/healthz"); r && r->status == 200) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("riskatlas-serve --help documents every flag", "[http][slow]") {
  ScratchDir dir("serve-help-" + std::to_string(::getpid()));
  Child child({"--help"}, dir.path() / "out.txt");
  CHECK(child.wait_exit(kHangGuard) == 0);
  const std::string help = read_file(dir.path() / "out.txt");
  for (const char* flag : {"--index", "--host", "--port", "--threads", "--web", "--version", "--help"})
    CHECK_THAT(help, Catch::Contains(flag));
}

TEST_CASE("riskatlas-serve --version prints the build's version", "[http][slow]") {
  ScratchDir dir("serve-version-" + std::to_string(::getpid()));
  Child child({"--version"}, dir.path() / "out.txt");
  CHECK(child.wait_exit(kHangGuard) == 0);
  CHECK(read_file(dir.path() / "out.txt") == "riskatlas-serve " + std::string(riskatlas::version()) + "\n");
}

TEST_CASE("riskatlas-serve run from its build directory without --web serves the source tree's UI", "[http][slow]") {
  ScratchDir dir("serve-web-" + std::to_string(::getpid()));
  const int port = free_port();
  Child child({"--index", shared_index().string(), "--port", std::to_string(port)}, dir.path() / "out.txt");
  REQUIRE(wait_healthy(port));
  httplib::Client cli("127.0.0.1", port);
  const auto page = cli.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body == read_file(source_dir() / "server" / "web" / "index.html"));
  CHECK_THAT(read_file(dir.path() / "out.txt"), Catch::Contains("web UI from " + (source_dir() / "server" / "web").string()));
}

TEST_CASE("riskatlas-serve with a --web folder that is not there says so and claims no UI", "[http][slow]") {
  ScratchDir dir("serve-noweb-" + std::to_string(::getpid()));
  const int port = free_port();
  Child child({"--index", shared_index().string(), "--port", std::to_string(port), "--web", "/nonexistent"},
              dir.path() / "out.txt");
  REQUIRE(wait_healthy(port));
  const std::string out = read_file(dir.path() / "out.txt");
  CHECK_THAT(out, Catch::Contains("warning: no web UI: /nonexistent is not a readable directory"));
  CHECK(out.find("web UI from") == std::string::npos);
}

TEST_CASE("riskatlas-serve refuses a bad command line", "[http][slow]") {
  ScratchDir dir("serve-usage-" + std::to_string(::getpid()));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"--index"}, {"--index", "x", "--port", "0"}, {"--index", "x", "--port", "http"},
        {"--index", "x", "--threads", "0"}, {"--index", "x", "--bogus"}, {"--index", "x", "--port", "1", "--port", "2"}}) {
    Child child(args, dir.path() / "out.txt");
    CHECK(child.wait_exit(kHangGuard) == 1);
    CHECK_THAT(read_file(dir.path() / "out.txt"), Catch::StartsWith("riskatlas-serve: "));
  }
}

TEST_CASE("riskatlas-serve fails clearly on a busy port and stops cleanly on a signal", "[http][slow]") {
  ScratchDir dir("serve-run-" + std::to_string(::getpid()));
  const std::string index = shared_index().string();
  const int port = free_port();
  Child first({"--index", index, "--port", std::to_string(port), "--threads", "4"}, dir.path() / "first.txt");
  REQUIRE(wait_healthy(port));

  Child second({"--index", index, "--port", std::to_string(port)}, dir.path() / "second.txt");
  CHECK(second.wait_exit(kHangGuard) == 2);
  const std::string second_out = read_file(dir.path() / "second.txt");
  CHECK_THAT(second_out, Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(port)));
  CHECK(std::count(second_out.begin(), second_out.end(), '\n') == 1);

  first.signal(SIGTERM);
  CHECK(first.wait_exit(kHangGuard) == 0);
  const std::string first_out = read_file(dir.path() / "first.txt");
  CHECK_THAT(first_out, Catch::Contains(" GET /healthz 200 "));
  CHECK_THAT(first_out, Catch::Contains("stopped"));
}

TEST_CASE("riskatlas-serve stops on SIGINT", "[http][slow]") {
  ScratchDir dir("serve-int-" + std::to_string(::getpid()));
  const int port = free_port();
  Child child({"--index", shared_index().string(), "--port", std::to_string(port)}, dir.path() / "out.txt");
  REQUIRE(wait_healthy(port));
  child.signal(SIGINT);
  CHECK(child.wait_exit(kHangGuard) == 0);
}
