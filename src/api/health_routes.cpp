#include <spdlog/spdlog.h>

#include <chrono>

#include "api/browser_session.h"
#include "api/routes.h"

namespace tgmux::api {

void RegisterHealthRoutes(Router& router, service::Infrastructure& infra) {
  // Answered on the network thread: nothing here can block.
  auto healthy = [](const Request&) -> std::optional<Response> { return Response::Json(200, {{"status", "ok"}}); };
  router.AddQuick("GET", "/healthz", Access::Public(), healthy,
                  [healthy](const Request& r, const Reply& reply) { reply(*healthy(r)); });

  router.Add("GET", "/readyz", Access::Public(), [&infra](const Request&, const Reply& reply) {
    nlohmann::json body = {
        {"tdlib", {{"loaded", true}, {"version", infra.tdlib_version()}}},
        {"telegram_configured", infra.config().telegram.Configured()},
        {"version", TGMUX_VERSION},
    };
    const char* kind = infra.config().postgres.empty() ? "sqlite" : "postgres";
    try {
      body["store"] = {{"kind", kind}, {"ok", true}, {"schema_version", infra.store().SchemaVersion()}};
      body["status"] = "ready";
      reply(Response::Json(200, body));
    } catch (const std::exception& e) {
      // The route is public: the detail (paths, SQLite's text) is for the operator's log only.
      spdlog::error("readyz: the store failed: {}", e.what());
      body["store"] = {{"kind", kind}, {"ok", false}, {"reason", "the store cannot be read; see the log"}};
      body["status"] = "not_ready";
      reply(Response::Json(503, body));
    }
  });

  router.Add("GET", "/metrics", Access::Public(), [&infra](const Request&, const Reply& reply) {
    reply(Response::Text(200, infra.metrics().Render(), "text/plain; version=0.0.4; charset=utf-8"));
  });
}

void RegisterAllRoutes(Router& router, service::Services& services) {
  RegisterHealthRoutes(router, services.infra);
  RegisterLoginRoutes(router, services);
  RegisterAccountRoutes(router, services);
  RegisterMessageRoutes(router, services);
  RegisterFileRoutes(router, services);
  RegisterChatRoutes(router, services);
  RegisterEventRoutes(router, services);
  RegisterWebhookRoutes(router, services);
  RegisterBotRoutes(router, services);
  RegisterWatchRoutes(router, services);
  RegisterRelayRoutes(router, services);
  RegisterPoolRoutes(router, services);
  RegisterDialogRoutes(router, services);
  RegisterNotificationRoutes(router, services);
  RegisterAuthRoutes(router, services);
  RegisterSessionRoutes(router, services);
  RegisterTenantRoutes(router, services);
  RegisterClusterRoutes(router, services);
  router.SetAuthenticator([&services](const Request& r) { return AuthenticateRequest(services.auth, r); });
  router.SetQuickAuthenticator([&services](const Request& r) { return QuickPrincipal(services.auth, r); });
}

}  // namespace tgmux::api
