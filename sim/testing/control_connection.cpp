#include "sim/testing/control_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tgsim::testing {

ControlConnection::~ControlConnection() { Close(); }

void ControlConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void ControlConnection::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Close();
    throw std::runtime_error("cannot connect to tgsim control API");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool ControlConnection::Exchange(const std::string& request, HttpResult& result) {
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return false;
  char chunk[8192];
  auto fill = [&] {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return false;
  }
  std::string head = buffer_.substr(0, head_end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t length = 0;
  if (auto at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::stoul(head.substr(at + 17));
  }
  while (buffer_.size() < head_end + 4 + length) {
    if (!fill()) return false;
  }
  result.status = head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
  result.raw = buffer_.substr(head_end + 4, length);
  result.body = result.raw.empty() ? nlohmann::json() : nlohmann::json::parse(result.raw, nullptr, false);
  buffer_.erase(0, head_end + 4 + length);
  if (head.find("\r\nconnection: close") != std::string::npos) Close();
  return true;
}

HttpResult ControlConnection::Call(const std::string& method, const std::string& path, const nlohmann::json& body) {
  std::string payload = body.is_null() ? "" : body.dump();
  std::string request = method + " /control" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
                        "\r\n\r\n" + payload;
  // A kept connection that tgsim has closed fails at once: the call goes again on a new one.
  const bool kept = fd_ >= 0;
  if (!kept) Connect();
  HttpResult result;
  if (Exchange(request, result)) return result;
  Close();
  result = HttpResult();
  if (kept) {
    Connect();
    if (!Exchange(request, result)) Close();
  }
  return result;
}

}  // namespace tgsim::testing
