#include "http_server.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <new>
#include <thread>
#include <variant>

#include <httplib.h>

#include "analysis/analyzer.h"
#include "api_error.h"
#include "api_json.h"
#include "csv_export.h"
#include "guarded_server.h"
#include "metrics.h"
#include "request_log.h"
#include "request_params.h"
#include "response_cache.h"
#include "search_gate.h"
#include "search/index_service.h"
#include "search/searcher.h"

namespace riskatlas::server {
namespace {

namespace fs = std::filesystem;
using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

// Per worker thread: the request being answered (a connection's requests run on one thread).
struct RequestContext {
  std::uint64_t id = 0;
  std::chrono::steady_clock::time_point started;
  bool routed = false;   // false for requests the library refused before routing
  bool refused = false;  // refused by pre_route (a method, body or path no route takes)
  std::string_view route;  // the template of the route that answered; empty when none did
};
thread_local RequestContext t_request;

// Requests the search gate has admitted on the connection the calling thread serves: the gate's
// handicap. Counted here, not per request, so that the UI's files and cached answers cost nothing.
std::uint64_t& index_work_on_this_connection() {
  thread_local std::uint64_t connection = 0, admitted = 0;
  if (connection != GuardedServer::connection_id()) {
    connection = GuardedServer::connection_id();
    admitted = 0;
  }
  return admitted;
}

// The analyzer is not thread-safe and is cheap to keep: one per worker thread.
analysis::Analyzer& thread_analyzer() {
  thread_local analysis::Analyzer analyzer;
  return analyzer;
}

void send_json(Response& res, int status, const OrderedJson& body) {
  res.status = status;
  res.set_content(dump(body), kJsonContentType);
}

void send_error(Response& res, const ApiError& error) {
  send_json(res, error.http_status, error_json(error));
  if (error.retry_after_s > 0) res.set_header("Retry-After", std::to_string(error.retry_after_s));
}

// Answers `error` and closes the connection afterwards (GuardedServer reads "Connection: close"): the
// request may be followed by a body we never read, which must not be parsed as the next request.
void send_error_and_close(Response& res, const ApiError& error) {
  send_error(res, error);
  res.set_header("Connection", "close");
}

// Each connection costs a descriptor: raises this process's soft limit to the hard one (systemd starts
// services at 1024) and returns how many connections fit, keeping some for the index and logs.
std::size_t connections_that_fit(std::size_t wanted) {
  constexpr rlim_t kReserved = 128;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > kReserved + wanted) return wanted;
  return static_cast<std::size_t>(std::max<rlim_t>(limit.rlim_cur, kReserved + 1) - kReserved);
}

ConnectionLimits connection_limits(const HttpServer::Options& o) {
  ConnectionLimits limits;
  limits.max_connections = connections_that_fit(std::max<std::size_t>(o.max_connections, 1));
  limits.min_threads = std::max<std::size_t>(o.threads, 1);
  limits.request_deadline = o.request_timeout;
  limits.keep_alive_idle = std::chrono::seconds(o.keep_alive_timeout_s);
  limits.keep_alive_max = std::max<std::size_t>(o.keep_alive_max_count, 1);
  return limits;
}

std::size_t search_slots(const HttpServer::Options& o) {
  // Twice the cores: with one per core, the cores idle whenever a search waits for a read or is
  // preempted (on 2 cores: 640 requests/s against 990 with four, and 900 with no gate).
  if (o.search_slots > 0) return o.search_slots;
  return 2 * std::max(1u, std::thread::hardware_concurrency());
}

// Any segment starting with '.' ("/.env", "/a/../b", "/.git/config"), or a control byte anywhere.
bool is_forbidden_path(const std::string& path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto b = static_cast<unsigned char>(path[i]);
    if (b < 0x20 || b == 0x7f) return true;
    if (path[i] == '.' && (i == 0 || path[i - 1] == '/')) return true;
  }
  return false;
}

// True when `path` names an existing file under `root` whose real location is outside `root`
// (a symlink leading out of the web directory). `root` is canonical.
bool escapes_root(const fs::path& root, const std::string& path) {
  if (root.empty()) return false;
  std::string relative = path.substr(std::min(path.find_first_not_of('/'), path.size()));
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  std::error_code ec;
  const fs::path candidate = root / relative;
  if (!fs::exists(fs::symlink_status(candidate, ec))) return false;
  const fs::path real = fs::weakly_canonical(candidate, ec);
  if (ec) return true;
  const auto [root_end, real_it] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  return root_end != root.end();
}

// Why a request that must not carry a body is refused, if it carries one (or announces one); or
// why its headers cannot be trusted to say so. ("Content-Length : 40", which must not pass for a
// request without a length, never gets here: GuardedStream refuses a header name that is no token.)
std::optional<ApiError> body_problem(const Request& req) {
  if (req.has_header("Transfer-Encoding") || req.has_header("Content-Encoding"))
    return api_error_for_http_status(413);
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  if (lengths == 0) return std::nullopt;
  const std::string length = req.get_header_value("Content-Length");
  if (lengths > 1 || length.empty() || length.find_first_not_of("0123456789") != std::string::npos)
    return ApiError{400, "bad_request", "malformed Content-Length"};
  if (length.find_first_not_of('0') != std::string::npos) return api_error_for_http_status(413);
  return std::nullopt;
}

// The query parameters as sent, every pair kept (see parse_query_string).
Params query_params(const Request& req) {
  const std::size_t q = req.target.find('?');
  return q == std::string::npos ? Params() : parse_query_string(std::string_view(req.target).substr(q + 1));
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Options o) : options(std::move(o)), service(options.index, options.index_check_interval, options.remote_timeout) {
    if (!options.log)
      options.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    std::error_code ec;
    if (!options.web_dir.empty()) web_root = fs::canonical(options.web_dir, ec);
    if (ec) web_root.clear();
    configure();
    register_routes();
  }

  Options options;
  search::IndexService service;
  fs::path web_root;  // canonical; empty when there is no web UI
  GuardedServer svr{connection_limits(options)};
  Metrics metrics;
  ResponseCache cache{options.cache_bytes};
  SearchGate gate{search_slots(options), options.search_wait};
  // Exports, a quarter of the search slots (one per two cores by default): one may hold its slot for
  // seconds (10,000 records of a large index take 10-16 s to write), so a client asking for many at
  // once takes at most half the cores, never the search gate's slots.
  SearchGate export_gate{std::max<std::size_t>(1, search_slots(options) / 4), options.search_wait};
  std::atomic<std::uint64_t> request_counter{0};
  int port = -1;
  // Since when /healthz has found the generation being served (by uuid) unopenable: a reindex may
  // remove it (--keep 1) in the second before the server moves on, which is no outage.
  std::mutex unopenable_mutex;
  std::string unopenable_uuid;
  std::chrono::steady_clock::time_point unopenable_since;
  static constexpr auto kUnopenableGrace = std::chrono::seconds(3);
  bool unopenable_past_grace(const search::IndexStatus& status, const std::vector<search::ShardState>& shards);

  void configure();
  void register_routes();
  HandlerResponse pre_route(const Request& req, Response& res);
  void on_exception(Response& res, std::exception_ptr ep);
  void on_response(const Request& req, const Response& res);

  // A slot of `to` for this connection's request, counted as its index work; nothing, with the 503
  // answered, when no slot came in time.
  std::optional<SearchGate::Pass> admit(SearchGate& to, Response& res) {
    std::uint64_t& admitted = index_work_on_this_connection();
    auto pass = to.enter(admitted);
    if (!pass) {
      send_error(res, ApiError::overloaded());
      return std::nullopt;
    }
    ++admitted;
    return pass;
  }

  // Answers with a Searcher on the current generation once the export gate admits the request; 503
  // when no index is open, or with Retry-After when no slot came in time.
  template <typename Fn>
  void with_export_searcher(Response& res, Fn&& answer) {
    if (!service.current()) return send_error(res, ApiError::index_unavailable());
    const auto pass = admit(export_gate, res);
    if (!pass) return;
    const auto generation = service.current();
    if (!generation) return send_error(res, ApiError::index_unavailable());
    search::Searcher searcher(generation, thread_analyzer());
    answer(searcher);
  }

  // For answers that depend on nothing but the request target and the generation: given from the
  // response cache when it holds them, else computed once the search gate admits the request and kept
  // in the cache while that generation is served. 503 when no index is open, or with Retry-After when
  // no slot came in time.
  template <typename Fn>
  void with_cached_searcher(const Request& req, Response& res, Fn&& answer) {
    if (answer_from_cache(service.current(), req, res)) return;
    const auto pass = admit(gate, res);
    if (!pass) return;
    // While this request waited, a new generation may have come, or another request answered it.
    const auto generation = service.current();
    if (answer_from_cache(generation, req, res)) return;
    search::Searcher searcher(generation, thread_analyzer());
    answer(searcher);
    if (res.status != 200) return;
    res.set_header("X-Cache", "miss");
    cache.insert(generation->info().uuid, req.target, res.body);
  }

  // True when it answered: from the cache, or 503 when there is no generation.
  bool answer_from_cache(const std::shared_ptr<const search::Generation>& generation, const Request& req,
                         Response& res) {
    if (!generation) {
      send_error(res, ApiError::index_unavailable());
      return true;
    }
    const auto body = cache.find(generation->info().uuid, req.target);
    if (!body) return false;
    res.status = 200;
    res.set_content(*body, kJsonContentType);
    res.set_header("X-Cache", "hit");
    return true;
  }

  void send_status_error(Response& res, const Status& status) {
    const ApiError error = api_error_from_status(status);
    if (error.http_status >= 500) options.log("request " + std::to_string(t_request.id) + ": " + status.to_string());
    send_error(res, error);
  }

  // The route table (kRoutes): every route of the API, its template (its metrics label), its handler.
  struct Route {
    const char* pattern;
    std::string_view label;
    void (Impl::*handle)(const Request&, Response&);
  };
  static const std::array<Route, 8> kRoutes;
  static bool is_api_path(const std::string& path);

  void handle_search(const Request& req, Response& res);
  void handle_record(const Request& req, Response& res);
  void handle_related(const Request& req, Response& res);
  void handle_suggest(const Request& req, Response& res);
  void handle_facets(const Request& req, Response& res);
  void handle_export(const Request& req, Response& res);
  void handle_health(const Request& req, Response& res);
  void handle_metrics(const Request& req, Response& res);
};

void HttpServer::Impl::configure() {
  // SO_REUSEADDR only: the library's default SO_REUSEPORT lets a second server share the port.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Only for the Keep-Alive header the library writes; GuardedServer enforces both.
  svr.set_keep_alive_timeout(options.keep_alive_timeout_s);
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.on_refused = [this](const std::string& remote_addr, int status) {
    metrics.observe("other", status, 0.0);
    options.log(format_request_line({remote_addr, "", "", status, -1}));
  };
  // "Expect: 100-continue" on a request we refuse gets the refusal, not an invitation to send the body.
  svr.set_expect_100_continue_handler([this](const Request& req, Response& res) {
    return pre_route(req, res) == HandlerResponse::Handled ? res.status : 100;
  });
  svr.set_tcp_nodelay(true);
  svr.set_payload_max_length(0);
  httplib::Headers security;
  for (const auto& [name, value] : kSecurityHeaders) security.emplace(name, value);
  svr.set_default_headers(std::move(security));
  if (!web_root.empty() && !svr.set_mount_point("/", web_root.string(), {{"Cache-Control", "no-cache"}}))
    web_root.clear();
  if (web_root.empty())
    options.log("warning: no web UI: " +
                (options.web_dir.empty() ? std::string("no web directory given")
                                         : options.web_dir.string() + " is not a readable directory"));

  svr.set_pre_routing_handler([this](const Request& req, Response& res) { return pre_route(req, res); });
  // Every error the library produces itself (unknown path, malformed request) gets the API's JSON
  // shape; a body a handler already wrote is kept.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
    if (!res.body.empty() || res.content_length_ > 0 || res.content_provider_) return HandlerResponse::Unhandled;
    // The library answers 400 and 414 only to a request it could not read, after which the connection
    // closes (GuardedServer): the answer says so rather than offering keep-alive.
    if (res.status == 400 || res.status == 414) {
      send_error_and_close(res, api_error_for_http_status(res.status));
    } else {
      send_error(res, api_error_for_http_status(res.status));
    }
    return HandlerResponse::Handled;
  }));
  svr.set_exception_handler(
      [this](const Request&, Response& res, std::exception_ptr ep) { on_exception(res, std::move(ep)); });
  svr.set_logger([this](const Request& req, const Response& res) { on_response(req, res); });
}

const std::array<HttpServer::Impl::Route, 8> HttpServer::Impl::kRoutes{{
    {"/api/search", "/api/search", &Impl::handle_search},
    {"/api/records/([A-Za-z0-9._~-]{1,128})", "/api/records/{id}", &Impl::handle_record},
    {"/api/records/([A-Za-z0-9._~-]{1,128})/related", "/api/records/{id}/related", &Impl::handle_related},
    {"/api/suggest", "/api/suggest", &Impl::handle_suggest},
    {"/api/facets", "/api/facets", &Impl::handle_facets},
    {"/api/export", "/api/export", &Impl::handle_export},
    {"/healthz", "/healthz", &Impl::handle_health},
    {"/metrics", "/metrics", &Impl::handle_metrics},
}};

bool HttpServer::Impl::is_api_path(const std::string& path) {
  // The routes outside /api/ are plain paths, their patterns no expressions.
  return path.starts_with("/api/") || path == "/api" ||
         std::any_of(kRoutes.begin(), kRoutes.end(), [&](const Route& r) { return path == r.pattern; });
}

void HttpServer::Impl::register_routes() {
  for (const Route& route : kRoutes) {
    svr.Get(route.pattern, [this, &route](const Request& req, Response& res) {
      t_request.route = route.label;
      (this->*route.handle)(req, res);
    });
  }
  // Static files of the web UI: the mount point "/" set in configure().
}

// Runs before the library reads a request body or looks for a file or a route.
HandlerResponse HttpServer::Impl::pre_route(const Request& req, Response& res) {
  t_request = {++request_counter, std::chrono::steady_clock::now(), true, true, {}};
  if (req.method != "GET" && req.method != "HEAD") {
    res.set_header("Allow", "GET, HEAD");
    send_error_and_close(res, api_error_for_http_status(405));
    return HandlerResponse::Handled;
  }
  if (auto problem = body_problem(req)) {
    send_error_and_close(res, *problem);
    return HandlerResponse::Handled;
  }
  if (is_forbidden_path(req.path) || (!is_api_path(req.path) && escapes_root(web_root, req.path))) {
    send_error(res, ApiError::not_found("no such resource"));
    return HandlerResponse::Handled;
  }
  t_request.refused = false;
  // No Range reaches here: GuardedServer drops Range header lines, so API answers and web UI files
  // are always whole (200, never 206 or 416).
  return HandlerResponse::Unhandled;
}

void HttpServer::Impl::on_exception(Response& res, std::exception_ptr ep) {
  const std::string id = std::to_string(t_request.id);
  ApiError error{500, "internal_error", "the server could not answer this request (request " + id + ")"};
  try {
    std::rethrow_exception(std::move(ep));
  } catch (const std::bad_alloc&) {
    options.log("request " + id + ": out of memory");
    error = {503, "overloaded", "the server is out of memory; try again later (request " + id + ")"};
  } catch (const std::exception& e) {
    options.log("request " + id + ": exception: " + e.what());
  } catch (...) {
    options.log("request " + id + ": unknown exception");
  }
  res.headers.erase("Content-Type");
  res.headers.erase("Content-Disposition");
  send_error(res, error);
}

// The logger hook: runs after every response, including those the library refused before routing.
void HttpServer::Impl::on_response(const Request& req, const Response& res) {
  try {
    double millis = -1;
    if (t_request.routed)
      millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_request.started).count();
    // A request refused before routing is counted as "other" whatever path it named.
    const std::string route =
        t_request.routed && !t_request.refused ? route_label(t_request.route, req.path, res.status) : "other";
    t_request.routed = false;
    t_request.route = {};
    metrics.observe(route, res.status, millis < 0 ? 0.0 : millis / 1000.0);
    options.log(format_request_line({req.remote_addr, req.method, req.target, res.status, millis}));
  } catch (...) {
    // Logging must never take the connection down.
  }
}

void HttpServer::Impl::handle_search(const Request& req, Response& res) {
  auto parsed = parse_search_params(query_params(req));
  if (const auto* error = std::get_if<ApiError>(&parsed)) return send_error(res, *error);
  const auto& request = std::get<search::SearchRequest>(parsed);
  with_cached_searcher(req, res, [&](search::Searcher& searcher) {
    auto result = searcher.search(request);
    if (!result.ok()) return send_status_error(res, result.status());
    send_json(res, 200, search_json(*result));
  });
}

void HttpServer::Impl::handle_record(const Request& req, Response& res) {
  if (auto error = expect_no_params(query_params(req))) return send_error(res, *error);
  const std::string id = req.matches[1].str();
  with_cached_searcher(req, res, [&](search::Searcher& searcher) {
    auto record = searcher.record(id);
    if (!record.ok()) return send_status_error(res, record.status());
    send_json(res, 200, record_json(*record, searcher.info().name));
  });
}

void HttpServer::Impl::handle_related(const Request& req, Response& res) {
  auto limit = parse_related_params(query_params(req));
  if (const auto* error = std::get_if<ApiError>(&limit)) return send_error(res, *error);
  const std::string id = req.matches[1].str();
  with_cached_searcher(req, res, [&](search::Searcher& searcher) {
    auto related = searcher.related(id, std::get<std::size_t>(limit));
    if (!related.ok()) return send_status_error(res, related.status());
    send_json(res, 200, related_json(id, *related, searcher.info().name));
  });
}

void HttpServer::Impl::handle_suggest(const Request& req, Response& res) {
  auto parsed = parse_suggest_params(query_params(req));
  if (const auto* error = std::get_if<ApiError>(&parsed)) return send_error(res, *error);
  const auto& request = std::get<SuggestRequest>(parsed);
  with_cached_searcher(req, res, [&](search::Searcher& searcher) {
    auto suggestions = searcher.suggest(request.q, request.limit);
    if (!suggestions.ok()) return send_status_error(res, suggestions.status());
    send_json(res, 200, suggest_json(request.q, *suggestions, searcher.info().name));
  });
}

void HttpServer::Impl::handle_facets(const Request& req, Response& res) {
  if (auto error = expect_no_params(query_params(req))) return send_error(res, *error);
  with_cached_searcher(req, res, [&](search::Searcher& searcher) {
    auto facets = searcher.all_facets();
    if (!facets.ok()) return send_status_error(res, facets.status());
    send_json(res, 200, facets_json(*facets, searcher.info().name));
  });
}

void HttpServer::Impl::handle_export(const Request& req, Response& res) {
  auto parsed = parse_export_params(query_params(req));
  if (const auto* error = std::get_if<ApiError>(&parsed)) return send_error(res, *error);
  const auto& request = std::get<ExportRequest>(parsed);
  with_export_searcher(res, [&](search::Searcher& searcher) {
    auto exported = searcher.export_matches(request.search, search::kMaxExport);
    if (!exported.ok()) return send_status_error(res, exported.status());
    if (request.format == ExportFormat::kJson)
      return send_json(res, 200,
                       export_json(request.search.q, *exported, searcher.info().name));
    res.status = 200;
    res.set_header("Content-Disposition", "attachment; filename=\"riskatlas-export.csv\"");
    // What the JSON export says in its body: a CSV cut at kMaxExport shows it only here.
    res.set_header("X-Total-Count", std::to_string(exported->total));
    res.set_header("X-Exported-Count", std::to_string(exported->records.size()));
    res.set_header("X-Relaxed", exported->relaxation ? "true" : "false");
    res.set_header("X-Corrected", exported->corrected ? "true" : "false");
    res.set_content(export_csv(exported->records), kCsvContentType);
  });
}

void HttpServer::Impl::handle_health(const Request& req, Response& res) {
  if (auto error = expect_no_params(query_params(req))) return send_error(res, *error);
  const search::IndexStatus status = service.status();
  // Each database of the generation is opened now, so a shard that is down or a generation gone from
  // disk shows before a search fails.
  std::vector<search::ShardState> shards;
  if (status.generation) shards = status.generation->shards().probe();
  const OrderedJson body = health_json(status, shards, unopenable_past_grace(status, shards));
  const int code = body["status"] == "ok" ? 200 : 503;
  send_json(res, code, body);
}

bool HttpServer::Impl::unopenable_past_grace(const search::IndexStatus& status,
                                             const std::vector<search::ShardState>& shards) {
  if (!status.generation || status.generation->shards().sharded() || shards.empty()) return false;
  const std::string& uuid = status.generation->info().uuid;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(unopenable_mutex);
  if (shards.front().up) {
    if (unopenable_uuid == uuid) unopenable_uuid.clear();
    return false;
  }
  if (unopenable_uuid != uuid) {
    unopenable_uuid = uuid;
    unopenable_since = now;
  }
  return now - unopenable_since >= kUnopenableGrace;
}

void HttpServer::Impl::handle_metrics(const Request& req, Response& res) {
  if (auto error = expect_no_params(query_params(req))) return send_error(res, *error);
  const auto generation = service.status().generation;
  res.status = 200;
  res.set_content(metrics.render(generation ? generation->info().documents : 0, cache.stats()), kMetricsContentType);
}

HttpServer::HttpServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() = default;

bool HttpServer::bind() {
  if (!impl_->svr.bind_to_port(impl_->options.host, impl_->options.port)) return false;
  impl_->svr.widen_backlog();
  impl_->port = impl_->options.port;
  return true;
}

int HttpServer::bind_to_any_port(const std::string& host) {
  impl_->port = impl_->svr.bind_to_any_port(host);
  if (impl_->port > 0) impl_->svr.widen_backlog();
  return impl_->port;
}

bool HttpServer::listen_after_bind() { return impl_->svr.listen_after_bind(); }

void HttpServer::stop() { impl_->svr.close_listener(); }

bool HttpServer::is_running() const { return impl_->svr.is_running(); }

std::size_t HttpServer::open_connections() const { return impl_->svr.open_connections(); }

int HttpServer::port() const { return impl_->port; }

const std::filesystem::path& HttpServer::web_root() const { return impl_->web_root; }

}  // namespace riskatlas::server
