// WsClient and WebhookReceiver: the one translation unit of the test support
// that includes Boost.Beast. Each runs an io_context on its own thread.
#include "tests/support/stream_clients.h"

// Debian 12's Boost 1.74 uses std::exchange in asio/awaitable.hpp without
// including <utility>, which GCC 12 rejects (as in src/api/asio.h).
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <deque>
#include <future>
#include <thread>
#include <tuple>

namespace tgmux::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

// ---- WsClient ----

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  websocket::response_type answer;  // the handshake's response
  std::thread thread;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::string> messages;
  bool closed = true;  // until the handshake succeeds
  int status = 0;
  std::string body;
  int close_code = 0;

  void Handshake(const std::string& host, const std::string& target, std::shared_ptr<std::promise<bool>> done);
  void ReadLoop();
};

void WsClient::Impl::Handshake(const std::string& host, const std::string& target,
                               std::shared_ptr<std::promise<bool>> done) {
  ws.async_handshake(answer, host, target, [this, done](beast::error_code ec) {
    {
      std::lock_guard lock(mutex);
      status = answer.result_int();
      body = answer.body();
      closed = static_cast<bool>(ec);
    }
    if (!ec) {
      // From here the WebSocket's own timeouts apply, not the connect deadline.
      ws.next_layer().expires_never();
      ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      ReadLoop();
    }
    done->set_value(!ec);
  });
}

void WsClient::Impl::ReadLoop() {
  ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
    {
      std::lock_guard lock(mutex);
      if (ec) {
        closed = true;
        close_code = ws.reason().code;
      } else {
        messages.push_back(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
      }
    }
    changed.notify_all();
    if (!ec) ReadLoop();
  });
}

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

WsClient::~WsClient() { Close(); }

bool WsClient::Connect(int port, const std::string& target, const HeaderMap& headers,
                       std::chrono::milliseconds timeout) {
  auto& s = *impl_;
  if (s.thread.joinable()) return false;  // once per client
  s.ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  auto done = std::make_shared<std::promise<bool>>();
  auto accepted = done->get_future();
  std::string host = "127.0.0.1:" + std::to_string(port);
  // The deadline covers connect and handshake: tcp_stream closes the socket when it passes.
  s.ws.next_layer().expires_after(timeout);
  s.ws.next_layer().async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<std::uint16_t>(port)),
                                  [&s, host, target, done](beast::error_code ec) {
                                    if (ec) return done->set_value(false);
                                    s.Handshake(host, target, done);
                                  });
  s.thread = std::thread([&s] { s.io.run(); });
  return accepted.get();
}

std::optional<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  auto& s = *impl_;
  std::unique_lock lock(s.mutex);
  s.changed.wait_for(lock, timeout, [&s] { return !s.messages.empty() || s.closed; });
  if (s.messages.empty()) return std::nullopt;
  std::string message = std::move(s.messages.front());
  s.messages.pop_front();
  return message;
}

bool WsClient::Send(const std::string& text) {
  auto& s = *impl_;
  if (closed()) return false;
  auto done = std::make_shared<std::promise<bool>>();
  auto written = done->get_future();
  auto message = std::make_shared<std::string>(text);
  asio::post(s.io, [&s, message, done] {
    s.ws.async_write(asio::buffer(*message), [message, done](beast::error_code ec, std::size_t) {
      done->set_value(!ec);
    });
  });
  return written.wait_for(std::chrono::seconds(10)) == std::future_status::ready && written.get();
}

void WsClient::Close() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  if (!closed()) {
    asio::post(s.io, [&s] { s.ws.async_close(websocket::close_code::normal, [](beast::error_code) {}); });
    // The read loop ends when the server's close frame answers ours.
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, std::chrono::seconds(5), [&s] { return s.closed; });
  }
  s.io.stop();
  s.thread.join();
  std::lock_guard lock(s.mutex);
  s.closed = true;
}

int WsClient::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

std::string WsClient::body() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->body;
}

bool WsClient::closed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->closed;
}

int WsClient::close_code() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->close_code;
}

// ---- WebhookReceiver ----

std::string ReceivedRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

struct WebhookReceiver::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  int port = acceptor.local_endpoint().port();
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<ReceivedRequest> requests;
  std::vector<int> statuses;
  std::size_t next_status = 0;
  std::chrono::milliseconds delay{0};
  std::function<int(const std::string&)> answer;
  bool held = false;
  bool close_after = false;
  int connections = 0;  // accepted so far (on the receiver's thread)
  asio::steady_timer gate{io, asio::steady_timer::time_point::max()};  // cancelled by Release

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(tcp::socket socket, int connection);
  // Keeps the request; returns the status to answer, the delay before it,
  // whether to wait for Release and whether to close after answering.
  std::tuple<int, std::chrono::milliseconds, bool, bool> Record(const http::request<http::string_body>& request,
                                                                int connection);
};

asio::awaitable<void> WebhookReceiver::Impl::Accept() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(io, Serve(std::move(socket), ++connections), asio::detached);
  }
}

asio::awaitable<void> WebhookReceiver::Impl::Serve(tcp::socket socket, int connection) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    auto [status, wait, held_now, close] = Record(request, connection);
    if (held_now) co_await gate.async_wait(asio::redirect_error(use_awaitable, ec));
    if (wait.count() > 0) {
      asio::steady_timer timer(io, wait);
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    http::response<http::string_body> response{static_cast<http::status>(status), request.version()};
    response.set(http::field::content_type, "text/plain");
    // 204 and 304 answers carry no body (Beast refuses one).
    if (status != 204 && status != 304) response.body() = std::to_string(status) + "\n";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !response.keep_alive() || close) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

std::tuple<int, std::chrono::milliseconds, bool, bool> WebhookReceiver::Impl::Record(
    const http::request<http::string_body>& request, int connection) {
  ReceivedRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  for (const auto& field : request) out.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  out.body = request.body();
  out.received_at = std::chrono::steady_clock::now();
  out.connection = connection;
  std::lock_guard lock(mutex);
  out.answered = 200;
  if (!statuses.empty()) out.answered = statuses[std::min(next_status++, statuses.size() - 1)];
  if (answer) out.answered = answer(out.body);
  requests.push_back(std::move(out));
  arrived.notify_all();
  return {requests.back().answered, delay, held, close_after};
}

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) {
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([s = impl_.get()] { s->io.run(); });
}

WebhookReceiver::~WebhookReceiver() {
  impl_->io.stop();
  impl_->thread.join();
}

int WebhookReceiver::port() const { return impl_->port; }

std::string WebhookReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

void WebhookReceiver::SetStatuses(std::vector<int> statuses) {
  std::lock_guard lock(impl_->mutex);
  impl_->statuses = std::move(statuses);
  impl_->next_status = 0;
}

void WebhookReceiver::CloseAfterEachAnswer() {
  std::lock_guard lock(impl_->mutex);
  impl_->close_after = true;
}

void WebhookReceiver::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->delay = delay;
}

void WebhookReceiver::SetAnswer(std::function<int(const std::string&)> answer) {
  std::lock_guard lock(impl_->mutex);
  impl_->answer = std::move(answer);
}

void WebhookReceiver::Hold() {
  std::lock_guard lock(impl_->mutex);
  impl_->held = true;
}

void WebhookReceiver::Release() {
  std::lock_guard lock(impl_->mutex);
  impl_->held = false;
  asio::post(impl_->io, [s = impl_.get()] { s->gate.cancel(); });
}

std::vector<ReceivedRequest> WebhookReceiver::WaitFor(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, timeout, [this, count] { return impl_->requests.size() >= count; });
  return impl_->requests;
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace tgmux::testing
