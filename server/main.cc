// riskatlas-serve: the search API and web UI over an index root built by riskatlas-index.
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "http_server.h"
#include "util/command_line.h"
#include "util/version.h"
#include "web_location.h"

namespace {

namespace fs = std::filesystem;
using riskatlas::server::HttpServer;

constexpr const char* kHelp = R"(Usage: riskatlas-serve --index ROOT [options]

Serves the riskatlas search API and web UI (API reference: README.md, "HTTP API"). Follows ROOT/live.stub:
a generation published by riskatlas-index is served within about a second, without a restart.
Without a usable index the server still starts; the API answers 503 until an index appears.

Options:
  --index ROOT    index root written by riskatlas-index (or one generation directory), or a
                  front stub file listing an index root and the shards, local or remote
                  ("remote HOST:PORT", served by xapian-tcpsrv; README, "Sharding")
  --remote-timeout MS
                  milliseconds a remote shard has for each operation, 100-600000 (default
                  5000); past it the request gets a 503 and /healthz shows the shard down
  --host ADDR     address to listen on (default 127.0.0.1). cpp-httplib 0.11 is not hardened for
                  direct internet exposure: put a reverse proxy in front before binding elsewhere
  --port N        TCP port, 1-65535 (default 8080)
  --threads N     worker threads started at once, 1-1024 (default 8); each open connection has
                  its own, started when it arrives
  --max-connections N
                  open connections, 1-100000 (default 4096, or what the descriptor limit
                  allows); past it a new connection gets a 503 with Retry-After, closed at once
  --request-timeout S
                  seconds a client has to send a whole request, 1-300 (default 5); a slower one
                  gets a 408 and is disconnected
  --cache-mb N    memory for answers kept to repeat while the same index is served, 0-65536
                  (default 64; 0 turns the cache off)
  --search-slots N
                  requests doing index work at once, 1-1024 (default: twice the number of
                  cores); the others wait, those of connections that had less of it first,
                  up to 10 s, then get a 503 with Retry-After
  --web DIR       web UI directory served under / (default: )" RISKATLAS_WEB_FROM_BINARY R"( from the
                  folder of this program; when run from its build directory, the source tree's UI)
  --version       print the version and exit
  --help          this text

Logs one line per request to stderr. SIGTERM or SIGINT stops the server cleanly: it stops
accepting connections and lets requests in flight finish.

Exit codes:
  0  stopped by SIGTERM/SIGINT
  1  bad command line
  2  cannot listen on the address (in use, not a local address, ...)
)";

enum Exit : int { kOk = 0, kUsage = 1, kCannotListen = 2 };

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "riskatlas-serve: " << message << "\n(see riskatlas-serve --help)\n";
  std::exit(kUsage);
}

HttpServer::Options parse_args(int argc, char** argv) {
  HttpServer::Options o;
  bool have_web = false;
  riskatlas::CommandLine args(argc, argv, usage_error);
  while (args.next()) {
    if (args.is("--help") || args.is("-h")) {
      std::cout << kHelp;
      std::exit(kOk);
    } else if (args.is("--version")) {
      std::cout << "riskatlas-serve " << riskatlas::version() << '\n';
      std::exit(kOk);
    } else if (args.is("--index")) {
      o.index = args.value();
    } else if (args.is("--remote-timeout")) {
      o.remote_timeout = std::chrono::milliseconds(args.whole_number(100, 600000));
    } else if (args.is("--host")) {
      o.host = args.value();
    } else if (args.is("--port")) {
      o.port = static_cast<int>(args.whole_number(1, 65535));
    } else if (args.is("--threads")) {
      o.threads = static_cast<std::size_t>(args.whole_number(1, 1024));
    } else if (args.is("--max-connections")) {
      o.max_connections = static_cast<std::size_t>(args.whole_number(1, 100000));
    } else if (args.is("--request-timeout")) {
      o.request_timeout = std::chrono::seconds(args.whole_number(1, 300));
    } else if (args.is("--search-slots")) {
      o.search_slots = static_cast<std::size_t>(args.whole_number(1, 1024));
    } else if (args.is("--cache-mb")) {
      o.cache_bytes = static_cast<std::size_t>(args.whole_number(0, 65536)) << 20;
    } else if (args.is("--web")) {
      o.web_dir = args.value();
      have_web = true;
    } else {
      usage_error("unknown option " + args.flag());
    }
  }
  if (o.index.empty()) usage_error("--index ROOT is required");
  if (o.host.empty()) usage_error("--host needs an address");
  if (!have_web) {
    o.web_dir = riskatlas::server::default_web_dir({riskatlas::server::current_executable(), RISKATLAS_WEB_FROM_BINARY,
                                                    RISKATLAS_BUILD_DIR, RISKATLAS_SOURCE_WEB_DIR});
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const HttpServer::Options options = parse_args(argc, argv);
  if (!fs::exists(options.index))
    std::cerr << "riskatlas-serve: warning: " << options.index.string()
              << " does not exist; answering 503 until an index is built there\n";

  // Block the stop signals in every thread (threads inherit the mask); one thread takes them with
  // sigwait, so no work happens in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  HttpServer server(options);
  errno = 0;
  if (!server.bind()) {
    const int err = errno;
    std::cerr << "riskatlas-serve: cannot listen on " << options.host << ":" << options.port
              << (err != 0 ? std::string(": ") + std::strerror(err) : std::string())
              << (err == EADDRINUSE ? " (is another server running on this port?)" : "") << '\n';
    return kCannotListen;
  }

  std::thread signal_thread([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  std::cerr << "riskatlas-serve " << riskatlas::version() << ": listening on http://" << options.host << ":"
            << options.port << (server.web_root().empty() ? "" : ", web UI from " + server.web_root().string()) << '\n';
  const bool clean = server.listen_after_bind();
  // Wake the signal thread if listen ended for another reason; harmless when it already returned.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  std::cerr << "riskatlas-serve: stopped\n";
  return clean ? kOk : kCannotListen;
}
