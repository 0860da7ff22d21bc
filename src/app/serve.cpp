#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>

#include "api/http_server.h"
#include "api/message_json.h"
#include "api/openapi/docs_routes.h"
#include "api/routes.h"
#include "app/data_dir_lock.h"
#include "bots/bot_front.h"
#include "common/error.h"
#include "common/log.h"
#include "compat/compat_routes.h"
#include "mcp/endpoint.h"
#include "service/services.h"
#include "web/web_routes.h"

namespace tgmux::app {

int Serve(const config::Config& config, const sigset_t& stop_signals) {
  log::Setup(config.log_level, config.log_format);
  config::CheckEnvironment(config);
  const api::TlsFiles tls{config.tls_cert, config.tls_key};
  if (tls.enabled()) {
    try {
      api::LoadTlsContext(tls);  // only to stop now, before anything starts, when the files are bad
    } catch (const api::TlsError& e) {
      std::cerr << "tgmux: " << e.what() << std::endl;
      return 2;
    }
  }
  if (!config.node_url.empty() && config.postgres.empty()) {
    std::cerr << "tgmux: TGMUX_NODE_URL: several nodes share one PostgreSQL; set TGMUX_STORE=postgres://… too"
              << std::endl;
    return 2;
  }
  mcp::EndpointOptions mcp_options{config.cors_origins};
  try {
    mcp_options.calls_per_minute = mcp::CallsPerMinuteSetting(config::ProcessEnvironment());
  } catch (const config::ConfigError& e) {
    std::cerr << "tgmux: " << e.what() << std::endl;
    return 2;
  }
  // One tgmux per data directory, before anything in it changes; held until
  // everything else is closed (declared first, destroyed last).
  std::optional<DataDirLock> lock;
  try {
    lock.emplace(config.data_dir);
  } catch (const DataDirLockError& e) {
    std::cerr << "tgmux: " << e.what() << std::endl;
    return 2;
  }
  std::unique_ptr<service::Infrastructure> infra;
  try {
    infra = std::make_unique<service::Infrastructure>(config);
  } catch (const service::StartupError& e) {
    std::cerr << "tgmux: " << e.what() << std::endl;
    return 2;
  }
  auto services = std::make_unique<service::Services>(*infra, api::EventMessageShapes());
  try {
    services->auth.Bootstrap();
  } catch (const Error& e) {
    std::cerr << "tgmux: TGMUX_ADMIN_EMAIL: " << e.what() << std::endl;
    return 2;
  }
  if (!config.auth.enabled) {
    spdlog::warn("TGMUX_AUTH=off: the API on {} answers anyone without credentials, as the owner of tenant "
                 "\"default\"; never expose this port", config.Listen());
    std::cerr << "tgmux: WARNING: authentication is OFF (TGMUX_AUTH=off); anyone who can reach "
              << config.Listen() << " controls every account" << std::endl;
  }
  services->accounts.RestoreAll();
  try {
    services->cluster.Start();
  } catch (const std::exception& e) {
    std::cerr << "tgmux: TGMUX_NODE_URL: this node cannot join: " << e.what() << std::endl;
    return 2;
  }
  services->health.Start();
  auto bot_front = std::make_unique<bots::BotFront>(*services);
  services->bots.RestoreAll();
  try {
    services->bots.ApplyConfigured(config.bots);
  } catch (const Error& e) {
    std::cerr << "tgmux: " << e.what() << std::endl;
    return 2;
  }
  services->outbox.Resume();
  services->webhooks.Start();
  api::Router router(infra->metrics());
  router.SetCorsOrigins(config.cors_origins);
  api::RegisterAllRoutes(router, *services);
  compat::RegisterCompatRoutes(router, *services, config.compat);
  mcp::RegisterMcpRoutes(router, *services, std::move(mcp_options));
  auto assets = config.web_dir.empty() ? web::Assets::Embedded() : web::Assets::FromFolder(config.web_dir);
  web::RegisterWebRoutes(router, assets);
  api::openapi::RegisterDocsRoutes(router, config.compat);
  api::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.upload_limit = static_cast<std::size_t>(config.max_upload_bytes);
  options.upload_dir = services->spool.upload_dir();
  for (const auto& cidr : config.trusted_proxies) options.trusted_proxies.push_back(*service::Cidr::Parse(cidr));
  options.tls = tls;
  api::HttpServer server(options, router);
  std::uint16_t port = 0;
  try {
    port = server.Start();
  } catch (const api::TlsError& e) {
    std::cerr << "tgmux: " << e.what() << std::endl;
    return 2;
  } catch (const std::runtime_error& e) {
    std::cerr << "tgmux: TGMUX_LISTEN: " << e.what() << std::endl;
    return 2;
  }
  std::string host = config.listen_host.find(':') != std::string::npos ? "[" + config.listen_host + "]"
                                                                        : config.listen_host;
  const char* scheme = tls.enabled() ? "https" : "http";
  std::cout << "tgmux listening on " << scheme << "://" << host << ":" << port << std::endl;
  spdlog::info("listening on {}://{}:{} (data in {})", scheme, host, port, config.data_dir.string());

  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    if (!tls.enabled()) {
      spdlog::info("SIGHUP: nothing to reload (no TGMUX_TLS_CERT)");
      continue;
    }
    try {
      spdlog::info("SIGHUP: TLS files reloaded; new connections get {}", server.ReloadTls());
    } catch (const api::TlsError& e) {
      spdlog::error("SIGHUP: TLS files not reloaded, the previous certificate stays: {}", e.what());
    }
  }
  spdlog::info("received {}: shutting down", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  services->BeginShutdown();
  server.Stop(std::chrono::seconds(5));
  bot_front.reset();
  services->Shutdown();
  infra->Shutdown(std::chrono::seconds(10));
  services.reset();
  infra.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace tgmux::app
