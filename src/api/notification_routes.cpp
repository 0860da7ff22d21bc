// /v1/notifications/subscriptions: which subscribers hear which events of
// their tenant from its bot (docs/pools.md, Account health).
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};

nlohmann::json SubscriptionJson(const store::NotificationSubscription& s) {
  return {{"id", s.id},
          {"subscriber", s.subscriber_id},
          {"events", s.events},
          {"created_at", Timestamp(s.created_at)},
          {"updated_at", Timestamp(s.updated_at)}};
}

}  // namespace

void RegisterNotificationRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/notifications/subscriptions", kManage, [&s](const Request& r, const Reply& reply) {
    bool created = false;
    auto subscription = s.notifications.Subscribe(TenantOf(r), r.JsonBody(), created);
    reply(Response::Json(created ? 201 : 200, SubscriptionJson(subscription)));
  });
  router.Add("GET", "/v1/notifications/subscriptions", kRead, [&s](const Request& r, const Reply& reply) {
    auto id_of = [](const store::NotificationSubscription& n) { return n.id; };
    reply(Response::Json(200, SlicePage(s.notifications.List(TenantOf(r)), ReadPage(r, kPage), id_of,
                                        SubscriptionJson)));
  });
  router.Add("DELETE", "/v1/notifications/subscriptions/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.notifications.Unsubscribe(TenantOf(r), r.params.at("id"));
    reply(Response::NoContent());
  });
}

}  // namespace tgmux::api
