#include "sim/lib/connection.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace tgsim::lib {

Connection::Connection(std::string host, int port, std::function<void(std::string_view)> on_line)
    : host_(std::move(host)), port_(port), on_line_(std::move(on_line)) {
  thread_ = std::thread([this] { Run(); });
}

Connection::~Connection() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
}

void Connection::Send(std::string frame) {
  std::lock_guard lock(mutex_);
  unsent_ += frame;
  unsent_ += '\n';
  FlushLocked();
}

void Connection::FlushLocked() {
  if (fd_ < 0) return;
  std::size_t done = 0;
  while (done < unsent_.size()) {
    ssize_t n = ::send(fd_, unsent_.data() + done, unsent_.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      break;  // the reader notices the broken connection and reconnects
    }
    done += static_cast<std::size_t>(n);
  }
  unsent_.erase(0, done);
}

bool Connection::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &result) != 0) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0 && ::connect(fd, result->ai_addr, result->ai_addrlen) == 0;
  ::freeaddrinfo(result);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string upgrade = "GET /lib HTTP/1.1\r\nHost: " + host_ +
                        "\r\nConnection: Upgrade\r\nUpgrade: tgsim-lib\r\n\r\n";
  if (::send(fd, upgrade.data(), upgrade.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(upgrade.size())) {
    ::close(fd);
    return false;
  }
  // Read the 101 response byte by byte so that no frame byte is consumed with it.
  std::string head;
  char c;
  while (head.size() < 4096 && head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) {
    head += c;
  }
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    ::close(fd);
    return false;
  }
  std::lock_guard lock(mutex_);
  fd_ = fd;
  FlushLocked();
  return true;
}

void Connection::ReadLoop() {
  std::string buffer;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
      on_line_(std::string_view(buffer).substr(start, end - start));
    }
    buffer.erase(0, start);
  }
}

void Connection::Run() {
  while (!stopping_) {
    if (!Connect()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    ReadLoop();
    std::lock_guard lock(mutex_);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace tgsim::lib
