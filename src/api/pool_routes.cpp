// /v1/pools: account pools, their settings and which accounts may send now
// (docs/pools.md). An account joins a pool by PATCH /v1/accounts/{id} {"pool"}.
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};

}  // namespace

void RegisterPoolRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/pools", kRead, [&s](const Request& r, const Reply& reply) {
    auto pools = s.pools.List(TenantOf(r));
    auto name_of = [](const nlohmann::json& pool) { return pool["name"].get<std::string>(); };
    auto same = [](const nlohmann::json& pool) { return pool; };
    reply(Response::Json(200, SlicePage(pools, ReadPage(r, kPage), name_of, same)));
  });
  router.Add("GET", "/v1/pools/{name}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, s.pools.Get(TenantOf(r), r.params.at("name"))));
  });
  router.Add("PATCH", "/v1/pools/{name}", kManage, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, s.pools.Update(TenantOf(r), r.params.at("name"), r.JsonBody())));
  });
}

}  // namespace tgmux::api
