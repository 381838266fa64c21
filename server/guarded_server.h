// The connection layer under the HTTP API: cpp-httplib's request parsing and routing, with our own
// connection handling in its place.
//
// cpp-httplib 0.11 serves each connection on one thread of a fixed pool, reads a request line or a
// header line whole before checking its size, has no overall deadline for a request, and loses
// pipelined requests. So 32 slow or idle keep-alive clients stopped every other client, and one
// 300 MB header line cost 300 MB. The library lets a server subclass take over a connection
// (process_and_close_socket, as its own SSLServer does) and still parse and route each request
// (process_request) on a Stream of ours. GuardedServer uses that to:
// - start a thread per connection from an elastic pool, up to max_connections; past the cap a new
//   connection gets a 503 with Retry-After at once and is closed;
// - give every request a total deadline: a client that has not sent its whole request in time gets a
//   408 and is disconnected, however slowly it trickles bytes;
// - stop reading a request past max_request_bytes (request line and headers; bodies are refused
//   anyway): 431, disconnected, before the memory is spent;
// - answer pipelined requests in order (our stream keeps what it read ahead for the next request);
// - close a keep-alive connection after its answer once the server is busy, so idle clients give
//   their threads back first.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

namespace riskatlas::server {

// Headers of every answer, the connection layer's own refusals included.
inline constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
     "base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
};

struct ConnectionLimits {
  std::size_t max_connections = 4096;  // open connections; past it a new one gets a fast 503
  std::size_t min_threads = 8;         // started at once; more as connections arrive
  std::chrono::milliseconds request_deadline{5000};  // to send a whole request, first byte to last
  std::size_t max_request_bytes = 32 * 1024;         // request line and headers
  std::chrono::milliseconds keep_alive_idle{2000};   // an idle keep-alive connection is closed after
  std::size_t keep_alive_max = 1000;                 // requests on one connection
  std::chrono::milliseconds write_timeout{5000};     // for the client to take each part of an answer
};

// A TaskQueue that starts a thread when every thread is busy, up to a cap; past the cap tasks wait.
// Threads stay once started (their stacks are mostly untouched memory), so the pool is only as large
// as the busiest moment.
class ElasticPool : public httplib::TaskQueue {
 public:
  ElasticPool(std::size_t min_threads, std::size_t max_threads);
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void start_thread();  // REQUIRES: mutex_ held
  void work();

  const std::size_t max_threads_;
  bool refused_logged_ = false;  // under mutex_
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits);

  // Closes the listening socket. httplib's stop() does nothing until listen has set is_running(), so
  // a stop requested between bind and listen would be lost; this works at any time after bind.
  void close_listener();

  // The library listens with a backlog of 5: a burst of new connections past it waits for the
  // client's SYN retries (a second or more). Call after bind.
  void widen_backlog();

  std::size_t open_connections() const { return open_.load(); }

  // A number unique to the connection served on the calling thread (a connection's requests run on
  // one thread); 0 outside a connection.
  static std::uint64_t connection_id();

  // Called with the peer address and the status of each answer the stream wrote itself (408, 431,
  // 503), which the library's logger never sees. Set before listening.
  std::function<void(const std::string& remote_addr, int status)> on_refused;

 private:
  bool process_and_close_socket(socket_t sock) override;

  const ConnectionLimits limits_;
  std::atomic<std::size_t> open_{0};
};

}  // namespace riskatlas::server
