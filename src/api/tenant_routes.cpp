// /v1/api-keys, /v1/tenant/members, /v1/tenant/invites, /v1/audit and
// /v1/routes: a tenant's credentials, people and security history.
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"
#include "service/auth/mcp_settings.h"

namespace tgmux::api {
namespace {

using service::Role;

const Access kAdmin = Access::AtLeast(Role::kAdmin);
const Access kMember = Access::AtLeast(Role::kOperator);
constexpr PageSize kPage{50, 500};
constexpr PageSize kAuditPage{100, 1000};
constexpr PageSize kRoutesPage{100, 500};

template <class T>
std::string IdOf(const T& row) {
  return row.id;
}

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
    auto page = ReadPage(r, kPage);
    // Each key with what it may do over MCP.
    auto with_mcp = [&s](const store::ApiKey& key) {
      auto json = ApiKeyJson(key);
      json["mcp"] = service::McpSettingsJson(service::ApiKeyMcpSettings(s.infra.store(), key.id));
      return json;
    };
    reply(Response::Json(200, SlicePage(s.tenants.ListApiKeys(PrincipalOf(r)), page, IdOf<store::ApiKey>, with_mcp)));
  });
  // {"mcp": {accounts?, tools?, send?}}: what the key may do over MCP (docs/mcp.md).
  router.Add("PATCH", "/v1/api-keys/{id}", kAdmin, [&s](const Request& r, const Reply& reply) {
    auto [key, mcp] = service::SetApiKeyMcp(s.infra.store(), s.accounts, s.audit, PrincipalOf(r), r.params.at("id"),
                                            r.JsonBody(), r.remote_ip);
    auto json = ApiKeyJson(key);
    json["mcp"] = service::McpSettingsJson(mcp);
    reply(Response::Json(200, json));
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
    auto page = ReadPage(r, kPage);
    reply(Response::Json(200, SlicePage(s.tenants.Members(PrincipalOf(r)), page, IdOf<store::User>, UserJson)));
  });
  router.Add("GET", "/v1/tenant/invites", kAdmin, [&s](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kPage);
    reply(Response::Json(200, SlicePage(s.tenants.Invites(PrincipalOf(r)), page, IdOf<store::Invite>, InviteJson)));
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
    auto page = ReadPage(r, kAuditPage);
    std::int64_t before = page.cursor ? CursorNumber(*page.cursor, 1) : 0;
    // One more than asked tells whether there is a next page.
    auto entries = s.audit.List(TenantOf(r), before, page.limit + 1);
    std::optional<std::string> next;
    if (static_cast<int>(entries.size()) > page.limit) {
      entries.pop_back();
      next = std::to_string(entries.back().seq);
    }
    nlohmann::json items = nlohmann::json::array();
    for (const auto& entry : entries) items.push_back(AuditJson(entry));
    reply(Response::Json(200, PageJson(std::move(items), next)));
  });
  // The route table with who may call each route; the tenant-isolation test
  // checks that it covers every route.
  router.Add("GET", "/v1/routes", kMember, [&router](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kRoutesPage);
    // The table never changes while tgmux runs: a route's place in it is its cursor.
    std::vector<std::pair<std::string, RouteInfo>> numbered;
    for (auto& route : router.Routes()) numbered.emplace_back(std::to_string(numbered.size()), std::move(route));
    auto id_of = [](const auto& entry) { return entry.first; };
    reply(Response::Json(200, SlicePage(numbered, page, id_of, [](const auto& entry) -> nlohmann::json {
      const RouteInfo& route = entry.second;
      return {{"method", route.method}, {"path", route.pattern}, {"access", route.access.Name()}};
    })));
  });
}

}  // namespace tgmux::api
