// Internal to http_server.cpp (the one translation unit that includes it):
// a connection, plain or TLS, and the helpers its coroutines share. A header
// only to keep that file short; it includes Boost.Beast and OpenSSL's stream.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "api/asio.h"
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "api/http.h"
#include "api/request_parsing.h"

namespace tgmux::api::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Read errors that deserve an answer before the connection closes.
inline std::optional<int> StatusForReadError(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::eof || ec == asio::error::connection_reset) {
    return std::nullopt;
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) return 400;
  return std::nullopt;
}

// The answer to a body that could not be read; status 0 when there is nobody
// to answer (the client left, or the read timed out).
inline Response ReadFailure(const boost::system::error_code& ec, std::size_t limit) {
  auto status = StatusForReadError(ec);
  if (!status) {
    Response silent;
    silent.status = 0;
    return silent;
  }
  return *status == 413 ? PayloadTooLarge(limit) : ProblemForStatus(*status);
}

// A lingering close (as nginx does) after an error answer: how long and how
// much of the rest of the request to read and drop before closing.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 16 << 20;

// What a graceful stop needs of every connection, plain or TLS.
struct ConnectionBase {
  virtual ~ConnectionBase() = default;
  virtual asio::any_io_executor Executor() = 0;
  virtual void Cancel() = 0;  // on the connection's thread
  bool busy = false;  // touched only on the connection's thread
  std::shared_ptr<Stream> streaming;  // an SSE or WebSocket stream in progress; set on its thread
};

// A connection over `S`: beast::tcp_stream (HTTP) or TlsStream (HTTPS).
template <class S>
struct Connection : ConnectionBase {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  Connection(tcp::socket socket, std::shared_ptr<ssl::context> tls)
      : context(std::move(tls)), stream(std::move(socket), *context) {}
  asio::any_io_executor Executor() override { return stream.get_executor(); }
  void Cancel() override { Tcp().cancel(); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream); }

  std::shared_ptr<ssl::context> context;  // TLS: the certificate it was accepted with, kept while it lives
  S stream;
};
using PlainConnection = Connection<beast::tcp_stream>;
using TlsConnection = Connection<TlsStream>;

// Waits for a stream's next piece; the answer comes back on the caller's thread.
inline asio::awaitable<std::optional<std::string>> NextPiece(Stream& stream) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::optional<std::string>)>(
      [&stream](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        stream.Next([shared](std::optional<std::string> piece) {
          auto executor = asio::get_associated_executor(*shared);
          asio::post(executor, [shared, piece = std::move(piece)]() mutable { (*shared)(std::move(piece)); });
        });
      },
      use_awaitable);
}

// The client may still be sending the request we refused (a body over the
// limit): closing with its bytes unread would make the kernel reset the
// connection, and the reset can destroy our answer before the client reads it.
// So: stop sending, read and drop until the client closes, or for kLingerTime
// or kLingerBytes at most, then close.
template <class C>
asio::awaitable<void> LingeringClose(C& connection) {
  boost::system::error_code ec;
  connection.Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  connection.Tcp().expires_after(kLingerTime);
  std::array<char, 64 * 1024> sink;
  std::size_t dropped = 0;
  while (!ec && dropped < kLingerBytes) {
    dropped += co_await connection.stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace tgmux::api::server
