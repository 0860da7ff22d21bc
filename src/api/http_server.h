// The HTTP server: Boost.Beast with C++20 coroutines, one io_context per
// network thread (a connection stays on one), keep-alive, request size limits
// and read timeouts. Handlers run on a separate worker pool so that blocking
// work never stalls network threads.
// With TLS files (api/tls.h) every connection is HTTPS (TLS 1.2 at least);
// ReloadTls swaps the certificate for the connections accepted afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api/router.h"
#include "api/tls.h"
#include "service/media/address_policy.h"

namespace tgmux::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t body_limit = 1 << 20;     // larger bodies get 413
  std::size_t upload_limit = 50 << 20;  // multipart bodies on upload routes (Router::AddUpload)
  std::filesystem::path upload_dir;     // where their files are sealed while they wait
  std::size_t header_limit = 16 << 10;  // larger headers get 431
  std::chrono::seconds read_timeout{30};
  int network_threads = 2;
  int worker_threads = 4;
  std::vector<service::Cidr> trusted_proxies;  // whose X-Forwarded-For/-Proto are believed
  TlsFiles tls;  // set: serve HTTPS only
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router);
  ~HttpServer();

  // Binds and starts serving; returns the bound port. Throws TlsError for TLS
  // files that cannot be used, std::runtime_error "cannot listen on
  // HOST:PORT: reason".
  std::uint16_t Start();
  // Reads the TLS files again: connections accepted from now on get the new
  // certificate, open ones keep theirs. Returns the new certificate's
  // description; throws TlsError (and keeps the old one) when they cannot be used.
  std::string ReloadTls();
  // Stops accepting and closes idle connections; requests in flight still get
  // their answers for up to `grace`. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tgmux::api
