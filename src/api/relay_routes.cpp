// /v1/accounts/{id}/relay: the work-group relay's settings and its backlog
// (docs/relay.md). The conversations it mirrors are /v1/dialogs (dialog_routes.cpp).
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);

}  // namespace

void RegisterRelayRoutes(Router& router, service::Services& s) {
  router.Add("PUT", "/v1/accounts/{id}/relay", kManage, [&s](const Request& r, const Reply& reply) {
    // The bot checks the group first (its rights, topics): that takes a moment.
    s.relay.Configure(TenantOf(r), r.params.at("id"), r.JsonBody(),
                      [&s, reply, path = r.path](telegram::Result<store::Relay> relay) {
                        if (!relay.ok()) return reply.Fail(relay.error(), path);
                        const auto& row = relay.value();
                        reply(Response::Json(200, service::relay::RelayJson(row, s.relay.Backlog(row.account_id))));
                      });
  });
  router.Add("GET", "/v1/accounts/{id}/relay", kRead, [&s](const Request& r, const Reply& reply) {
    auto relay = s.relay.Get(TenantOf(r), r.params.at("id"));
    reply(Response::Json(200, service::relay::RelayJson(relay, s.relay.Backlog(relay.account_id))));
  });
  router.Add("DELETE", "/v1/accounts/{id}/relay", kManage, [&s](const Request& r, const Reply& reply) {
    s.relay.Stop(TenantOf(r), r.params.at("id"));
    reply(Response::NoContent());
  });
}

}  // namespace tgmux::api
