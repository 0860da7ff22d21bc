// /v1/accounts/{id}/relay and /v1/dialogs: the work-group relay's settings,
// its backlog, and the conversations it mirrors (docs/relay.md).
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};
constexpr int kDialogWindow = 5000;  // the latest dialogs a listing pages through

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
  router.Add("GET", "/v1/dialogs", kRead, [&s](const Request& r, const Reply& reply) {
    auto account = r.query.find("account_id");
    auto dialogs = s.relay.Dialogs(TenantOf(r), account == r.query.end() ? "" : account->second, 0, kDialogWindow);
    auto id_of = [](const store::Dialog& d) { return d.id; };
    reply(Response::Json(200, SlicePage(dialogs, ReadPage(r, kPage), id_of, service::relay::DialogJson)));
  });
}

}  // namespace tgmux::api
