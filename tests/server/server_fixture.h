// Integration fixtures for the HTTP tests: an index built once per test process from the default
// corpus by the real riskatlas-index binary, and an HttpServer on an ephemeral loopback port.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "http_server.h"
#include "process.h"
#include "test_support.h"

namespace riskatlas::testing {

// Builds an index root of the default corpus at `root` with the real riskatlas-index; throws if it fails.
inline std::filesystem::path build_index(const std::filesystem::path& root) {
  std::string output;
  const int code = run_indexer({"--quiet", "--corpus", corpus_dir().string(), "--index", root.string()}, &output);
  if (code != 0) throw std::runtime_error("riskatlas-index exited " + std::to_string(code) + ": " + output);
  return root;
}

// The index root, built on first use. Per process, because ctest runs test cases as separate
// processes, possibly in parallel.
inline const std::filesystem::path& shared_index() {
  static const ScratchDir dir("http-index");
  static const std::filesystem::path root = build_index(dir.path() / "index");
  return root;
}

// An HttpServer serving in a background thread; stopped and joined on destruction.
class TestServer {
 public:
  explicit TestServer(server::HttpServer::Options options = default_options()) {
    options.log = [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      log_.push_back(line);
    };
    server_ = std::make_unique<server::HttpServer>(std::move(options));
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  static server::HttpServer::Options default_options() {
    server::HttpServer::Options o;
    o.index = shared_index();
    o.threads = 4;
    o.web_dir = source_dir() / "server" / "web";
    return o;
  }

  int port() const { return port_; }
  server::HttpServer& server() { return *server_; }

  // A client with short timeouts, so a hung server fails the test instead of stalling it.
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(2, 0);
    c->set_read_timeout(5, 0);
    c->set_write_timeout(5, 0);
    return c;
  }

  std::vector<std::string> log_lines() const {
    std::lock_guard lock(mutex_);
    return log_;
  }

  // The log once it holds at least `n` lines (a request is logged just after its answer is sent).
  std::vector<std::string> wait_for_log_lines(std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (log_lines().size() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return log_lines();
  }

 private:
  std::unique_ptr<server::HttpServer> server_;
  int port_ = -1;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
};

// A test case's own server over the shared index and a client to it: TEST_CASE_METHOD(ServerTest, ...).
struct ServerTest {
  TestServer server;
  std::unique_ptr<httplib::Client> cli = server.client();
};

// Checks a documented API error: the HTTP status, a JSON body with error.code and error.message.
void check_error(const httplib::Result& r, int status, const std::string& code);

// One request of a table of requests that must each fail the same documented way.
struct ExpectedError {
  std::string path;
  int status;
  std::string code;
};
void check_errors(httplib::Client& cli, const std::vector<ExpectedError>& cases);

// A loopback TCP connection for writing requests byte by byte, as no HTTP client would.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send(const std::string& bytes);  // false once the server has closed the connection
  // What the server sends until it closes the connection, `enough` bytes have come, or `wait` passes
  // ("<timeout>" is appended then).
  std::string receive(std::chrono::milliseconds wait, std::size_t enough = SIZE_MAX);

 private:
  int fd_;
};

// How long a test waits before calling a server hung: generous, so a slow (sanitizer) build is not a
// failure; no test asserts how fast anything is.
inline constexpr std::chrono::seconds kHangGuard{30};

// The status code of a raw HTTP/1.1 answer, or -1.
inline int status_of(const std::string& raw_answer) {
  if (raw_answer.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(raw_answer.substr(9, 3));
}

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Sends raw bytes on a new connection and returns everything the server sends back until it closes
// the connection or `wait` passes ("<timeout>" is appended then).
std::string raw_exchange(int port, const std::string& request, std::chrono::milliseconds wait);

}  // namespace riskatlas::testing
