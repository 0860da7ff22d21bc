#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <limits>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "api/asio.h"
#include "api/client_address.h"
#include "api/form_upload.h"
#include "api/request_parsing.h"

namespace tgmux::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

// Read errors that deserve an answer before the connection closes.
std::optional<int> StatusForReadError(const boost::system::error_code& ec) {
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
Response ReadFailure(const boost::system::error_code& ec, std::size_t limit) {
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

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // touched only on the connection's strand
  std::shared_ptr<Stream> streaming;  // an SSE or WebSocket stream in progress; set on the strand
};

// Waits for a stream's next piece; the answer comes back on the caller's strand.
asio::awaitable<std::optional<std::string>> NextPiece(Stream& stream) {
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
asio::awaitable<void> LingeringClose(Connection& connection) {
  boost::system::error_code ec;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connection.stream.expires_after(kLingerTime);
  std::array<char, 64 * 1024> sink;
  std::size_t dropped = 0;
  while (!ec && dropped < kLingerBytes) {
    dropped += co_await connection.stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, const Router& r) : options(std::move(o)), router(r), io(options.network_threads),
                                            workers(options.worker_threads), acceptor(io) {}

  ServerOptions options;
  const Router& router;
  asio::io_context io;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex connections_mutex;
  std::set<std::shared_ptr<Connection>> connections;
  RequestIds ids;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  asio::awaitable<Response> Handle(Request request);
  Request ToRequest(const http::request_header<>& header, const std::string& remote_ip);
  // Reads the body after its header; a refusal (413, 401, 400 ...) when it
  // must not or could not be read.
  asio::awaitable<std::optional<Response>> ReadBody(Connection& connection, beast::flat_buffer& buffer,
                                                    http::request_parser<http::empty_body>& head,
                                                    Request& request, http::request<http::string_body>& message);
  asio::awaitable<std::optional<Response>> ReadUpload(Connection& connection, beast::flat_buffer& buffer,
                                                      http::request_parser<http::empty_body>& head,
                                                      const std::string& boundary, Request& request,
                                                      http::request<http::string_body>& message);
  asio::awaitable<bool> WriteFile(Connection& connection, const Response& response, unsigned version,
                                  bool keep_alive, bool head, const std::string& request_id);
  asio::awaitable<bool> Write(Connection& connection, const Response& response, unsigned version,
                              bool keep_alive, bool head, const std::string& request_id);
  asio::awaitable<void> StreamBody(std::shared_ptr<Connection> connection, const Response& response,
                                   unsigned version, const std::string& request_id);
  asio::awaitable<void> WebSocket(std::shared_ptr<Connection> connection, http::request<http::string_body> upgrade,
                                  std::shared_ptr<Stream> stream);
};

// Server-Sent Events and other streams: the headers, then each piece as one
// chunk until the stream ends or the client leaves.
asio::awaitable<void> HttpServer::Impl::StreamBody(std::shared_ptr<Connection> shared, const Response& response,
                                                   unsigned version, const std::string& request_id) {
  Connection& connection = *shared;
  http::response<http::empty_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "tgmux");
  out.set("X-Request-Id", request_id);
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.chunked(true);
  out.keep_alive(false);
  boost::system::error_code ec;
  http::response_serializer<http::empty_body> serializer(out);
  connection.stream.expires_after(options.read_timeout);
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
    connection.stream.expires_after(options.read_timeout);
    co_await asio::async_write(connection.stream, http::make_chunk(asio::buffer(*piece)),
                               asio::redirect_error(use_awaitable, ec));
  }
  if (!ec) {
    co_await asio::async_write(connection.stream, http::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
  }
}

// A WebSocket: client messages go to the stream, the stream's pieces go out as
// text messages; either side ending ends both.
asio::awaitable<void> HttpServer::Impl::WebSocket(std::shared_ptr<Connection> connection,
                                                  http::request<http::string_body> upgrade,
                                                  std::shared_ptr<Stream> stream) {
  namespace websocket = beast::websocket;
  connection->stream.expires_never();
  // Over the connection's stream (by reference: the connection keeps owning it).
  auto ws = std::make_shared<websocket::stream<beast::tcp_stream&>>(connection->stream);
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
    tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex);
      connections.insert(connection);
    }
    asio::co_spawn(connection->stream.get_executor(), Serve(connection), asio::detached);
  }
}

asio::awaitable<Response> HttpServer::Impl::Handle(Request request) {
  // Handlers run on the worker pool; the answer comes back to this connection's strand.
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

asio::awaitable<bool> HttpServer::Impl::Write(Connection& connection, const Response& response, unsigned version,
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
  connection.stream.expires_after(options.read_timeout);
  if (head) {
    http::response_serializer<http::string_body> serializer(out);
    co_await http::async_write_header(connection.stream, serializer, asio::redirect_error(use_awaitable, ec));
  } else {
    co_await http::async_write(connection.stream, out, asio::redirect_error(use_awaitable, ec));
  }
  co_return !ec;
}

asio::awaitable<std::optional<Response>> HttpServer::Impl::ReadBody(Connection& connection, beast::flat_buffer& buffer,
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
  http::request_parser<http::string_body> parser(std::move(head));
  parser.body_limit(limit);
  connection.stream.expires_after(options.read_timeout);
  co_await http::async_read(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return ReadFailure(ec, limit);
  message = parser.release();
  request.body = std::move(message.body());
  co_return std::nullopt;
}

// A multipart body, received piece by piece into sealed files (FormUploadSink),
// so that memory stays flat however large the upload.
asio::awaitable<std::optional<Response>> HttpServer::Impl::ReadUpload(Connection& connection,
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
      connection.stream.expires_after(options.read_timeout);
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

asio::awaitable<bool> HttpServer::Impl::WriteFile(Connection& connection, const Response& response, unsigned version,
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
  connection.stream.expires_after(options.read_timeout);
  co_await http::async_write_header(connection.stream, serializer, asio::redirect_error(use_awaitable, ec));
  std::vector<char> piece(64 * 1024);
  std::uint64_t offset = range.offset, left = head ? 0 : range.length;
  while (!ec && left > 0) {
    ssize_t got = ::pread(fd, piece.data(), std::min<std::uint64_t>(piece.size(), left), static_cast<off_t>(offset));
    if (got <= 0) co_return false;  // the file shrank: the client sees a short body
    connection.stream.expires_after(options.read_timeout);
    co_await asio::async_write(connection.stream, asio::buffer(piece.data(), static_cast<std::size_t>(got)),
                               asio::redirect_error(use_awaitable, ec));
    offset += static_cast<std::uint64_t>(got);
    left -= static_cast<std::uint64_t>(got);
  }
  co_return !ec;
}

asio::awaitable<void> HttpServer::Impl::Serve(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::string remote_ip = connection->stream.socket().remote_endpoint(ec).address().to_string();
  for (;;) {
    http::request_parser<http::empty_body> head;
    // The route decides, in ReadBody. (Not boost::none: Beast 1.74 compares a
    // length with the optional itself, and every length is "over" none.)
    head.body_limit(std::numeric_limits<std::uint64_t>::max());
    head.header_limit(static_cast<std::uint32_t>(options.header_limit));
    connection->stream.expires_after(options.read_timeout);
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
    Request request = ToRequest(head.get(), remote_ip);
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
    Response response = co_await Handle(std::move(request));
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
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::lock_guard lock(connections_mutex);
  connections.erase(connection);
}

Request HttpServer::Impl::ToRequest(const http::request_header<>& header, const std::string& remote_ip) {
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
  request.secure = client.secure;
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
  try {
    tcp::resolver resolver(s.io);
    auto endpoint = resolver.resolve(s.options.host, std::to_string(s.options.port))->endpoint();
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + where + ": " + e.code().message());
  }
  asio::co_spawn(s.io, s.Accept(), asio::detached);
  for (int i = 0; i < s.options.network_threads; ++i) s.threads.emplace_back([&s] { s.io.run(); });
  return s.acceptor.local_endpoint().port();
}

void HttpServer::Stop(std::chrono::milliseconds grace) {
  auto& s = *impl_;
  if (s.stopping.exchange(true)) return;
  asio::post(s.io, [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
  });
  {
    std::lock_guard lock(s.connections_mutex);
    for (const auto& connection : s.connections) {
      asio::post(connection->stream.get_executor(), [connection] {
        if (connection->streaming) connection->streaming->Closed();
        if (!connection->busy) connection->stream.cancel();
      });
    }
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (s.in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.io.stop();
  for (auto& thread : s.threads) thread.join();
  s.threads.clear();
  s.workers.stop();
  s.workers.join();
}

}  // namespace tgmux::api
