// FileServer: HTTP/1.1 by hand over plain sockets; every wait polls a stop
// pipe too, so the destructor never waits on a client.
#include "tests/support/file_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string_view>
#include <map>
#include <mutex>
#include <thread>

namespace tgmux::testing {
namespace {

constexpr std::size_t kPiece = 64 * 1024;

std::string Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    default: return "Status";
  }
}

// Waits until `fd` is ready for `events` or the stop pipe is readable; false on stop.
bool WaitReady(int fd, short events, int stop_fd) {
  pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    int n = poll(fds, 2, -1);
    if (n < 0) return false;
    if (fds[1].revents) return false;
    if (fds[0].revents) return true;
  }
}

bool SendAll(int fd, std::string_view bytes, int stop_fd) {
  while (!bytes.empty()) {
    if (!WaitReady(fd, POLLOUT, stop_fd)) return false;
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The request head's target, or "" when the client went first or spoke no HTTP.
std::string ReadTarget(int fd, int stop_fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 64 * 1024) {
    if (!WaitReady(fd, POLLIN, stop_fd)) return "";
    ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return "";
    head.append(buffer, static_cast<std::size_t>(n));
    if (head.front() < 'A' || head.front() > 'Z') return "";  // not HTTP (a TLS hello): hang up
  }
  auto first = head.find(' ');
  auto second = head.find(' ', first + 1);
  if (first == std::string::npos || second == std::string::npos) return "";
  return head.substr(first + 1, second - first - 1);
}

// Until the client closes (or the server stops).
void AwaitClose(int fd, int stop_fd) {
  char buffer[4096];
  while (WaitReady(fd, POLLIN, stop_fd)) {
    ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;
  }
}

void Answer(int fd, const ServedFile& file, int stop_fd) {
  if (file.silent) return AwaitClose(fd, stop_fd);
  std::string head = "HTTP/1.1 " + std::to_string(file.status) + " " + Reason(file.status) + "\r\n";
  for (const auto& [name, value] : file.headers) head += name + ": " + value + "\r\n";
  if (file.framing == ServedFile::Framing::kLength) {
    head += "Content-Length: " + std::to_string(file.declared_length.value_or(file.body.size())) + "\r\n";
  } else if (file.framing == ServedFile::Framing::kChunked) {
    head += "Transfer-Encoding: chunked\r\n";
  }
  head += "Connection: close\r\n\r\n";
  if (!SendAll(fd, head, stop_fd)) return;
  if (file.hang_after_head) return AwaitClose(fd, stop_fd);
  for (std::size_t at = 0; at < file.body.size(); at += kPiece) {
    std::string_view piece = std::string_view(file.body).substr(at, kPiece);
    if (file.framing == ServedFile::Framing::kChunked) {
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      if (!SendAll(fd, size, stop_fd) || !SendAll(fd, piece, stop_fd) || !SendAll(fd, "\r\n", stop_fd)) return;
    } else if (!SendAll(fd, piece, stop_fd)) {
      return;
    }
  }
  if (file.framing == ServedFile::Framing::kChunked) SendAll(fd, "0\r\n\r\n", stop_fd);
}

}  // namespace

struct FileServer::Impl {
  std::string host;
  int listen_fd = -1;
  int port = 0;
  int stop[2] = {-1, -1};
  std::thread acceptor;
  std::atomic<int> connections{0};

  mutable std::mutex mutex;
  std::map<std::string, ServedFile> files;
  std::vector<std::string> requests;
  std::vector<std::thread> handlers;

  bool Listen(const std::string& address, int wanted_port);
  void AcceptLoop();
  void Handle(int fd);
};

bool FileServer::Impl::Listen(const std::string& address, int wanted_port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool v6 = address.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<std::uint16_t>(wanted_port));
    if (inet_pton(AF_INET6, address.c_str(), &a->sin6_addr) != 1) return false;
    length = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<std::uint16_t>(wanted_port));
    if (inet_pton(AF_INET, address.c_str(), &a->sin_addr) != 1) return false;
    length = sizeof *a;
  }
  listen_fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) return false;
  int yes = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (v6) setsockopt(listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
  if (bind(listen_fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(listen_fd, 16) != 0) {
    close(listen_fd);
    listen_fd = -1;
    return false;
  }
  getsockname(listen_fd, reinterpret_cast<sockaddr*>(&storage), &length);
  port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                  : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  host = v6 ? "[" + address + "]" : address;
  return true;
}

void FileServer::Impl::AcceptLoop() {
  while (WaitReady(listen_fd, POLLIN, stop[0])) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections;
    std::lock_guard lock(mutex);
    handlers.emplace_back([this, fd] { Handle(fd); });
  }
}

void FileServer::Impl::Handle(int fd) {
  std::string target = ReadTarget(fd, stop[0]);
  if (!target.empty()) {
    ServedFile file;
    file.status = 404;
    file.body = "not found\n";
    {
      std::lock_guard lock(mutex);
      requests.push_back(target);
      auto it = files.find(target.substr(0, target.find('?')));
      if (it != files.end()) file = it->second;
    }
    Answer(fd, file, stop[0]);
  }
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

FileServer::FileServer(const std::string& address, int port) : impl_(std::make_unique<Impl>()) {
  if (pipe2(impl_->stop, O_CLOEXEC) != 0) return;
  if (!impl_->Listen(address, port)) return;
  impl_->acceptor = std::thread([s = impl_.get()] { s->AcceptLoop(); });
}

FileServer::~FileServer() {
  if (impl_->stop[1] >= 0) (void)!write(impl_->stop[1], "x", 1);
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  std::vector<std::thread> handlers;
  {
    std::lock_guard lock(impl_->mutex);
    handlers.swap(impl_->handlers);
  }
  for (auto& handler : handlers) handler.join();
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
  for (int fd : impl_->stop) {
    if (fd >= 0) close(fd);
  }
}

bool FileServer::listening() const { return impl_->listen_fd >= 0; }

int FileServer::port() const { return impl_->port; }

std::string FileServer::Url(const std::string& path) const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port) + path;
}

void FileServer::Serve(const std::string& path, ServedFile file) {
  std::lock_guard lock(impl_->mutex);
  impl_->files[path] = std::move(file);
}

int FileServer::connections() const { return impl_->connections; }

std::vector<std::string> FileServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace tgmux::testing
