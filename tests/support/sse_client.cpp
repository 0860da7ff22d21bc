// SseClient: HTTP/1.1 by hand over a plain socket, so that every read can have
// a deadline (poll) and the chunked framing the server sends is checked.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "tests/support/stream_clients.h"

namespace tgmux::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string TrimSpaces(const std::string& text) {
  auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}


bool SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

nlohmann::json SseEvent::json() const { return nlohmann::json::parse(data); }

bool SseClient::Connect(int port, const std::string& target, const HeaderMap& headers,
                        std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  fd_ = ConnectLoopback(port);
  if (fd_ < 0) return false;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAccept: text/event-stream\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!SendAll(fd_, request + "\r\n") || !ReadHead(deadline)) {
    Close();
    return false;
  }
  Decode();
  if (status_ == 200) return true;
  // A refusal: keep its body (a problem JSON) for the test to show.
  while (!ended_ && Fill(deadline)) Decode();
  body_ = text_;
  Close();
  return false;
}

// The status line and headers; what follows them stays in raw_.
bool SseClient::ReadHead(Clock::time_point deadline) {
  std::size_t end;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return false;
  }
  std::string head = raw_.substr(0, end + 2);
  raw_.erase(0, end + 4);
  auto space = head.find(' ');
  if (space == std::string::npos) return false;
  std::from_chars(head.data() + space + 1, head.data() + head.size(), status_);
  for (auto at = head.find("\r\n") + 2; at < head.size();) {
    auto eol = head.find("\r\n", at);
    std::string line = head.substr(at, eol - at);
    at = eol + 2;
    auto colon = line.find(':');
    if (colon != std::string::npos) headers_[Lower(line.substr(0, colon))] = TrimSpaces(line.substr(colon + 1));
  }
  chunked_ = Lower(headers_["transfer-encoding"]).find("chunked") != std::string::npos;
  if (!chunked_ && headers_.count("content-length")) {
    remaining_ = std::stoul(headers_["content-length"]);
    ended_ = *remaining_ == 0;
  }
  return true;
}

// Reads what the socket has before `deadline`; false on timeout or end.
bool SseClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0 || ended_) return false;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd ready{fd_, POLLIN, 0};
  if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[16384];
  ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    ended_ = true;  // for a chunked body without its last chunk: cut short
    return false;
  }
  raw_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

// Moves the body bytes received so far from raw_ to text_.
void SseClient::Decode() {
  if (chunked_) {
    while (DecodeChunk()) {
    }
  } else if (remaining_) {
    std::size_t take = std::min(*remaining_, raw_.size());
    text_.append(raw_, 0, take);
    raw_.erase(0, take);
    *remaining_ -= take;
    ended_ = *remaining_ == 0;
  } else {
    text_ += raw_;
    raw_.clear();
  }
}

// One "<hex size>[;ext]\r\n<data>\r\n" chunk; false when it is incomplete or
// was the last (size 0, whose trailers are ignored).
bool SseClient::DecodeChunk() {
  auto eol = raw_.find("\r\n");
  if (ended_ || eol == std::string::npos) return false;
  std::size_t size = 0;
  auto [end, error] = std::from_chars(raw_.data(), raw_.data() + eol, size, 16);
  if (error != std::errc() || (end != raw_.data() + eol && *end != ';')) {
    throw std::runtime_error("SSE: bad chunk size line \"" + raw_.substr(0, eol) + "\"");
  }
  if (size == 0) {
    ended_ = true;
    return false;
  }
  if (raw_.size() < eol + 2 + size + 2) return false;
  if (raw_.compare(eol + 2 + size, 2, "\r\n") != 0) throw std::runtime_error("SSE: chunk not followed by CRLF");
  text_.append(raw_, eol + 2, size);
  raw_.erase(0, eol + 2 + size + 2);
  return true;
}

std::optional<SseEvent> SseClient::NextEvent(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    for (auto eol = text_.find('\n'); eol != std::string::npos; eol = text_.find('\n')) {
      std::string line = text_.substr(0, eol);
      text_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (auto event = Feed(line)) return event;
    }
    if (!Fill(deadline)) return std::nullopt;
    Decode();
  }
}

// One line of the event stream format (WHATWG HTML, "server-sent events").
std::optional<SseEvent> SseClient::Feed(const std::string& line) {
  if (line.empty()) {
    SseEvent event = std::move(building_);
    building_ = SseEvent();
    if (!has_data_) return std::nullopt;
    has_data_ = false;
    event.data.pop_back();  // the "\n" after the last data line
    event.id = last_id_;
    if (event.event.empty()) event.event = "message";
    return event;
  }
  if (line[0] == ':') {
    if (TrimSpaces(line.substr(1)) == "keep-alive") ++keep_alives_;
    return std::nullopt;
  }
  auto colon = line.find(':');
  std::string field = line.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  if (field == "data") {
    building_.data += value + "\n";
    has_data_ = true;
  } else if (field == "event") {
    building_.event = value;
  } else if (field == "id") {
    last_id_ = value;
  }
  return std::nullopt;
}

void SseClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace tgmux::testing
