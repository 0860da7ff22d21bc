#include "service/events/webhook_client.h"

// Debian 12's Boost 1.74 needs <utility> before asio's coroutine support (see api/asio.h).
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <string>

namespace tgmux::service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

http::request<http::string_body> MakeRequest(const WebhookUrl& url,
                                             const std::vector<std::pair<std::string, std::string>>& headers,
                                             const std::string& body) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "tgmux/" TGMUX_VERSION);
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

using asio::use_awaitable;

struct Answer {
  int status = 0;
  bool keep_alive = false;  // the receiver lets the connection serve the next POST
};

// Sends and reads the answer's status on a connected stream. Asynchronous,
// because Beast's timeouts (expires_after) only bound asynchronous operations.
template <class Stream>
asio::awaitable<Answer> Exchange(Stream& stream, const http::request<http::string_body>& request) {
  co_await http::async_write(stream, request, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  // Bytes after the answer would be read as the next one's start: not kept then.
  co_return Answer{static_cast<int>(parser.get().result_int()), parser.get().keep_alive() && buffer.size() == 0};
}

// Where a URL's host is: at once for an IP address (the resolver would start a
// thread for each POST), else through the resolver.
asio::awaitable<tcp::resolver::results_type> Resolve(const WebhookUrl& url) {
  beast::error_code ec;
  auto address = asio::ip::make_address(url.host, ec);
  if (!ec) {
    co_return tcp::resolver::results_type::create(tcp::endpoint(address, static_cast<unsigned short>(std::stoi(url.port))),
                                                  url.host, url.port);
  }
  tcp::resolver resolver(co_await asio::this_coro::executor);
  co_return co_await resolver.async_resolve(url.host, url.port, use_awaitable);
}

// The connection a thread's last POST left open, for its next POST to the same
// receiver (each webhook worker is one thread, and its deliveries mostly go to
// one receiver): no connect, no TLS handshake per event.
struct Kept {
  std::string receiver;  // "tls host port"; "" when none is kept
  std::unique_ptr<ssl::context> context;  // the TLS stream's
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;

  void Drop() {
    tls.reset();
    plain.reset();
    context.reset();
    receiver.clear();
  }
};

std::string ReceiverOf(const WebhookUrl& url) { return (url.tls ? "tls " : "tcp ") + url.host + " " + url.port; }

asio::awaitable<void> Connect(const WebhookUrl& url, Kept& kept, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  kept.Drop();
  if (!url.tls) {
    kept.plain = std::make_unique<beast::tcp_stream>(executor);
    kept.plain->expires_after(timeout);
    co_await kept.plain->async_connect(co_await Resolve(url), use_awaitable);
  } else {
    kept.context = std::make_unique<ssl::context>(ssl::context::tls_client);
    kept.context->set_default_verify_paths();
    kept.context->set_verify_mode(ssl::verify_peer);
    kept.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *kept.context);
    if (!SSL_set_tlsext_host_name(kept.tls->native_handle(), url.host.c_str())) {
      throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    }
    kept.tls->set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(*kept.tls).expires_after(timeout);
    co_await beast::get_lowest_layer(*kept.tls).async_connect(co_await Resolve(url), use_awaitable);
    co_await kept.tls->async_handshake(ssl::stream_base::client, use_awaitable);
  }
  kept.receiver = ReceiverOf(url);
}

asio::awaitable<Answer> ExchangeOn(Kept& kept, const http::request<http::string_body>& request,
                                   std::chrono::milliseconds timeout) {
  if (kept.tls) {
    beast::get_lowest_layer(*kept.tls).expires_after(timeout);
    co_return co_await Exchange(*kept.tls, request);
  }
  kept.plain->expires_after(timeout);
  co_return co_await Exchange(*kept.plain, request);
}

asio::awaitable<int> Post(const WebhookUrl& url, const http::request<http::string_body>& request,
                          std::chrono::milliseconds timeout, Kept& kept) {
  if (kept.receiver == ReceiverOf(url)) {
    // A kept connection the receiver may have closed while it was idle: if
    // nothing came back on it, the POST goes again on a new one (a webhook
    // is delivered at least once; its event id tells a repeat).
    try {
      Answer answer = co_await ExchangeOn(kept, request, timeout);
      if (!answer.keep_alive) kept.Drop();
      co_return answer.status;
    } catch (const beast::system_error& e) {
      kept.Drop();
      if (e.code() == beast::error::timeout) throw;
    }
  }
  co_await Connect(url, kept, timeout);
  Answer answer = co_await ExchangeOn(kept, request, timeout);
  if (!answer.keep_alive) kept.Drop();
  co_return answer.status;
}

}  // namespace

PostOutcome PostJson(const WebhookUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, std::chrono::milliseconds timeout) {
  // Per thread: the context its kept connection belongs to, and that connection.
  thread_local auto io = std::make_unique<asio::io_context>();
  thread_local Kept kept;
  io->restart();
  PostOutcome outcome;
  bool finished = false;
  auto request = MakeRequest(url, headers, body);
  asio::co_spawn(*io, Post(url, request, timeout, kept), [&](std::exception_ptr failure, int status) {
    finished = true;
    if (!failure) {
      outcome.status = status;
      return;
    }
    kept.Drop();
    try {
      std::rethrow_exception(failure);
    } catch (const beast::system_error& e) {
      outcome.error = e.code() == beast::error::timeout ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                                         : e.code().message();
    } catch (const std::exception& e) {
      outcome.error = e.what();
    }
  });
  // The resolver is not bound by the stream's timer: bound the whole run too.
  io->run_for(timeout + std::chrono::seconds(1));
  if (!finished) {
    // Cut short: the connection and the context go, with what is left of this
    // POST in it (never run, so it cannot touch this call's locals later).
    kept.Drop();
    io = std::make_unique<asio::io_context>();
    outcome.error = "no answer within the timeout";
  }
  return outcome;
}

}  // namespace tgmux::service
