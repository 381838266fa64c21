// The riskatlas HTTP API and web UI over one index root (routes: README.md, "HTTP API").
//
// Every request answers wholly from the index generation that is current when it starts; a new
// generation published by riskatlas-index is picked up within about a second, without a restart.
// Without an index, the API answers 503 and /healthz says why.
//
// Connections are served by GuardedServer (guarded_server.h): a thread each, a deadline and a size
// limit per request, a cap on open connections.
// Hardening for cpp-httplib 0.11 (research/reliability-anchors.md, section 2): only GET and HEAD;
// requests carrying a body are refused before the body is read and their connection is closed;
// dotfiles and symlinks leading out of the web directory are 404; Range headers are ignored;
// SO_REUSEADDR only, so a second server on the same port fails to bind; no exception text, path or
// request header value ever reaches a response.
//
// Thread-safety: stop() may be called from any thread; the other methods from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace riskatlas::server {

class HttpServer {
 public:
  struct Options {
    std::filesystem::path index;  // index root (with live.stub), one database directory, or a front stub
    std::chrono::milliseconds remote_timeout{5000};  // per operation on a remote shard
    std::string host = "127.0.0.1";
    int port = 8080;
    std::size_t threads = 8;           // worker threads started at once; more start as connections arrive
    // Past it, a new connection gets a 503 with Retry-After at once. Lowered to what the process's
    // descriptor limit allows (its soft limit is raised to the hard one first).
    std::size_t max_connections = 4096;
    std::chrono::milliseconds request_timeout{5000};  // to send a whole request line and headers
    std::filesystem::path web_dir;   // the web UI served under /; empty: no UI
    std::time_t keep_alive_timeout_s = 2;
    std::size_t keep_alive_max_count = 1000;
    std::chrono::milliseconds index_check_interval{1000};  // how often live.stub is checked
    std::size_t cache_bytes = 64u << 20;  // response cache budget (server/response_cache.h); 0: off
    // Requests doing index work at once (server/search_gate.h); 0: twice the number of cores.
    std::size_t search_slots = 0;
    std::chrono::milliseconds search_wait{10000};  // for a slot, before a 503
    // Receives one line per request and error details (default: stderr). Called from worker threads.
    std::function<void(const std::string& line)> log;
  };

  explicit HttpServer(Options options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds options.host:options.port. False when it cannot (port in use, address not local, ...).
  bool bind();
  // Binds `host` on a free port chosen by the kernel (for tests). The port, or -1.
  int bind_to_any_port(const std::string& host);
  // Serves until stop(). REQUIRES: a successful bind. False if the listening socket failed.
  bool listen_after_bind();
  // Stops accepting connections; requests in flight finish, then listen_after_bind() returns.
  // Works at any time after a bind, even before listen_after_bind() has started.
  void stop();

  bool is_running() const;
  std::size_t open_connections() const;  // connections being served now
  int port() const;  // the bound port, or -1
  const std::filesystem::path& web_root() const;  // the web UI's directory; empty when there is none

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskatlas::server
