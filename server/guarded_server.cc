#include "guarded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>
#include <utility>

#include "api_error.h"
#include "api_json.h"
#include "util/text.h"

namespace riskatlas::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a connection waiting for bytes checks whether the server is stopping.
constexpr milliseconds kStopCheck{200};

// Waits until `sock` has `events` (POLLIN, POLLOUT); false on timeout, error or hang-up alone.
bool wait_for(socket_t sock, short events, milliseconds timeout) {
  pollfd p{sock, events, 0};
  const int n = ::poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(timeout.count(), 0)));
  return n > 0 && (p.revents & (events | POLLHUP)) != 0;
}

milliseconds until(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

// RFC 9110 section 5.6.2: a method or a header name is a token.
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return text::is_ascii_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// Whether a request line names a method (a token, then a space) that cpp-httplib 0.11 refuses
// (Server::parse_request_line: a bare 400) before our routes could answer 405. A line that names no
// method is left to the library's 400.
bool names_unknown_method(std::string_view request_line) {
  static constexpr std::string_view kKnown[] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                                "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
  const std::size_t space = request_line.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  const std::string_view method = request_line.substr(0, space);
  return is_token(method) && std::find(std::begin(kKnown), std::end(kKnown), method) == std::end(kKnown);
}

// cpp-httplib 0.11 refuses a request target holding a second '?' (400), though RFC 3986 allows '?'
// inside a query. Percent-encoding every '?' after the first keeps the meaning: the query string is
// decoded after it is split, so "q=a%3Fb" still reads as "a?b".
void escape_extra_question_marks(std::string& request_line) {
  const std::size_t target = request_line.find(' ');
  if (target == std::string::npos) return;
  const std::size_t end = std::min(request_line.find(' ', target + 1), request_line.size());
  const std::size_t query = request_line.find('?', target + 1);
  if (query >= end || request_line.find('?', query + 1) >= end) return;
  std::string escaped = request_line.substr(0, query + 1);
  for (std::size_t i = query + 1; i < end; ++i) {
    if (request_line[i] == '?')
      escaped += "%3F";
    else
      escaped += request_line[i];
  }
  escaped.append(request_line, end);
  request_line = std::move(escaped);
}

// A request target in absolute form ("GET http://host/api/facets HTTP/1.1"), which HTTP/1.1 servers
// must accept (RFC 9112, 3.2.2) and cpp-httplib 0.11 routes as a path (404), becomes its path and query
// ("/api/facets"). The host named there serves nothing here: one server answers every name.
void strip_absolute_form(std::string& request_line) {
  const std::size_t target = request_line.find(' ');
  if (target == std::string::npos) return;
  const std::size_t end = std::min(request_line.find(' ', target + 1), request_line.size());
  const std::string_view uri = std::string_view(request_line).substr(target + 1, end - target - 1);
  std::size_t authority = 0;
  for (const std::string_view scheme : {"http://", "https://"})
    if (uri.size() >= scheme.size() && ::strncasecmp(uri.data(), scheme.data(), scheme.size()) == 0)
      authority = scheme.size();
  if (authority == 0) return;
  const std::size_t path = uri.find_first_of("/?", authority);
  // Appended, not inserted: GCC 12 at -O3 warns falsely (-Wrestrict) on inserting at the front.
  std::string origin_form(path == std::string_view::npos || uri[path] == '?' ? "/" : "");
  if (path != std::string_view::npos) origin_form.append(uri.substr(path));
  request_line.replace(target + 1, end - target - 1, origin_form);
}

// The server never sends partial content, but cpp-httplib 0.11 answers a Range it cannot parse
// ("Range: junk") with 416 before any hook of ours runs. A header line named Range is dropped.
bool is_range_header(std::string_view line) {
  constexpr std::string_view kName = "range:";
  return line.size() >= kName.size() && ::strncasecmp(line.data(), kName.data(), kName.size()) == 0;
}

// RFC 9112 section 5: a header line is a token, a colon, then its value. The library drops a line
// without a colon, reads one with an empty name, and takes a folded continuation line (obs-fold,
// which a server must refuse or unfold) as a header of its own: behind a proxy that reads them
// otherwise, a request could mean two things.
bool is_header_line(std::string_view line) {
  const std::size_t colon = line.find(':');
  return colon != std::string_view::npos && is_token(line.substr(0, colon));
}

std::string ip_and_port(const sockaddr_storage& addr, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    port = ntohs(in6.sin6_port);
  }
  return text;
}

// The head of an answer of the library without the headers it gets wrong here: "Accept-Ranges: bytes"
// on a HEAD answer (Range is never honoured) and "Keep-Alive" beside "Connection: close" (`closing`).
// `head` ends with the CRLF of its last header.
std::string tidy_head(std::string_view head, bool closing) {
  std::string out;
  out.reserve(head.size());
  for (std::size_t at = 0; at < head.size();) {
    std::size_t next = head.find("\r\n", at);
    next = next == std::string_view::npos ? head.size() : next + 2;
    const std::string_view line = head.substr(at, next - at);
    if (!line.starts_with("Accept-Ranges:") && !(closing && line.starts_with("Keep-Alive:"))) out += line;
    at = next;
  }
  return out;
}

// A connection's socket as the library's Stream, with a read-ahead buffer (pipelined requests stay in
// it for the next one), a deadline and a byte budget per request. When a request breaks either, the
// stream answers it itself (408, 431), and every later read or write fails, so the library gives up
// on the request without writing anything more. The request head is handed to the library a line at
// a time, so the lines it would wrongly refuse or route can be rewritten first (strip_absolute_form,
// escape_extra_question_marks, is_range_header).
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(socket_t sock, const ConnectionLimits& limits) : sock_(sock), limits_(limits) {}

  // Waits up to `idle` for the first byte of the next request; false when none comes, the client
  // closed, or `stopping` turns true.
  bool next_request(milliseconds idle, const std::function<bool()>& stopping) {
    if (failed_) return false;
    if (begin_ < end_) return true;
    const auto deadline = Clock::now() + idle;
    for (;;) {
      if (stopping()) return false;
      const milliseconds left = until(deadline);
      if (left.count() <= 0) return false;
      if (wait_for(sock_, POLLIN, std::min(left, kStopCheck))) return true;
    }
  }

  // The next bytes read belong to a new request: its deadline and byte budget start now.
  void start_request() {
    deadline_ = Clock::now() + limits_.request_deadline;
    request_bytes_ = end_ - begin_;
    answer_started_ = close_after_answer_ = false;
    part_ = Part::kRequestLine;
    line_.clear();
    line_pos_ = 0;
  }

  // The answer just written said "Connection: close" (a refused request whose body is unread).
  bool close_after_answer() const { return close_after_answer_; }

  // Answers `error` to a request the library never sees, and fails the stream. `reason`: the status
  // line's; `extra`: a header line of the answer, CRLF included.
  void refuse(const ApiError& error, const char* reason, std::string_view extra = {}) {
    if (failed_) return;
    const std::string body = error_json(error).dump();
    std::string head = "HTTP/1.1 " + std::to_string(error.http_status) + " " + reason + "\r\n";
    head += "Content-Type: application/json; charset=utf-8\r\n";
    for (const auto& [name, value] : kSecurityHeaders) head += std::string(name) + ": " + value + "\r\n";
    if (error.retry_after_s > 0) head += "Retry-After: " + std::to_string(error.retry_after_s) + "\r\n";
    head += extra;
    head += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    send_all(head + body);
    failed_ = true;
    refused_status_ = error.http_status;
  }

  int refused_status() const { return refused_status_; }

  // Closes the socket. A refused client may still be sending (a body, the rest of a long line):
  // reading a little of what is left first keeps the kernel from resetting the connection before
  // the answer arrives.
  void close() {
    ::shutdown(sock_, SHUT_WR);
    char sink[4096];
    const auto deadline = Clock::now() + milliseconds(100);
    std::size_t drained = 0;
    while (drained < 64 * 1024 && wait_for(sock_, POLLIN, until(deadline))) {
      const ssize_t n = ::recv(sock_, sink, sizeof sink, 0);
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
    ::close(sock_);
  }

  bool is_readable() const override {
    return !failed_ && (line_pos_ < line_.size() || begin_ < end_ ||
                        wait_for(sock_, POLLIN, std::max(until(deadline_), milliseconds(0))));
  }
  bool is_writable() const override { return !failed_ && wait_for(sock_, POLLOUT, limits_.write_timeout); }

  ssize_t read(char* ptr, size_t size) override {
    if (line_pos_ == line_.size() && part_ != Part::kBody && !next_head_line()) return -1;
    if (line_pos_ < line_.size()) {
      const std::size_t n = std::min(size, line_.size() - line_pos_);
      std::memcpy(ptr, line_.data() + line_pos_, n);
      line_pos_ += n;
      return static_cast<ssize_t>(n);
    }
    if (begin_ == end_ && !fill()) return -1;
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    // The library writes an answer's status line and headers in one piece, first.
    std::string tidied;
    if (!answer_started_) {
      answer_started_ = true;
      const std::string_view written(ptr, size);
      const std::size_t end = written.find("\r\n\r\n");
      const std::string_view head = written.substr(0, end == std::string_view::npos ? 0 : end + 2);
      close_after_answer_ = head.find("\r\nConnection: close\r\n") != std::string_view::npos;
      if (head.find("\r\nAccept-Ranges:") != std::string_view::npos ||
          (close_after_answer_ && head.find("\r\nKeep-Alive:") != std::string_view::npos))
        tidied = tidy_head(head, close_after_answer_) + std::string(written.substr(head.size()));
    }
    if (!send_all(tidied.empty() ? std::string_view(ptr, size) : std::string_view(tidied))) {
      failed_ = true;
      return -1;
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = ip_and_port(addr, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = ip_and_port(addr, port);
  }
  socket_t socket() const override { return sock_; }

 private:
  // Reads what the socket has, within the request's deadline and byte budget.
  bool fill() {
    if (failed_) return false;
    if (request_bytes_ >= limits_.max_request_bytes) {
      if (part_ != Part::kRequestLine)
        refuse(api_error_for_http_status(431), "Request Header Fields Too Large");
      else
        refuse(api_error_for_http_status(414), "URI Too Long");
      return false;
    }
    if (!wait_for(sock_, POLLIN, std::max(until(deadline_), milliseconds(0)))) {
      refuse(api_error_for_http_status(408), "Request Timeout");
      return false;
    }
    const std::size_t want = std::min(sizeof buffer_, limits_.max_request_bytes - request_bytes_);
    ssize_t n;
    do n = ::recv(sock_, buffer_, want, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
      failed_ = true;  // the client closed or reset the connection
      return false;
    }
    begin_ = 0;
    end_ = static_cast<std::size_t>(n);
    request_bytes_ += end_;
    return true;
  }

  // Reads the next line of the request head whole (the byte budget bounds it) into line_, rewritten
  // where the library would refuse it; a Range line is skipped. Like the library, only a bare CRLF
  // ends the head.
  bool next_head_line() {
    for (;;) {
      line_.clear();
      line_pos_ = 0;
      for (;;) {
        if (begin_ == end_ && !fill()) return false;
        const char* start = buffer_ + begin_;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
        const std::size_t n = newline ? static_cast<std::size_t>(newline - start) + 1 : end_ - begin_;
        line_.append(start, n);
        begin_ += n;
        if (newline) break;
      }
      if (part_ == Part::kRequestLine) {
        strip_absolute_form(line_);
        escape_extra_question_marks(line_);
        part_ = Part::kHeaders;
        // The library answers a method it does not know ("PROPFIND", "get") with a bare 400; the
        // methods it knows but we do not serve get their 405 after routing (http_server.cc).
        if (names_unknown_method(line_)) {
          refuse(api_error_for_http_status(405), "Method Not Allowed", "Allow: GET, HEAD\r\n");
          return false;
        }
        return true;
      }
      if (line_ == "\r\n") {
        part_ = Part::kBody;
      } else if (!is_header_line(line_)) {
        refuse({400, "bad_request", "a request header is malformed"}, "Bad Request");
        return false;
      }
      if (!is_range_header(line_)) return true;
    }
  }

  bool send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      if (!wait_for(sock_, POLLOUT, limits_.write_timeout)) return false;
      const ssize_t n = ::send(sock_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  const socket_t sock_;
  const ConnectionLimits& limits_;
  char buffer_[4096];
  std::size_t begin_ = 0, end_ = 0;  // unread bytes of buffer_
  Clock::time_point deadline_ = Clock::now();
  std::size_t request_bytes_ = 0;
  bool failed_ = false;
  int refused_status_ = 0;
  bool answer_started_ = false, close_after_answer_ = false;
  // Which part of the request the library reads next; the head passes through line_.
  enum class Part { kRequestLine, kHeaders, kBody } part_ = Part::kBody;
  std::string line_;
  std::size_t line_pos_ = 0;  // bytes of line_ already read
};

}  // namespace

ElasticPool::ElasticPool(std::size_t min_threads, std::size_t max_threads)
    : max_threads_(std::max<std::size_t>(max_threads, 1)) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < std::min(min_threads, max_threads_); ++i) threads_.emplace_back([this] { work(); });
}

void ElasticPool::enqueue(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(fn));
  if (tasks_.size() > idle_ && threads_.size() < max_threads_) start_thread();
  ready_.notify_one();
}

// A thread the system refuses (the process's thread budget: ulimit -u, a container's pids limit,
// systemd's TasksMax, memory for stacks) leaves the connection queued for the threads there are, to
// be answered when one is free, instead of ending the server through the library's accept loop.
void ElasticPool::start_thread() {
  try {
    threads_.emplace_back([this] { work(); });
  } catch (const std::system_error& e) {
    if (!std::exchange(refused_logged_, true))
      std::cerr << "riskatlas-serve: cannot start another connection thread (" << e.what() << ", " << threads_.size()
                << " running): new connections wait for a free one\n";
  }
}

void ElasticPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  // No thread is started once stopping_ is set, so threads_ no longer changes.
  for (auto& t : threads_) t.join();
}

void ElasticPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;  // stopping, and every task has run
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

GuardedServer::GuardedServer(ConnectionLimits limits) : limits_(limits) {
  // A few threads beyond the cap, so a connection past it gets its 503 at once.
  new_task_queue = [this] { return new ElasticPool(limits_.min_threads, limits_.max_connections + 16); };
}

void GuardedServer::close_listener() {
  const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
  if (sock == INVALID_SOCKET) return;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

void GuardedServer::widen_backlog() {
  // listen() again on a listening socket only changes its backlog.
  if (const socket_t sock = svr_sock_; sock != INVALID_SOCKET) ::listen(sock, SOMAXCONN);
}

namespace {
std::atomic<std::uint64_t> g_connections{0};
thread_local std::uint64_t t_connection = 0;
}  // namespace

std::uint64_t GuardedServer::connection_id() { return t_connection; }

bool GuardedServer::process_and_close_socket(socket_t sock) {
  struct ConnectionScope {
    ConnectionScope() { t_connection = ++g_connections; }
    ~ConnectionScope() { t_connection = 0; }
  } connection;
  const std::size_t open = ++open_;
  GuardedStream stream(sock, limits_);
  if (open > limits_.max_connections) {
    stream.refuse({503, "overloaded", "too many connections; try again in a second", 1}, "Service Unavailable");
  } else {
    const auto stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
    for (std::size_t served = 0; served < limits_.keep_alive_max; ++served) {
      if (!stream.next_request(served == 0 ? limits_.request_deadline : limits_.keep_alive_idle, stopping)) break;
      stream.start_request();
      // Past half the cap, keep-alive connections close after their answer: busy clients reconnect,
      // idle ones give their thread back.
      const bool last = served + 1 == limits_.keep_alive_max || open_ > limits_.max_connections / 2;
      bool closed_by_client = false, parsed = false;
      const bool answered =
          process_request(stream, last, closed_by_client, [&parsed](httplib::Request&) { parsed = true; });
      // A request the library could not parse (400, 414, 416) leaves the rest of the bytes unknown.
      if (!answered || !parsed || closed_by_client || last || stream.close_after_answer()) break;
    }
  }
  if (on_refused && stream.refused_status() != 0) {
    std::string addr;
    int port = 0;
    stream.get_remote_ip_and_port(addr, port);
    on_refused(addr, stream.refused_status());
  }
  stream.close();
  --open_;
  return true;
}

}  // namespace riskatlas::server
