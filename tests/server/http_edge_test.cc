// The HTTP edge: error shapes, refused methods and bodies, static-file rules, binding, logging.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "process.h"
#include "server/server_fixture.h"

using namespace riskatlas::testing;
using riskatlas::server::HttpServer;
using Json = nlohmann::json;

namespace {

using namespace std::chrono_literals;

int status_of(const std::string& raw_answer) {
  if (raw_answer.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(raw_answer.substr(9, 3));
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

std::string error_code(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  return Json::parse(r->body)["error"]["code"];
}

}  // namespace

TEST_CASE("every bad parameter is a 400 with the documented code", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/api/search?color=red", "unknown_parameter"},
      {"/api/search?q=a&q=b", "invalid_parameter"},
      {"/api/search?page=1&page=2", "invalid_parameter"},
      {"/api/search?per_page=5&per_page=6", "invalid_parameter"},
      {"/api/search?per_page=5&per_page=5", "invalid_parameter"},
      {"/api/search?sort=id&sort=title", "invalid_parameter"},
      {"/api/export?format=csv&format=csv", "invalid_parameter"},
      {"/api/search?nosuchfacet=x", "unknown_parameter"},
      {"/api/search?page=0", "invalid_parameter"},
      {"/api/search?page=-3", "invalid_parameter"},
      {"/api/search?page=two", "invalid_parameter"},
      {"/api/search?page=99999999999999999999999", "invalid_parameter"},
      {"/api/search?per_page=0", "invalid_parameter"},
      {"/api/search?per_page=101", "invalid_parameter"},
      {"/api/search?page=201&per_page=50", "invalid_parameter"},
      {"/api/search?q=" + std::string(1025, 'a'), "query_too_long"},
      {"/api/search?q=%FF%FE", "invalid_utf8"},
      {"/api/search?domain=%C0%AF", "invalid_utf8"},
      {"/api/search?q=a%00b", "invalid_parameter"},
      {"/api/search?q=a%0D%0Ab", "invalid_parameter"},
      {"/api/search?sort=random", "invalid_parameter"},
      {"/api/search?explain=true", "invalid_parameter"},
      {"/api/facets?x=1", "unknown_parameter"},
      {"/healthz?verbose=1", "unknown_parameter"},
  };
  for (const auto& [path, code] : cases) {
    INFO(path.substr(0, 120));
    const auto r = cli->Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(error_code(r) == code);
  }
}

TEST_CASE("unknown routes are JSON 404s", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  for (const char* path : {"/api/nope", "/api", "/api/search/extra", "/no-such-file.html", "/api/records/"}) {
    INFO(path);
    const auto r = cli->Get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(error_code(r) == "not_found");
  }
}

TEST_CASE("a huge query string is refused with 400 or 414 and never 500", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  const auto r = cli->Get(("/api/search?q=" + std::string(100 * 1024, 'a')).c_str());
  REQUIRE(r);
  CHECK((r->status == 414 || r->status == 400));
  CHECK((error_code(r) == "uri_too_long" || error_code(r) == "query_too_long"));
  // The server still answers normally afterwards.
  const auto after = cli->Get("/healthz");
  REQUIRE(after);
  CHECK(after->status == 200);
}

TEST_CASE("methods other than GET and HEAD get 405 with Allow", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  std::vector<httplib::Result> results;
  results.push_back(cli->Post("/api/search", "q=x", "application/x-www-form-urlencoded"));
  results.push_back(cli->Put("/api/search", "{}", "application/json"));
  results.push_back(cli->Delete("/api/records/AML.T0070"));
  results.push_back(cli->Patch("/api/search", "x", "text/plain"));
  results.push_back(cli->Options("/api/search"));
  for (const auto& r : results) {
    REQUIRE(r);
    CHECK(r->status == 405);
    CHECK(r->get_header_value("Allow") == "GET, HEAD");
    CHECK(error_code(r) == "method_not_allowed");
  }
}

TEST_CASE("a refused body is never read and its connection is closed", "[http][slow]") {
  TestServer server;
  // The announced 100 MB never arrive: a server that tried to read them would wait, not answer.
  const auto started = std::chrono::steady_clock::now();
  const std::string post =
      raw_exchange(server.port(), "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n", 3s);
  CHECK(status_of(post) == 405);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(post.find("<timeout>") == std::string::npos);  // closed by the server

  const std::string get_with_body = raw_exchange(
      server.port(), "GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 33\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      3s);
  CHECK(status_of(get_with_body) == 413);
  CHECK(count_of(get_with_body, "HTTP/1.1 ") == 1);  // the "request" inside the body was not answered
  CHECK(get_with_body.find("<timeout>") == std::string::npos);

  const std::string chunked = raw_exchange(
      server.port(), "GET /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 3s);
  CHECK(status_of(chunked) == 413);
  CHECK(count_of(chunked, "HTTP/1.1 ") == 1);

  const std::string gzip =
      raw_exchange(server.port(), "GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n\r\n", 3s);
  CHECK(status_of(gzip) == 413);

  const std::string bad_length =
      raw_exchange(server.port(), "GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 3s);
  CHECK(status_of(bad_length) == 400);

  const std::string head_with_body = raw_exchange(
      server.port(), "HEAD /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 33\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      3s);
  CHECK(status_of(head_with_body) == 413);
  CHECK(count_of(head_with_body, "HTTP/1.1 ") == 1);
  CHECK(head_with_body.find("<timeout>") == std::string::npos);

  // Content-Length: 0 is no body.
  const std::string empty_body =
      raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 3s);
  CHECK(status_of(empty_body) == 200);
}

TEST_CASE("a GET with a body gets 413 from a client too", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  httplib::Request req;
  req.method = "GET";
  req.path = "/api/search";
  req.body = "q=x";
  req.set_header("Content-Type", "text/plain");
  const auto r = cli->send(req);
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(error_code(r) == "payload_too_large");
}

TEST_CASE("dotfiles and symlinks leading out of the web directory are 404", "[http][slow]") {
  ScratchDir web("http-web-" + std::to_string(::getpid()));
  std::ofstream(web.path() / "index.html") << "<!doctype html><title>t</title>";
  std::ofstream(web.path() / ".env") << "SECRET=1";
  std::filesystem::create_directories(web.path() / ".git");
  std::ofstream(web.path() / ".git" / "config") << "[core]";
  std::ofstream(web.path() / "app.js") << "console.log(1)";
  ScratchDir outside("http-outside-" + std::to_string(::getpid()));
  std::ofstream(outside.path() / "secret.txt") << "outside secret";
  std::filesystem::create_symlink(outside.path() / "secret.txt", web.path() / "leak.txt");
  std::filesystem::create_symlink(outside.path(), web.path() / "leakdir");
  std::filesystem::create_symlink(web.path() / "app.js", web.path() / "alias.js");

  auto options = TestServer::default_options();
  options.web_dir = web.path();
  TestServer server(options);
  auto cli = server.client();
  CHECK(cli->Get("/")->status == 200);
  CHECK(cli->Get("/app.js")->status == 200);
  CHECK(cli->Get("/alias.js")->status == 200);  // a link that stays inside is fine
  for (const char* path : {"/.env", "/.git/config", "/%2eenv", "/leak.txt", "/leakdir/secret.txt", "/../secret.txt",
                           "/%2e%2e/etc/passwd", "/a/./app.js", "/index.html%00.txt"}) {
    INFO(path);
    const auto r = cli->Get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("SECRET") == std::string::npos);
    CHECK(r->body.find("outside secret") == std::string::npos);
  }
}

TEST_CASE("Range headers are ignored", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  const auto r = cli->Get("/healthz", {{"Range", "bytes=0-5"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_NOTHROW(Json::parse(r->body));
  const auto page = cli->Get("/", {{"Range", "bytes=0-5,10-20"}});
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.size() > 21);
}

TEST_CASE("a second server on the same port fails to bind", "[http][slow]") {
  TestServer first;
  auto options = TestServer::default_options();
  options.port = first.port();
  HttpServer second(options);
  CHECK_FALSE(second.bind());
  // The first keeps answering.
  CHECK(first.client()->Get("/healthz")->status == 200);
}

TEST_CASE("stop() right after bind ends listen promptly", "[http][slow]") {
  HttpServer server(TestServer::default_options());
  REQUIRE(server.bind_to_any_port("127.0.0.1") > 0);
  server.stop();
  const auto started = std::chrono::steady_clock::now();
  CHECK(server.listen_after_bind());
  CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("one log line per request without header values", "[http][slow]") {
  TestServer server;
  auto cli = server.client();
  REQUIRE(cli->Get("/api/search?q=poisoning", {{"X-Secret", "topsecret"}, {"REMOTE_ADDR", "6.6.6.6"},
                                                {"User-Agent", "agent-smith"}}));
  REQUIRE(cli->Get("/api/search?q=a%0D%0Ab"));
  const auto lines = server.wait_for_log_lines(2);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::Contains(" 127.0.0.1 GET /api/search?q=poisoning 200 "));
  CHECK_THAT(lines[0], Catch::EndsWith("ms"));
  CHECK_THAT(lines[1], Catch::Contains(" 400 "));
  for (const auto& line : lines) {
    CHECK(line.find("topsecret") == std::string::npos);
    CHECK(line.find("6.6.6.6") == std::string::npos);
    CHECK(line.find("agent-smith") == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
  }
}

TEST_CASE("concurrent requests are all answered", "[http][slow]") {
  TestServer server;
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&] {
      auto cli = server.client();
      for (int i = 0; i < 10; ++i) {
        const auto r = cli->Get("/api/search?q=model&per_page=5");
        if (r && r->status == 200) ++ok;
      }
    });
  for (auto& c : clients) c.join();
  CHECK(ok == 80);
}

TEST_CASE("an index error during a request is a generic JSON 503 with details only in the log", "[http][slow]") {
  ScratchDir dir("http-vanish");
  const auto index = dir.path() / "index";
  REQUIRE(run_indexer({"--quiet", "--corpus", corpus_dir().string(), "--index", index.string()}) == 0);
  auto options = TestServer::default_options();
  options.index = index;
  options.threads = 8;
  TestServer server(options);
  // The generation vanishes under the server: the handle it already holds keeps working, and every
  // request that needs another handle fails inside Xapian.
  for (const auto& entry : std::filesystem::directory_iterator(index))
    if (entry.path().filename().string().rfind("gen-", 0) == 0) std::filesystem::remove_all(entry.path());

  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&] {
      auto cli = server.client();
      for (int i = 0; i < 15; ++i) {
        const auto r = cli->Get("/api/search?q=model&per_page=50");
        if (r && r->status == 200) {
          ++ok;
        } else if (r && r->status == 503 && !r->has_header("EXCEPTION_WHAT") &&
                   Json::parse(r->body)["error"]["code"] == "index_unavailable" &&
                   r->body.find("No such file") == std::string::npos) {
          ++unavailable;
        } else {
          ++other;
        }
      }
    });
  for (auto& c : clients) c.join();
  INFO("answered " << ok << " from the open handle, " << unavailable << " with 503");
  CHECK(other == 0);
  CHECK(ok + unavailable == 120);
  if (unavailable > 0) {
    bool logged = false;
    for (const auto& line : server.log_lines()) logged = logged || line.find(": index error: ") != std::string::npos;
    CHECK(logged);
  }
}
