#include "server/server_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace riskatlas::testing {

void check_error(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  const auto body = nlohmann::json::parse(r->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"].is_string());
}

void check_errors(httplib::Client& cli, const std::vector<ExpectedError>& cases) {
  for (const auto& c : cases) {
    INFO(c.path.substr(0, 120));
    check_error(cli.Get(c.path.c_str()), c.status, c.code);
  }
}

RawConnection::RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect() failed");
  }
}

RawConnection::~RawConnection() { ::close(fd_); }

bool RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawConnection::receive(std::chrono::milliseconds wait, std::size_t enough) {
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (answer.size() < enough) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      answer += "<timeout>";
      break;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  return answer;
}

std::string raw_exchange(int port, const std::string& request, std::chrono::milliseconds wait) {
  RawConnection connection(port);
  connection.send(request);
  return connection.receive(wait);
}

}  // namespace riskatlas::testing
