#include "service/events/webhook_client.h"

// Debian 12's Boost 1.74 needs <utility> before asio's coroutine support (see api/asio.h).
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

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
  request.keep_alive(false);
  request.prepare_payload();
  return request;
}

using asio::use_awaitable;

// Sends and reads the answer's status on a connected stream. Asynchronous,
// because Beast's timeouts (expires_after) only bound asynchronous operations.
template <class Stream>
asio::awaitable<int> Exchange(Stream& stream, const http::request<http::string_body>& request) {
  co_await http::async_write(stream, request, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  co_return parser.get().result_int();
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

asio::awaitable<int> PostPlain(const WebhookUrl& url, const http::request<http::string_body>& request,
                               std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  auto endpoints = co_await Resolve(url);
  co_await stream.async_connect(endpoints, use_awaitable);
  int status = co_await Exchange(stream, request);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return status;
}

asio::awaitable<int> PostTls(const WebhookUrl& url, const http::request<http::string_body>& request,
                             std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  ssl::context context(ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(executor, context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto endpoints = co_await Resolve(url);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_awaitable);
  co_await stream.async_handshake(ssl::stream_base::client, use_awaitable);
  co_return co_await Exchange(stream, request);
}

}  // namespace

PostOutcome PostJson(const WebhookUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, std::chrono::milliseconds timeout) {
  asio::io_context io;
  PostOutcome outcome;
  auto request = MakeRequest(url, headers, body);
  asio::co_spawn(io, url.tls ? PostTls(url, request, timeout) : PostPlain(url, request, timeout),
                 [&](std::exception_ptr failure, int status) {
                   if (!failure) {
                     outcome.status = status;
                     return;
                   }
                   try {
                     std::rethrow_exception(failure);
                   } catch (const beast::system_error& e) {
                     outcome.error = e.code() == beast::error::timeout
                                         ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                         : e.code().message();
                   } catch (const std::exception& e) {
                     outcome.error = e.what();
                   }
                 });
  // The resolver is not bound by the stream's timer: bound the whole run too.
  io.run_for(timeout + std::chrono::seconds(1));
  if (outcome.status == 0 && outcome.error.empty()) outcome.error = "no answer within the timeout";
  return outcome;
}

}  // namespace tgmux::service
