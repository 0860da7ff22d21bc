// /v1/webhooks: where a tenant's events are POSTed, signed.
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};

std::vector<std::string> StringList(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  bool valid = it->is_array() && std::all_of(it->begin(), it->end(), [](const auto& v) { return v.is_string(); });
  if (!valid) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be an array of strings");
  return it->get<std::vector<std::string>>();
}

}  // namespace

void RegisterWebhookRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/webhooks", kManage, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    service::NewWebhook request{*StringField(body, "url", true), StringList(body, "types"),
                                StringList(body, "account_ids")};
    auto [webhook, secret] = s.webhooks.Create(TenantOf(r), request);
    auto out = WebhookJson(webhook);
    out["secret"] = secret;
    reply(NoStore(Response::Json(201, out)));
  });
  router.Add("GET", "/v1/webhooks", kRead, [&s](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kPage);
    auto id_of = [](const store::Webhook& w) { return w.id; };
    reply(Response::Json(200, SlicePage(s.webhooks.List(TenantOf(r)), page, id_of, WebhookJson)));
  });
  router.Add("GET", "/v1/webhooks/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, WebhookJson(s.webhooks.Get(TenantOf(r), r.params.at("id")))));
  });
  router.Add("DELETE", "/v1/webhooks/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.webhooks.Delete(TenantOf(r), r.params.at("id"));
    reply(Response::NoContent());
  });
}

}  // namespace tgmux::api
