#include "common/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace tgmux {
namespace {

// A signal that interrupts connect() leaves the connection going on: wait
// for it to finish and say whether it succeeded.
bool ConnectedAfterSignal(int fd, int timeout_seconds) {
  if (errno != EINTR) return false;
  pollfd wait{fd, POLLOUT, 0};
  int ready;
  do {
    ready = poll(&wait, 1, timeout_seconds * 1000);
  } while (ready < 0 && errno == EINTR);
  int error = 0;
  socklen_t length = sizeof error;
  return ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

int Connect(const std::string& host, int port, int timeout_seconds) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{timeout_seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);  // bounds connect() too
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && !ConnectedAfterSignal(fd, timeout_seconds)) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

HttpResponse Parse(const std::string& raw) {
  HttpResponse response;
  auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) return response;
  std::istringstream head(raw.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  if (line.size() > 12) response.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    // Repeated fields are joined as HTTP allows, except Set-Cookie (its values
    // hold commas): one per line.
    auto [it, fresh] = response.headers.emplace(name, value);
    if (!fresh) it->second += (name == "set-cookie" ? "\n" : ", ") + value;
  }
  response.body = raw.substr(header_end + 4);
  return response;
}

}  // namespace

nlohmann::json HttpResponse::Json() const { return nlohmann::json::parse(body); }

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::string HttpClient::Raw(const std::string& bytes) const {
  int fd = Connect(host_, port_, timeout_seconds_);
  if (fd < 0) return "";
  std::size_t sent = 0;
  // A signal (a child process ending, say) interrupts a call: it goes on.
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                                 std::map<std::string, std::string> headers) const {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : default_headers_) headers.emplace(name, value);
  if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpResponse response = Parse(Raw(request));
  if (observer_ && response.status != 0) observer_(method, target, response);
  return response;
}

HttpResponse HttpClient::Post(const std::string& target, const nlohmann::json& body) const {
  return Request("POST", target, body.dump());
}

}  // namespace tgmux
