#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "api/client_address.h"
#include "api/form_upload.h"
#include "api/http_connection.h"
#include "api/request_parsing.h"

namespace tgmux::api {

using namespace server;  // NOLINT: the connection types of api/http_connection.h

struct HttpServer::Impl {
  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)), router(r), ios(Contexts(options.network_threads)), workers(options.worker_threads),
        acceptor(*ios.front()) {}

  // One io_context per network thread, each run by that thread alone: a
  // connection lives on one of them, so its handlers need no strand, and
  // nothing it does wakes another thread (a shared context cost a futex call
  // for every other request).
  static std::vector<std::unique_ptr<asio::io_context>> Contexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < std::max(threads, 1); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
    return contexts;
  }
  // The context of the next connection, in turn.
  asio::io_context& NextContext() { return *ios[next_io++ % ios.size()]; }

  ServerOptions options;
  const Router& router;
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::atomic<std::size_t> next_io{0};
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex connections_mutex;
  std::set<std::shared_ptr<ConnectionBase>> connections;
  RequestIds ids;
  std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;  // the certificate new connections get; null: plain HTTP

  asio::awaitable<void> Accept();
  void Remember(std::shared_ptr<ConnectionBase> connection);
  void Forget(const std::shared_ptr<ConnectionBase>& connection);
  asio::awaitable<void> Handshake(std::shared_ptr<TlsConnection> connection);
  template <class C>
  asio::awaitable<void> Serve(std::shared_ptr<C> connection);
  asio::awaitable<Response> Handle(Request request);
  Request ToRequest(const http::request_header<>& header, const std::string& remote_ip, bool tls);
  // Reads the body after its header; a refusal (413, 401, 400 ...) when it
  // must not or could not be read.
  template <class C>
  asio::awaitable<std::optional<Response>> ReadBody(C& connection, beast::flat_buffer& buffer,
                                                    http::request_parser<http::empty_body>& head,
                                                    Request& request, http::request<http::string_body>& message);
  template <class C>
  asio::awaitable<std::optional<Response>> ReadUpload(C& connection, beast::flat_buffer& buffer,
                                                      http::request_parser<http::empty_body>& head,
                                                      const std::string& boundary, Request& request,
                                                      http::request<http::string_body>& message);
  template <class C>
  asio::awaitable<bool> WriteFile(C& connection, const Response& response, unsigned version,
                                  bool keep_alive, bool head, const std::string& request_id);
  template <class C>
  asio::awaitable<bool> Write(C& connection, const Response& response, unsigned version,
                              bool keep_alive, bool head, const std::string& request_id);
  template <class C>
  asio::awaitable<void> StreamBody(std::shared_ptr<C> connection, const Response& response,
                                   unsigned version, const std::string& request_id);
  template <class C>
  asio::awaitable<void> WebSocket(std::shared_ptr<C> connection, http::request<http::string_body> upgrade,
                                  std::shared_ptr<Stream> stream);
};

// Server-Sent Events and other streams: the headers, then each piece as one
// chunk until the stream ends or the client leaves.
template <class C>
asio::awaitable<void> HttpServer::Impl::StreamBody(std::shared_ptr<C> shared, const Response& response,
                                                   unsigned version, const std::string& request_id) {
  C& connection = *shared;
  http::response<http::empty_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "tgmux");
  out.set("X-Request-Id", request_id);
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.chunked(true);
  out.keep_alive(false);
  boost::system::error_code ec;
  http::response_serializer<http::empty_body> serializer(out);
  connection.Tcp().expires_after(options.read_timeout);
  co_await http::async_write_header(connection.stream, serializer, asio::redirect_error(use_awaitable, ec));
  // The client sends nothing more: a read that ends (EOF, reset) means it left,
  // which ends the stream now rather than at the next failed write.
  asio::co_spawn(
      connection.stream.get_executor(),
      [shared, stream = response.stream]() -> asio::awaitable<void> {
        char byte = 0;
        boost::system::error_code read_ec;
        co_await shared->stream.async_read_some(asio::buffer(&byte, 1), asio::redirect_error(use_awaitable, read_ec));
        stream->Closed();
      },
      asio::detached);
  while (!ec && !stopping) {
    auto piece = co_await NextPiece(*response.stream);
    if (!piece || stopping) break;
    connection.Tcp().expires_after(options.read_timeout);
    co_await asio::async_write(connection.stream, http::make_chunk(asio::buffer(*piece)),
                               asio::redirect_error(use_awaitable, ec));
  }
  if (!ec) {
    co_await asio::async_write(connection.stream, http::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
  }
}

// A WebSocket: client messages go to the stream, the stream's pieces go out as
// text messages; either side ending ends both.
template <class C>
asio::awaitable<void> HttpServer::Impl::WebSocket(std::shared_ptr<C> connection,
                                                  http::request<http::string_body> upgrade,
                                                  std::shared_ptr<Stream> stream) {
  namespace websocket = beast::websocket;
  connection->Tcp().expires_never();
  // Over the connection's stream (by reference: the connection keeps owning it).
  auto ws = std::make_shared<websocket::stream<decltype(connection->stream)&>>(connection->stream);
  ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws->read_message_max(64 * 1024);
  boost::system::error_code ec;
  co_await ws->async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  auto open = std::make_shared<bool>(true);
  asio::co_spawn(
      ws->get_executor(),
      [connection, ws, stream, open]() -> asio::awaitable<void> {
        beast::flat_buffer buffer;
        boost::system::error_code read_ec;
        while (*open) {
          co_await ws->async_read(buffer, asio::redirect_error(use_awaitable, read_ec));
          if (read_ec) break;
          stream->Received(beast::buffers_to_string(buffer.data()));
          buffer.consume(buffer.size());
        }
        *open = false;
        stream->Closed();  // wakes the writer now rather than at its next piece
      },
      asio::detached);
  ws->text(true);
  while (*open && !stopping) {
    auto piece = co_await NextPiece(*stream);
    if (!piece || !*open || stopping) break;
    co_await ws->async_write(asio::buffer(*piece), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  *open = false;
  if (!ec) co_await ws->async_close(websocket::close_code::going_away, asio::redirect_error(use_awaitable, ec));
}

asio::awaitable<void> HttpServer::Impl::Accept() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(NextContext(), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    std::shared_ptr<ssl::context> context;
    {
      std::lock_guard lock(tls_mutex);
      context = tls;
    }
    // Without this, Nagle's algorithm holds a small write while an earlier one
    // is unacknowledged: TLS records of one response, and each event an SSE or
    // WebSocket stream writes after the previous one (tens of milliseconds).
    socket.set_option(tcp::no_delay(true), ec);
    if (context) {
      auto connection = std::make_shared<TlsConnection>(std::move(socket), std::move(context));
      Remember(connection);
      asio::co_spawn(connection->stream.get_executor(), Handshake(connection), asio::detached);
    } else {
      auto connection = std::make_shared<PlainConnection>(std::move(socket));
      Remember(connection);
      asio::co_spawn(connection->stream.get_executor(), Serve(connection), asio::detached);
    }
  }
}

void HttpServer::Impl::Remember(std::shared_ptr<ConnectionBase> connection) {
  std::lock_guard lock(connections_mutex);
  connections.insert(std::move(connection));
}

void HttpServer::Impl::Forget(const std::shared_ptr<ConnectionBase>& connection) {
  std::lock_guard lock(connections_mutex);
  connections.erase(connection);
}

// The TLS handshake, bounded like a read; a client that fails it (plain HTTP
// on the HTTPS port, an old protocol, a scanner) is dropped without an answer.
asio::awaitable<void> HttpServer::Impl::Handshake(std::shared_ptr<TlsConnection> connection) {
  boost::system::error_code ec;
  connection->Tcp().expires_after(options.read_timeout);
  co_await connection->stream.async_handshake(ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    spdlog::debug("TLS handshake failed: {}", ec.message());
    connection->Tcp().socket().close(ec);
    Forget(connection);
    co_return;
  }
  co_await Serve(connection);
}

asio::awaitable<Response> HttpServer::Impl::Handle(Request request) {
  // Handlers run on the worker pool; the answer comes back to this connection's thread.
  auto response = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
      [this, &request](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        asio::post(workers, [this, request = std::move(request), shared]() mutable {
          router.Dispatch(std::move(request), Reply([shared](Response r) {
            auto executor = asio::get_associated_executor(*shared);
            asio::post(executor, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
          }));
        });
      },
      use_awaitable);
  co_return response;
}

template <class C>
asio::awaitable<bool> HttpServer::Impl::Write(C& connection, const Response& response, unsigned version,
                                              bool keep_alive, bool head, const std::string& request_id) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "tgmux");
  out.set("X-Request-Id", request_id);
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.body() = response.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  if (head) out.body().clear();
  boost::system::error_code ec;
  connection.Tcp().expires_after(options.read_timeout);
  if (head) {
    http::response_serializer<http::string_body> serializer(out);
    co_await http::async_write_header(connection.stream, serializer, asio::redirect_error(use_awaitable, ec));
  } else {
    co_await http::async_write(connection.stream, out, asio::redirect_error(use_awaitable, ec));
  }
  co_return !ec;
}

template <class C>
asio::awaitable<std::optional<Response>> HttpServer::Impl::ReadBody(C& connection, beast::flat_buffer& buffer,
                                                                    http::request_parser<http::empty_body>& head,
                                                                    Request& request,
                                                                    http::request<http::string_body>& message) {
  std::optional<std::string> boundary;
  try {
    if (router.TakesUpload(request)) boundary = FormDataBoundary(request.Header("content-type"));
  } catch (const Error& e) {
    co_return Response::Problem(e, request.path);
  }
  const std::size_t limit = boundary ? options.upload_limit : options.body_limit;
  // Refused before a byte of the body is read, and before 100 Continue invites it.
  if (auto length = head.content_length(); length && *length > limit) co_return PayloadTooLarge(limit);
  boost::system::error_code ec;
  if (ToLower(request.Header("expect")) == "100-continue") {
    http::response<http::empty_body> go_on{http::status::continue_, head.get().version()};
    co_await http::async_write(connection.stream, go_on, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return ReadFailure(ec, limit);
  }
  if (boundary) co_return co_await ReadUpload(connection, buffer, head, *boundary, request, message);
  if (head.is_done()) {  // no body (a GET): nothing more to read, and no trip through the io_context for it
    message = http::request<http::string_body>(std::move(head.release().base()));
    co_return std::nullopt;
  }
  http::request_parser<http::string_body> parser(std::move(head));
  parser.body_limit(limit);
  connection.Tcp().expires_after(options.read_timeout);
  co_await http::async_read(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return ReadFailure(ec, limit);
  message = parser.release();
  request.body = std::move(message.body());
  co_return std::nullopt;
}

// A multipart body, received piece by piece into sealed files (FormUploadSink),
// so that memory stays flat however large the upload.
template <class C>
asio::awaitable<std::optional<Response>> HttpServer::Impl::ReadUpload(C& connection,
                                                                      beast::flat_buffer& buffer,
                                                                      http::request_parser<http::empty_body>& head,
                                                                      const std::string& boundary, Request& request,
                                                                      http::request<http::string_body>& message) {
  http::request_parser<http::buffer_body> parser(std::move(head));
  parser.body_limit(options.upload_limit);
  FormUploadSink sink(options.upload_dir);
  MultipartParser multipart(boundary, sink);
  std::vector<char> piece(64 * 1024);
  boost::system::error_code ec;
  try {
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      connection.Tcp().expires_after(options.read_timeout);
      co_await http::async_read(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return ReadFailure(ec, options.upload_limit);
      multipart.Feed(std::string_view(piece.data(), piece.size() - parser.get().body().size));
    }
    multipart.Finish();
  } catch (const Error& e) {
    co_return Response::Problem(e, request.path);
  } catch (const std::exception& e) {
    spdlog::error("request_id={} upload failed: {}", request.request_id, e.what());
    co_return Response::Problem(Error(ErrorCode::kInternal, "the upload could not be stored"), request.path);
  }
  request.form = sink.Take();
  message = http::request<http::string_body>(std::move(parser.get().base()));
  co_return std::nullopt;
}

template <class C>
asio::awaitable<bool> HttpServer::Impl::WriteFile(C& connection, const Response& response, unsigned version,
                                                  bool keep_alive, bool head, const std::string& request_id) {
  const auto& range = *response.file;
  int fd = ::open(range.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    spdlog::error("request_id={} cannot open {}", request_id, range.path.string());
    co_return co_await Write(connection, ProblemForStatus(500), version, false, head, request_id);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  http::response<http::empty_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "tgmux");
  out.set("X-Request-Id", request_id);
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.content_length(range.length);
  out.keep_alive(keep_alive);
  boost::system::error_code ec;
  http::response_serializer<http::empty_body> serializer(out);
  connection.Tcp().expires_after(options.read_timeout);
  co_await http::async_write_header(connection.stream, serializer, asio::redirect_error(use_awaitable, ec));
  std::vector<char> piece(64 * 1024);
  std::uint64_t offset = range.offset, left = head ? 0 : range.length;
  while (!ec && left > 0) {
    ssize_t got = ::pread(fd, piece.data(), std::min<std::uint64_t>(piece.size(), left), static_cast<off_t>(offset));
    if (got <= 0) co_return false;  // the file shrank: the client sees a short body
    connection.Tcp().expires_after(options.read_timeout);
    co_await asio::async_write(connection.stream, asio::buffer(piece.data(), static_cast<std::size_t>(got)),
                               asio::redirect_error(use_awaitable, ec));
    offset += static_cast<std::uint64_t>(got);
    left -= static_cast<std::uint64_t>(got);
  }
  co_return !ec;
}

template <class C>
asio::awaitable<void> HttpServer::Impl::Serve(std::shared_ptr<C> connection) {
  constexpr bool kTls = std::is_same_v<C, TlsConnection>;
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::string remote_ip = connection->Tcp().socket().remote_endpoint(ec).address().to_string();
  for (;;) {
    http::request_parser<http::empty_body> head;
    // The route decides, in ReadBody. (Not boost::none: Beast 1.74 compares a
    // length with the optional itself, and every length is "over" none.)
    head.body_limit(std::numeric_limits<std::uint64_t>::max());
    head.header_limit(static_cast<std::uint32_t>(options.header_limit));
    connection->Tcp().expires_after(options.read_timeout);
    co_await http::async_read_header(connection->stream, buffer, head, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (auto status = StatusForReadError(ec)) {
        if (co_await Write(*connection, ProblemForStatus(*status), 11, false, false, ids.Next())) {
          co_await LingeringClose(*connection);
        }
      }
      break;
    }
    connection->busy = true;
    ++in_flight;
    Request request = ToRequest(head.get(), remote_ip, kTls);
    std::string request_id = request.request_id;
    const unsigned version = head.get().version();
    http::request<http::string_body> message;
    if (auto refusal = co_await ReadBody(*connection, buffer, head, request, message)) {
      if (refusal->status != 0 && co_await Write(*connection, *refusal, version, false, false, request_id)) {
        co_await LingeringClose(*connection);
      }
      --in_flight;
      break;
    }
    bool head_only = message.method() == http::verb::head;
    // What can be answered from memory is answered here, without the trip to the workers and back.
    // (Not a conditional expression around co_await: GCC 12 miscompiles that.)
    std::optional<Response> quick = router.TryQuick(request);
    Response response;
    if (quick) {
      response = std::move(*quick);
    } else {
      response = co_await Handle(std::move(request));
    }
    if (response.stream) {
      // Long-lived: it does not hold up a graceful stop, which ends it instead.
      connection->streaming = response.stream;
      connection->busy = false;
      --in_flight;
      if (response.websocket && beast::websocket::is_upgrade(message)) {
        co_await WebSocket(connection, std::move(message), response.stream);
      } else {
        co_await StreamBody(connection, response, message.version(), request_id);
      }
      response.stream->Closed();
      connection->streaming.reset();
      break;
    }
    bool keep_alive = message.keep_alive() && !stopping;
    bool written = response.file
                       ? co_await WriteFile(*connection, response, message.version(), keep_alive, head_only, request_id)
                       : co_await Write(*connection, response, message.version(), keep_alive, head_only, request_id);
    connection->busy = false;
    --in_flight;
    if (!written || !keep_alive) break;
  }
  if constexpr (kTls) {
    // close_notify, so that the client tells an end from a truncation; briefly.
    connection->Tcp().expires_after(std::chrono::seconds(2));
    co_await connection->stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
  }
  connection->Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  Forget(connection);
}

Request HttpServer::Impl::ToRequest(const http::request_header<>& header, const std::string& remote_ip, bool tls) {
  Request request;
  request.method = std::string(header.method_string());
  if (request.method == "HEAD") request.method = "GET";
  auto target = header.target();
  SplitTarget(std::string_view(target.data(), target.size()), request.path, request.query);
  for (const auto& field : header) {
    auto name = field.name_string();
    request.headers[ToLower(std::string_view(name.data(), name.size()))] = std::string(field.value());
  }
  bool forwarding = !request.Header("x-forwarded-for").empty() || !request.Header("forwarded").empty() ||
                    !request.Header("x-forwarded-proto").empty() || !request.Header("x-real-ip").empty();
  auto client = ResolveClient(options.trusted_proxies, remote_ip, request.Header("x-forwarded-for"),
                              request.Header("x-forwarded-proto"), forwarding);
  request.remote_ip = client.ip;
  request.secure = client.secure || tls;
  request.untrusted_forward = client.untrusted_forward;
  request.request_id = ids.Accept(request.Header("x-request-id"));
  return request;
}

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

std::uint16_t HttpServer::Start() {
  auto& s = *impl_;
  std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (s.options.tls.enabled()) {
    auto context = LoadTlsContext(s.options.tls);
    spdlog::info("TLS: serving the certificate {}", DescribeCertificate(*context));
    std::lock_guard lock(s.tls_mutex);
    s.tls = std::move(context);
  }
  try {
    tcp::resolver resolver(*s.ios.front());
    auto endpoint = resolver.resolve(s.options.host, std::to_string(s.options.port))->endpoint();
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + where + ": " + e.code().message());
  }
  asio::co_spawn(*s.ios.front(), s.Accept(), asio::detached);
  for (auto& io : s.ios) {
    // Kept running while it has no connection yet (until Stop).
    s.threads.emplace_back([&io = *io, work = asio::make_work_guard(*io)] { io.run(); });
  }
  return s.acceptor.local_endpoint().port();
}

std::string HttpServer::ReloadTls() {
  auto& s = *impl_;
  if (!s.options.tls.enabled()) throw TlsError("TGMUX_TLS_CERT: not set; tgmux serves plain HTTP");
  auto context = LoadTlsContext(s.options.tls);
  std::string described = DescribeCertificate(*context);
  std::lock_guard lock(s.tls_mutex);
  s.tls = std::move(context);
  return described;
}

void HttpServer::Stop(std::chrono::milliseconds grace) {
  auto& s = *impl_;
  if (s.stopping.exchange(true)) return;
  asio::post(*s.ios.front(), [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
  });
  {
    std::lock_guard lock(s.connections_mutex);
    for (const auto& connection : s.connections) {
      asio::post(connection->Executor(), [connection] {
        if (connection->streaming) connection->streaming->Closed();
        if (!connection->busy) connection->Cancel();
      });
    }
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (s.in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& io : s.ios) io->stop();
  for (auto& thread : s.threads) thread.join();
  s.threads.clear();
  s.workers.stop();
  s.workers.join();
}

}  // namespace tgmux::api
