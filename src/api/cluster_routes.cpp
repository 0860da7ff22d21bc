// /v1/cluster: the nodes sharing this PostgreSQL and what each runs
// (docs/cluster.md). For the installation's owners (owners of the first
// tenant, "default"), never for other tenants.
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {

void RegisterClusterRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/cluster", Access::AtLeast(service::Role::kOwner), [&s](const Request& r, const Reply& reply) {
    if (TenantOf(r) != "default") {
      throw Error(ErrorCode::kForbidden, "only the installation's owners (of tenant \"default\") see its nodes");
    }
    nlohmann::json items = nlohmann::json::array();
    if (s.cluster.enabled()) {
      for (const auto& view : s.cluster.Nodes()) {
        items.push_back({{"id", view.node.id},
                         {"url", view.node.url},
                         {"alive", view.alive},
                         {"self", view.self},
                         {"accounts", view.node.accounts},
                         {"started_at", Timestamp(view.node.started_at / 1000)},
                         {"heartbeat_at", Timestamp(view.node.heartbeat_at / 1000)}});
      }
    }
    reply(Response::Json(200, {{"enabled", s.cluster.enabled()},
                               {"node_id", s.cluster.enabled() ? nlohmann::json(s.cluster.node_id()) : nullptr},
                               {"lease_ttl", s.infra.config().lease_ttl_seconds},
                               {"items", std::move(items)}}));
  });
}

}  // namespace tgmux::api
