// /v1/api-keys, /v1/tenant/members, /v1/audit and /v1/routes: a tenant's
// credentials, people and security history.
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

using service::Role;

const Access kAdmin = Access::AtLeast(Role::kAdmin);
const Access kMember = Access::AtLeast(Role::kOperator);
constexpr int kAuditPage = 100;
constexpr int kAuditMaxPage = 1000;

void RegisterApiKeyRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/api-keys", kAdmin, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto name = *StringField(body, "name", true);
    auto role = StringField(body, "role", false).value_or("operator");
    auto created = s.tenants.CreateApiKey(PrincipalOf(r), name, role, r.remote_ip);
    auto json = ApiKeyJson(created.row);
    json["key"] = created.key;
    reply(NoStore(Response::Json(201, json)));
  });
  router.Add("GET", "/v1/api-keys", kAdmin, [&s](const Request& r, const Reply& reply) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& key : s.tenants.ListApiKeys(PrincipalOf(r))) items.push_back(ApiKeyJson(key));
    reply(Response::Json(200, {{"items", items}}));
  });
  router.Add("DELETE", "/v1/api-keys/{id}", kAdmin, [&s](const Request& r, const Reply& reply) {
    s.tenants.RevokeApiKey(PrincipalOf(r), r.params.at("id"), r.remote_ip);
    reply(Response::NoContent());
  });
}

void RegisterMemberRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/tenant/members", kAdmin, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto email = *StringField(body, "email", true);
    auto role = StringField(body, "role", false).value_or("operator");
    auto invite = s.tenants.Invite(PrincipalOf(r), email, role, r.remote_ip);
    auto json = InviteJson(invite.row);
    json["invite"] = invite.token;
    reply(NoStore(Response::Json(201, json)));
  });
  router.Add("GET", "/v1/tenant/members", kAdmin, [&s](const Request& r, const Reply& reply) {
    nlohmann::json members = nlohmann::json::array(), invites = nlohmann::json::array();
    for (const auto& user : s.tenants.Members(PrincipalOf(r))) members.push_back(UserJson(user));
    for (const auto& invite : s.tenants.Invites(PrincipalOf(r))) invites.push_back(InviteJson(invite));
    reply(Response::Json(200, {{"items", members}, {"invites", invites}}));
  });
  // Open to operators, who may leave; TenantService decides who may manage whom.
  router.Add("PATCH", "/v1/tenant/members/{id}", kMember, [&s](const Request& r, const Reply& reply) {
    auto role = *StringField(r.JsonBody(), "role", true);
    auto member = s.tenants.SetMemberRole(PrincipalOf(r), r.params.at("id"), role, r.remote_ip);
    reply(Response::Json(200, UserJson(member)));
  });
  router.Add("DELETE", "/v1/tenant/members/{id}", kMember, [&s](const Request& r, const Reply& reply) {
    s.tenants.RemoveMember(PrincipalOf(r), r.params.at("id"), r.remote_ip);
    reply(Response::NoContent());
  });
}

}  // namespace

void RegisterTenantRoutes(Router& router, service::Services& s) {
  RegisterApiKeyRoutes(router, s);
  RegisterMemberRoutes(router, s);
  router.Add("GET", "/v1/audit", kAdmin, [&s](const Request& r, const Reply& reply) {
    int limit = static_cast<int>(QueryInt(r, "limit", kAuditPage, 1, kAuditMaxPage));
    long long before = QueryInt(r, "before", 0, 0, 2147483647);
    auto entries = s.audit.List(TenantOf(r), before, limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& entry : entries) items.push_back(AuditJson(entry));
    nlohmann::json next = static_cast<int>(entries.size()) == limit ? nlohmann::json(entries.back().seq) : nullptr;
    reply(Response::Json(200, {{"items", items}, {"next_before", next}}));
  });
  // The route table with who may call each route; the tenant-isolation test
  // checks that it covers every route.
  router.Add("GET", "/v1/routes", kMember, [&router](const Request&, const Reply& reply) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& route : router.Routes()) {
      items.push_back({{"method", route.method}, {"path", route.pattern}, {"access", route.access.Name()}});
    }
    reply(Response::Json(200, {{"items", items}}));
  });
}

}  // namespace tgmux::api
