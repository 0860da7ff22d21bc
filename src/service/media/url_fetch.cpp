#include "service/media/url_fetch.h"

// Debian 12's Boost 1.74 needs <utility> before asio's coroutine support (see api/asio.h).
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "common/error.h"
#include "crypto/random_id.h"
#include "crypto/sealed_file.h"
#include "service/media/media_spool.h"
#include "service/media/media_url.h"

namespace tgmux::service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxShownUrl = 200;

// A refusal; its message goes to the client after "media.url: ".
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One fetch, shared by its hops.
struct Job {
  const MediaFetcher::Limits& limits;
  const AddressPolicy& policy;
  const std::filesystem::path& spool_dir;
  std::string file_name;  // given by the client, or ""
  Clock::time_point deadline;
  bool answered = false;  // a response header arrived
  std::string step;       // what was under way, for a failure's message
  StagedFile staged;
};

struct Answer {
  std::string location;  // set for a redirect
};

std::string Shown(const std::string& url) {
  return url.size() <= kMaxShownUrl ? url : url.substr(0, kMaxShownUrl) + "…";
}

std::string SecondsText(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return std::to_string(timeout.count() / 1000) + " s";
  return std::to_string(timeout.count()) + " ms";
}

[[noreturn]] void TooLarge(const Job& job) {
  throw Refused("the file is larger than " + SizeText(job.limits.max_bytes));
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Every address the host stands for, each checked against the policy; the
// connection goes to exactly these.
asio::awaitable<std::vector<tcp::endpoint>> CheckedEndpoints(Job& job, const MediaUrl& url) {
  auto port = static_cast<unsigned short>(std::stoi(url.port));
  boost::system::error_code not_literal;
  auto literal = asio::ip::make_address(url.host, not_literal);
  if (!not_literal) {
    if (auto why = job.policy.Check(literal)) throw Refused(literal.to_string() + " is " + *why);
    co_return std::vector<tcp::endpoint>{{literal, port}};
  }
  job.step = "resolving " + url.host;
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto results = co_await resolver.async_resolve(url.host, url.port, tcp::resolver::numeric_service, use_awaitable);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    auto address = entry.endpoint().address();
    if (auto why = job.policy.Check(address)) {
      throw Refused(url.host + " resolves to " + address.to_string() + ", " + *why);
    }
    endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) throw Refused("cannot resolve " + url.host);
  co_return endpoints;
}

// Names the file and opens its sealed spool file once a 200 arrived.
std::unique_ptr<crypto::SealedFileWriter> Begin(Job& job, const MediaUrl& url,
                                                const http::response_parser<http::buffer_body>& parser) {
  const auto& head = parser.get();
  std::string name = job.file_name;
  if (name.empty()) name = DispositionFileName(std::string(head[http::field::content_disposition]));
  if (name.empty()) name = PathFileName(url);
  job.staged.field = "media.url";
  job.staged.file_name = SafeFileName(name);
  job.staged.content_type = std::string(head[http::field::content_type]).substr(0, 255);
  job.staged.key = crypto::SecretKey::Random();
  job.staged.path = job.spool_dir / crypto::RandomId("upload");
  return std::make_unique<crypto::SealedFileWriter>(job.staged.path, job.staged.key);
}

// Streams the body into the sealed file, one piece at a time.
template <class Stream>
asio::awaitable<void> ReadBody(Job& job, Stream& stream, beast::flat_buffer& buffer,
                               http::response_parser<http::buffer_body>& parser, crypto::SealedFileWriter& writer) {
  std::vector<char> piece(kChunk);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) TooLarge(job);
    if (ec) throw boost::system::system_error(ec);
    std::size_t got = piece.size() - parser.get().body().size;
    if (writer.size() + got > job.limits.max_bytes) TooLarge(job);
    writer.Write({piece.data(), got});
  }
  writer.Finish();
  job.staged.size = writer.size();
  if (job.staged.size == 0) throw Refused("the server sent an empty file");
}

template <class Stream>
asio::awaitable<Answer> Exchange(Job& job, Stream& stream, const MediaUrl& url) {
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.HostHeader());
  request.set(http::field::user_agent, "tgmux/" TGMUX_VERSION);
  request.set(http::field::accept, "*/*");
  request.set(http::field::accept_encoding, "identity");
  request.keep_alive(false);
  job.step = "sending the request to " + url.authority;
  co_await http::async_write(stream, request, use_awaitable);

  beast::flat_buffer buffer(2 * kChunk);  // bounded: the body goes on to the sealed file piece by piece
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(job.limits.max_bytes);
  job.step = "reading the answer of " + url.authority;
  co_await http::async_read_header(stream, buffer, parser, use_awaitable);
  job.answered = true;
  int status = parser.get().result_int();
  std::string location(parser.get()[http::field::location]);
  if (IsRedirect(status) && !location.empty()) co_return Answer{location};
  if (status != 200) throw Refused("the server answered " + std::to_string(status));
  if (auto length = parser.content_length(); length && *length > job.limits.max_bytes) TooLarge(job);
  auto writer = Begin(job, url, parser);
  co_await ReadBody(job, stream, buffer, parser, *writer);
  co_return Answer{};
}

asio::awaitable<Answer> PlainHop(Job& job, const MediaUrl& url, const std::vector<tcp::endpoint>& endpoints) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_at(job.deadline);
  job.step = "connecting to " + url.authority;
  co_await stream.async_connect(endpoints, use_awaitable);
  Answer answer = co_await Exchange(job, stream, url);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return answer;
}

asio::awaitable<Answer> TlsHop(Job& job, const MediaUrl& url, const std::vector<tcp::endpoint>& endpoints) {
  ssl::context context(ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, context);
  boost::system::error_code not_literal;
  asio::ip::make_address(url.host, not_literal);
  // SNI carries names only, never an address literal.
  if (not_literal && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw Refused("cannot set the TLS server name " + url.host);
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_at(job.deadline);
  job.step = "connecting to " + url.authority;
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_awaitable);
  job.step = "the TLS handshake with " + url.authority;
  co_await stream.async_handshake(ssl::stream_base::client, use_awaitable);
  co_return co_await Exchange(job, stream, url);
}

// Parses and checks one URL; a refusal of a redirect's target names it.
asio::awaitable<std::pair<MediaUrl, std::vector<tcp::endpoint>>> Checked(Job& job, const std::string& text,
                                                                       bool redirected) {
  std::string prefix = redirected ? "redirect to " + Shown(text) + " refused: " : "";
  try {
    MediaUrl url = ParseMediaUrl(text);
    auto endpoints = co_await CheckedEndpoints(job, url);
    co_return std::make_pair(std::move(url), std::move(endpoints));
  } catch (const std::invalid_argument& e) {
    throw Refused(prefix + e.what());
  } catch (const Refused& e) {
    throw Refused(prefix + e.what());
  }
}

asio::awaitable<void> Run(Job& job, std::string text) {
  auto hop = co_await Checked(job, text, false);
  for (int redirects = 0;; ++redirects) {
    Answer answer;
    if (hop.first.tls) {
      answer = co_await TlsHop(job, hop.first, hop.second);
    } else {
      answer = co_await PlainHop(job, hop.first, hop.second);
    }
    if (answer.location.empty()) co_return;
    if (redirects == job.limits.max_redirects) {
      throw Refused("more than " + std::to_string(job.limits.max_redirects) + " redirects");
    }
    hop = co_await Checked(job, ResolveLocation(hop.first, answer.location), true);
  }
}

[[noreturn]] void Fail(const Job& job, std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Refused& e) {
    throw Error(ErrorCode::kInvalidRequest, std::string("media.url: ") + e.what());
  } catch (const boost::system::system_error& e) {
    // Beast checks an announced Content-Length against the parser's limit with the header.
    if (e.code() == http::error::body_limit) {
      throw Error(ErrorCode::kInvalidRequest, "media.url: the file is larger than " + SizeText(job.limits.max_bytes));
    }
    if (e.code() == beast::error::timeout) {
      throw Error(ErrorCode::kInvalidRequest, "media.url: " + std::string(job.answered ? "the file did not arrive"
                                                                                        : "no answer") +
                                                  " within " + SecondsText(job.limits.timeout));
    }
    throw Error(ErrorCode::kInvalidRequest, "media.url: " + job.step + " failed: " + e.code().message());
  }
}

}  // namespace

MediaFetcher::MediaFetcher(const config::Config& config, std::filesystem::path spool_dir)
    : enabled_(config.media_fetch.enabled), spool_dir_(std::move(spool_dir)) {
  limits_.max_bytes = config.max_upload_bytes;
  limits_.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(config.media_fetch.timeout_seconds * 1000));
  std::vector<Cidr> allow;
  for (const auto& text : config.media_fetch.allow) {
    if (auto cidr = Cidr::Parse(text)) allow.push_back(*cidr);
  }
  policy_ = AddressPolicy(std::move(allow));
  if (policy_.HasExemptions()) {
    spdlog::warn("TGMUX_MEDIA_FETCH_ALLOW is set: fetches by URL may reach the listed ranges despite the address "
                 "policy; this is for tests only");
  }
}

StagedFile MediaFetcher::Fetch(const std::string& url, const std::string& file_name) const {
  if (!enabled_) {
    throw Error(ErrorCode::kInvalidRequest,
                "media.url: fetching files by URL is off on this server (TGMUX_MEDIA_FETCH=on turns it on); "
                "upload the file as multipart/form-data or send a file_id");
  }
  if (in_flight_.fetch_add(1) >= kMaxConcurrent) {
    --in_flight_;
    throw Error(ErrorCode::kFloodWait,
                "media.url: " + std::to_string(kMaxConcurrent) + " fetches by URL are under way; retry in 1 s", 1);
  }
  struct Release {
    std::atomic<int>& count;
    ~Release() { --count; }
  } release{in_flight_};
  Job job{limits_, policy_, spool_dir_, file_name, Clock::now() + limits_.timeout, false, "", {}};
  std::exception_ptr failure;
  bool done = false;
  {
    asio::io_context io;
    asio::co_spawn(io, Run(job, url), [&](std::exception_ptr e) {
      failure = e;
      done = true;
    });
    // The resolver is not bound by the stream's deadline: bound the whole run too.
    io.run_until(job.deadline + std::chrono::milliseconds(500));
  }  // an unfinished fetch ends here, its partial file removed with it
  if (!done) failure = std::make_exception_ptr(boost::system::system_error(beast::error::timeout));
  if (failure) Fail(job, failure);
  spdlog::debug("media.url: fetched {} bytes", job.staged.size);
  return std::move(job.staged);
}

}  // namespace tgmux::service
