#include "tests/support/tls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace tgmux::testing {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

// Waits until the socket is readable or writable, as OpenSSL asked; false when the deadline passes.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, MillisLeft(deadline)) > 0;
}

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

struct TlsClient::Impl {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  int fd = -1;

  // Runs one OpenSSL call until it is done, waiting on the socket as it asks; its result, or <= 0.
  template <class Call>
  int Run(Call call, Clock::time_point deadline) {
    for (;;) {
      int result = call();
      if (result > 0) return result;
      int error = ::SSL_get_error(ssl, result);
      if (error == SSL_ERROR_WANT_READ && WaitFor(fd, POLLIN, deadline)) continue;
      if (error == SSL_ERROR_WANT_WRITE && WaitFor(fd, POLLOUT, deadline)) continue;
      return result;
    }
  }
};

TlsClient::TlsClient() : impl_(std::make_unique<Impl>()) {}

TlsClient::~TlsClient() {
  Close();
}

void TlsClient::Close() {
  if (impl_->ssl) ::SSL_free(impl_->ssl);
  if (impl_->context) ::SSL_CTX_free(impl_->context);
  if (impl_->fd >= 0) ::close(impl_->fd);
  impl_->ssl = nullptr;
  impl_->context = nullptr;
  impl_->fd = -1;
  buffer_.clear();
}

bool TlsClient::Connect(int port, std::chrono::milliseconds timeout) {
  Close();
  auto deadline = Clock::now() + timeout;
  impl_->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(impl_->fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    error_ = "connect failed";
    return false;
  }
  if (!WaitFor(impl_->fd, POLLOUT, deadline)) {
    error_ = "connect timed out";
    return false;
  }
  impl_->context = ::SSL_CTX_new(TLS_client_method());
  ::SSL_CTX_set_verify(impl_->context, SSL_VERIFY_NONE, nullptr);  // the test checks the subject itself
  impl_->ssl = ::SSL_new(impl_->context);
  ::SSL_set_fd(impl_->ssl, impl_->fd);
  ::SSL_set_tlsext_host_name(impl_->ssl, "127.0.0.1");
  if (impl_->Run([this] { return ::SSL_connect(impl_->ssl); }, deadline) != 1) {
    char reason[256] = "handshake failed or timed out";
    if (unsigned long code = ::ERR_get_error()) ::ERR_error_string_n(code, reason, sizeof reason);
    error_ = reason;
    return false;
  }
  return true;
}

std::string TlsClient::PeerSubject() const {
  if (!impl_->ssl) return "";
  X509* cert = ::SSL_get1_peer_certificate(impl_->ssl);
  if (!cert) return "";
  char subject[256] = {0};
  ::X509_NAME_oneline(::X509_get_subject_name(cert), subject, sizeof subject);
  ::X509_free(cert);
  return subject;
}

std::string TlsClient::Protocol() const { return impl_->ssl ? ::SSL_get_version(impl_->ssl) : ""; }

bool TlsClient::WriteAll(const std::string& data, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    int n = impl_->Run([&] { return ::SSL_write(impl_->ssl, data.data() + sent, static_cast<int>(data.size() - sent)); },
                       deadline);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool TlsClient::Fill(Clock::time_point deadline) {
  char piece[16 * 1024];
  int n = impl_->Run([&] { return ::SSL_read(impl_->ssl, piece, sizeof piece); }, deadline);
  if (n <= 0) return false;
  buffer_.append(piece, static_cast<std::size_t>(n));
  return true;
}

TlsAnswer TlsClient::ReadHead(Clock::time_point deadline) {
  TlsAnswer answer;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return answer;
  }
  std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return answer;
  answer.status = std::stoi(status_line.substr(9, 3));
  std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    std::size_t next = head.find("\r\n", at);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(at, next - at);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::size_t value = line.find_first_not_of(' ', colon + 1);
      answer.headers[Lower(line.substr(0, colon))] = value == std::string::npos ? "" : line.substr(value);
    }
    at = next + 2;
  }
  return answer;
}

TlsAnswer TlsClient::Request(const std::string& method, const std::string& target, const std::string& body,
                             const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  if (!impl_->ssl || !WriteAll(request, deadline)) return {};
  TlsAnswer answer = ReadHead(deadline);
  if (answer.status == 0) return answer;
  std::size_t length = 0;
  if (auto it = answer.headers.find("content-length"); it != answer.headers.end()) length = std::stoul(it->second);
  while (buffer_.size() < length) {
    if (!Fill(deadline)) return {};
  }
  answer.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return answer;
}

TlsAnswer TlsClient::OpenStream(const std::string& target, const std::map<std::string, std::string>& headers,
                                std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (!impl_->ssl || !WriteAll(request, deadline)) return {};
  TlsAnswer answer = ReadHead(deadline);
  received_ = std::move(buffer_);
  buffer_.clear();
  return answer;
}

bool TlsClient::ReadUntil(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (received_.find(text) == std::string::npos) {
    if (Clock::now() >= deadline || !Fill(deadline)) return false;
    received_ += buffer_;
    buffer_.clear();
  }
  return true;
}

}  // namespace tgmux::testing
