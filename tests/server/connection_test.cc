// The connection layer (server/guarded_server.h): slow, idle, oversized, pipelined and surplus clients.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "server/server_fixture.h"

using namespace riskatlas::testing;
using namespace std::chrono_literals;

namespace {


void wait_for_connections(const TestServer& server, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
  while (const_cast<TestServer&>(server).server().open_connections() != n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  REQUIRE(const_cast<TestServer&>(server).server().open_connections() == n);
}

}  // namespace

TEST_CASE("slow and idle clients do not stop the others", "[http][slow][concurrency]") {
  auto options = TestServer::default_options();
  options.threads = 2;
  TestServer server(options);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 48; ++i) {  // half a request each, the rest never comes
    held.push_back(std::make_unique<RawConnection>(server.port()));
    held.back()->send("GET /healthz HTTP/1.1\r\nHo");
  }
  for (int i = 0; i < 48; ++i) {  // one request each, then idle on keep-alive
    held.push_back(std::make_unique<RawConnection>(server.port()));
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  wait_for_connections(server, 96);
  auto cli = server.client();
  const auto health = cli->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  const auto search = cli->Get("/api/search?q=poisoning");
  REQUIRE(search);
  CHECK(search->status == 200);
}

TEST_CASE("a client that does not send its whole request in time gets 408 and is disconnected", "[http][slow]") {
  auto options = TestServer::default_options();
  options.request_timeout = 1s;
  TestServer server(options);
  RawConnection slow(server.port());
  // One byte at a time, each well within any per-read timeout: only a deadline for the whole request
  // stops it.
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  const auto give_up = std::chrono::steady_clock::now() + kHangGuard;
  for (std::size_t i = 0; i < request.size() && std::chrono::steady_clock::now() < give_up; ++i) {
    if (!slow.send(request.substr(i, 1))) break;
    std::this_thread::sleep_for(50ms);
  }
  const std::string answer = slow.receive(kHangGuard);
  CHECK(status_of(answer) == 408);
  CHECK(answer.find("request_timeout") != std::string::npos);
  CHECK(answer.find("<timeout>") == std::string::npos);  // closed by the server
}

TEST_CASE("requests past the size limit are refused before they are read whole", "[http][slow]") {
  TestServer server;
  const std::string long_header =
      raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4 << 20, 'a') + "\r\n\r\n",
                   kHangGuard);
  CHECK(status_of(long_header) == 431);
  CHECK(long_header.find("headers_too_large") != std::string::npos);
  // The connection layer's own answers carry the headers of every answer.
  CHECK(long_header.find("\r\nContent-Security-Policy: default-src 'self';") != std::string::npos);
  CHECK(long_header.find("\r\nReferrer-Policy: no-referrer\r\n") != std::string::npos);
  CHECK(long_header.find("\r\nX-Content-Type-Options: nosniff\r\n") != std::string::npos);

  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": " + std::string(100, 'b') + "\r\n";
  CHECK(status_of(raw_exchange(server.port(), many + "\r\n", kHangGuard)) == 431);

  const std::string long_line =
      raw_exchange(server.port(), "GET /api/search?q=" + std::string(4 << 20, 'a') + " HTTP/1.1\r\n\r\n", kHangGuard);
  CHECK(status_of(long_line) == 414);
  CHECK(server.client()->Get("/healthz")->status == 200);
}

TEST_CASE("pipelined requests are all answered, in order", "[http][slow]") {
  TestServer server;
  const std::string answer = raw_exchange(server.port(),
                                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /api/records/AML.T0070 HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                          kHangGuard);
  CHECK(count_of(answer, "HTTP/1.1 ") == 3);
  const auto first = answer.find("HTTP/1.1 200"), second = answer.find("HTTP/1.1 200", first + 1),
             third = answer.find("HTTP/1.1 404");
  CHECK(first < second);
  CHECK(second < third);
  CHECK(third != std::string::npos);
  CHECK(answer.find("<timeout>") == std::string::npos);
}

TEST_CASE("past the connection cap a new connection gets 503 with Retry-After at once", "[http][slow]") {
  auto options = TestServer::default_options();
  options.max_connections = 4;
  options.request_timeout = 30s;
  TestServer server(options);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<RawConnection>(server.port()));
  wait_for_connections(server, 4);
  const std::string refused = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", kHangGuard);
  CHECK(status_of(refused) == 503);
  CHECK(refused.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(refused.find("overloaded") != std::string::npos);
  CHECK(refused.find("<timeout>") == std::string::npos);

  held.pop_back();
  wait_for_connections(server, 3);
  CHECK(server.client()->Get("/healthz")->status == 200);
}

TEST_CASE("a request the server cannot parse is answered and its connection closed", "[http][slow]") {
  TestServer server;
  const std::string answer =
      raw_exchange(server.port(), "GARBAGE\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", kHangGuard);
  CHECK(status_of(answer) == 400);
  CHECK(count_of(answer, "HTTP/1.1 ") == 1);
  CHECK(answer.find("<timeout>") == std::string::npos);

  // A method the HTTP library does not know is not a malformed request: 405 like any but GET and HEAD.
  for (const char* method : {"PROPFIND", "FOO", "get"}) {
    INFO(method);
    const std::string unknown =
        raw_exchange(server.port(), std::string(method) + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n", kHangGuard);
    CHECK(status_of(unknown) == 405);
    CHECK(unknown.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
    CHECK(unknown.find("method_not_allowed") != std::string::npos);
    CHECK(unknown.find("<timeout>") == std::string::npos);
  }

  const std::string spaced =
      raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 40\r\n\r\n", kHangGuard);
  CHECK(status_of(spaced) == 400);
  CHECK(spaced.find("<timeout>") == std::string::npos);

  // Header lines that are not a name, a colon and a value, which the library took or dropped: a
  // line without a colon, an empty name, a folded continuation (obs-fold), a name that is no token.
  for (const char* line : {"NoColonAtAll", ": v", " folded", "\tfolded", "X(y): z", "Bad\"Name: z"}) {
    INFO(line);
    const std::string answer = raw_exchange(
        server.port(), std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: b\r\n") + line + "\r\n\r\n", kHangGuard);
    CHECK(status_of(answer) == 400);
    CHECK(answer.find("bad_request") != std::string::npos);
    CHECK(count_of(answer, "Connection: close") == 1);
  }
  // Names of any token characters are fine.
  const std::string odd = raw_exchange(
      server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Odd_Name.1!#$%&'*+^`|~: v\r\nConnection: close\r\n\r\n",
      kHangGuard);
  CHECK(status_of(odd) == 200);
}

TEST_CASE("refusals say Connection: close once, and a HEAD refusal has no body", "[http][slow]") {
  TestServer server;
  const std::string expect = raw_exchange(
      server.port(), "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n",
      kHangGuard);
  CHECK(status_of(expect) == 405);  // the refusal, not "100 Continue"
  CHECK(expect.find("100 Continue") == std::string::npos);
  CHECK(count_of(expect, "Connection: close") == 1);

  const std::string head =
      raw_exchange(server.port(), "HEAD /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", kHangGuard);
  CHECK(status_of(head) == 413);
  CHECK(count_of(head, "Connection: close") == 1);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());

  // What the library itself cannot read: an answer, then the connection closes, as the answer says.
  const std::string long_uri =
      raw_exchange(server.port(), "GET /api/search?q=" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", kHangGuard);
  CHECK(status_of(long_uri) == 414);
  CHECK(count_of(long_uri, "Connection: close") == 1);
  const std::string garbage = raw_exchange(server.port(), "GARBAGE\r\n\r\n", kHangGuard);
  CHECK(status_of(garbage) == 400);
  CHECK(count_of(garbage, "Connection: close") == 1);
  CHECK(garbage.find("Keep-Alive") == std::string::npos);
  CHECK(garbage.find("<timeout>") == std::string::npos);
}

TEST_CASE("a Range header, valid or not, is ignored: whole answers, never 206 or 416", "[http][slow]") {
  TestServer server;
  for (const char* range : {"junk", "bytes=0-5", "bytes=0-5,10-20", "bytes=99999999-"}) {
    INFO(range);
    const std::string api = raw_exchange(
        server.port(), std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nRange: ") + range + "\r\nConnection: close\r\n\r\n",
        kHangGuard);
    CHECK(status_of(api) == 200);
    CHECK(api.find("\"status\"") != std::string::npos);
    // Any spelling of the name, and a static file of the web UI.
    const std::string page = raw_exchange(
        server.port(), std::string("GET / HTTP/1.1\r\nHost: x\r\nrAnGe: ") + range + "\r\nConnection: close\r\n\r\n",
        kHangGuard);
    CHECK(status_of(page) == 200);
    CHECK(page.find("Content-Range") == std::string::npos);
    CHECK(page.find("</html>") != std::string::npos);
  }
  // Nor does a HEAD answer offer ranges (the library adds "Accept-Ranges: bytes" to those alone).
  for (const char* target : {"/api/facets", "/api/export?format=csv", "/"}) {
    INFO(target);
    const std::string head =
        raw_exchange(server.port(), std::string("HEAD ") + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     kHangGuard);
    CHECK(status_of(head) == 200);
    CHECK(head.find("Accept-Ranges") == std::string::npos);
    CHECK(head.find("Content-Length: ") != std::string::npos);
    CHECK(head.find("Keep-Alive") == std::string::npos);  // beside "Connection: close"
  }
}

TEST_CASE("a request target in absolute form is served as its path and query", "[http][slow]") {
  TestServer server;
  const std::string facets = raw_exchange(
      server.port(), "GET http://riskatlas.example/api/facets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kHangGuard);
  CHECK(status_of(facets) == 200);
  CHECK(facets.find("\"facets\"") != std::string::npos);
  const std::string search = raw_exchange(
      server.port(), "GET HTTPS://x:8080/api/search?q=poisoning&per_page=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      kHangGuard);
  CHECK(status_of(search) == 200);
  CHECK(search.find("\"query\":\"poisoning\"") != std::string::npos);
  const std::string root =
      raw_exchange(server.port(), "GET http://x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kHangGuard);
  CHECK(status_of(root) == 200);
  CHECK(root.find("</html>") != std::string::npos);
}

TEST_CASE("a '?' inside the query string is part of the query, not a malformed target", "[http][slow]") {
  TestServer server;
  const std::string answer = raw_exchange(
      server.port(), "GET /api/search?q=poisoning?&per_page=1?x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      kHangGuard);
  // Parsed as q="poisoning?" and per_page="1?x": the second is refused by the API, by name.
  CHECK(status_of(answer) == 400);
  CHECK(answer.find("per_page") != std::string::npos);

  const std::string search = raw_exchange(
      server.port(), "GET /api/search?q=a?b&per_page=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kHangGuard);
  CHECK(status_of(search) == 200);
  CHECK(search.find(R"("query":"a?b")") != std::string::npos);
  // A request line with a '?' and no query is still served, and pipelining is kept.
  const std::string two = raw_exchange(server.port(),
                                       "GET /healthz? HTTP/1.1\r\nHost: x\r\n\r\n"
                                       "GET /api/suggest?q=poison?? HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                       kHangGuard);
  CHECK(count_of(two, "HTTP/1.1 200") == 2);
}
