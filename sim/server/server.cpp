#include "sim/server/server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <iostream>

#include "sim/control/control_api.h"

namespace tgsim {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::uint64_t AsioScheduler::After(double seconds, std::function<void()> fn) {
  std::uint64_t id = next_id_++;
  auto timer = std::make_shared<asio::steady_timer>(io_);
  timer->expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
  timers_[id] = timer;
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    timers_.erase(id);
    fn();
  });
  return id;
}

void AsioScheduler::Cancel(std::uint64_t timer_id) {
  auto it = timers_.find(timer_id);
  if (it == timers_.end()) return;
  it->second->cancel();
  timers_.erase(it);
}

std::int64_t AsioScheduler::Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

// One library connection after the upgrade. Output lines are batched: while one write
// is in flight, new lines gather in the outbox and go out in the next write.
class LibraryConnection : public LineSink, public std::enable_shared_from_this<LibraryConnection> {
 public:
  LibraryConnection(tcp::socket socket, World& world) : socket_(std::move(socket)), world_(world) {}

  void SendLine(std::string line) override {
    outbox_ += line;
    outbox_ += '\n';
    if (!writing_) Flush();
  }

  asio::awaitable<void> Run(std::string leftover) {
    std::uint64_t id = world_.AddConnection(this);
    std::string buffer = std::move(leftover);
    try {
      for (;;) {
        std::size_t n = co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer), '\n',
                                                        asio::use_awaitable);
        world_.OnLibraryLine(id, std::string_view(buffer).substr(0, n - 1));
        buffer.erase(0, n);
      }
    } catch (const std::exception&) {
      // End of stream: the library process went away.
    }
    world_.RemoveConnection(id);
    closed_ = true;
  }

 private:
  void Flush() {
    if (outbox_.empty() || closed_) return;
    writing_ = true;
    in_flight_.swap(outbox_);
    outbox_.clear();
    asio::async_write(socket_, asio::buffer(in_flight_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        self->writing_ = false;
                        self->in_flight_.clear();
                        if (!ec) self->Flush();
                      });
  }

  tcp::socket socket_;
  World& world_;
  std::string outbox_, in_flight_;
  bool writing_ = false, closed_ = false;
};

http::response<http::string_body> ControlHttp(World& world, const http::request<http::string_body>& req) {
  ControlResponse result = HandleControl(world, std::string(req.method_string()),
                                         std::string(req.target()), req.body());
  http::response<http::string_body> res{static_cast<http::status>(result.status), req.version()};
  res.set(http::field::server, "tgsim");
  if (!result.body.empty()) res.set(http::field::content_type, result.content_type);
  res.keep_alive(req.keep_alive());
  res.body() = result.body;
  res.prepare_payload();
  return res;
}

asio::awaitable<void> Serve(tcp::socket socket, World& world) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    for (;;) {
      // Media for /control/messages travels as base64 in the body: allow big bodies.
      http::request_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{512} << 20);
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
      http::request<http::string_body> req = parser.release();
      if (req.target() == "/lib") {
        static const std::string kSwitch =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: tgsim-lib\r\nConnection: Upgrade\r\n\r\n";
        co_await asio::async_write(stream.socket(), asio::buffer(kSwitch), asio::use_awaitable);
        std::string leftover(static_cast<const char*>(buffer.data().data()), buffer.size());
        auto connection = std::make_shared<LibraryConnection>(stream.release_socket(), world);
        co_await connection->Run(std::move(leftover));
        co_return;
      }
      auto res = ControlHttp(world, req);
      co_await http::async_write(stream, res, asio::use_awaitable);
      if (!res.keep_alive()) break;
    }
  } catch (const std::exception&) {
    // Client closed the connection or sent garbage: nothing to answer.
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Accept(tcp::acceptor acceptor, World& world) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket), world), asio::detached);
  }
}

}  // namespace

std::uint16_t StartServer(asio::io_context& io, World& world, std::uint16_t port) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::uint16_t bound = acceptor.local_endpoint().port();
  asio::co_spawn(io, Accept(std::move(acceptor), world), asio::detached);
  return bound;
}

}  // namespace tgsim
