// /v1/accounts: linked accounts, their status, flags and unlink.
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/generation_cache.h"
#include "service/pools/pool_settings.h"

namespace tgmux::api {
namespace {

constexpr PageSize kPage{50, 500};
// Operators read; linking, renaming, disabling and unlinking take an admin.
const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);

// project_id / external_id in a PATCH body: a string of 1..200 characters, or null or "" to clear it.
std::optional<std::string> LabelField(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (it->is_null()) return std::string();
  auto value = StringField(body, name, true);
  if (value->size() > 200) InvalidField(name, "must be at most 200 characters");
  return value;
}

// ?project_id= and ?external_id=: only the accounts with that label.
std::vector<store::Account> Filtered(std::vector<store::Account> accounts, const Request& r) {
  auto project = r.query.find("project_id");
  auto external = r.query.find("external_id");
  std::erase_if(accounts, [&](const store::Account& a) {
    return (project != r.query.end() && a.project_id != project->second) ||
           (external != r.query.end() && a.external_id != external->second);
  });
  return accounts;
}

// GET /v1/accounts/{id}'s body as rendered from the cached row, with what it
// was made from: it answers again while no account row was written since
// (AccountService::RowsGeneration) and the flood wait it shows is the same.
// A repeated read then copies no row and builds no JSON.
struct RenderedAccount {
  std::string tenant_id;
  std::uint64_t rows_generation = 0;
  std::int64_t flood_wait_until = 0;
  std::string body;
};

}  // namespace

void RegisterAccountRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/accounts", kRead, [&s](const Request& r, const Reply& reply) {
    if (auto phone = r.query.find("phone"); phone != r.query.end()) {
      // A lookup, not a listing: one page holds every match.
      nlohmann::json items = nlohmann::json::array();
      for (const auto& a : Filtered(s.accounts.FindByPhone(TenantOf(r), phone->second), r)) {
        items.push_back(AccountJson(a, s.accounts.FloodWaitUntil(a.id)));
      }
      return reply(Response::Json(200, PageJson(std::move(items), std::nullopt)));
    }
    auto page = ReadPage(r, kPage);
    auto id_of = [](const store::Account& a) { return a.id; };
    reply(Response::Json(200, SlicePage(Filtered(s.accounts.List(TenantOf(r)), r), page, id_of, [&s](const store::Account& a) {
      return AccountJson(a, s.accounts.FloodWaitUntil(a.id));
    })));
  });
  // From memory on the network thread when the row was read before and not written since.
  // Never invalidated itself: each body carries the rows' generation it was made in.
  auto rendered = std::make_shared<GenerationCache<RenderedAccount>>(100000);
  router.AddQuick(
      "GET", "/v1/accounts/{id}", kRead,
      [&s, rendered](const Request& r) -> std::optional<Response> {
        const auto& id = r.params.at("id");
        const auto generation = s.accounts.RowsGeneration();  // before the row is read
        const auto flood_wait_until = s.accounts.FloodWaitUntil(id);
        Response response;
        auto kept = rendered->Find(id);
        if (kept && kept->rows_generation == generation && kept->tenant_id == TenantOf(r) &&
            kept->flood_wait_until == flood_wait_until) {
          response.body = std::move(kept->body);
          return response;
        }
        auto account = s.accounts.Cached(TenantOf(r), id);
        if (!account) return std::nullopt;
        response = Response::Json(200, AccountJson(*account, flood_wait_until));
        rendered->Put(id, {TenantOf(r), generation, flood_wait_until, response.body}, rendered->Generation());
        return response;
      },
      [&s](const Request& r, const Reply& reply) {
        auto account = s.accounts.Get(TenantOf(r), r.params.at("id"));
        reply(Response::Json(200, AccountJson(account, s.accounts.FloodWaitUntil(account.id))));
      });
  router.Add("PATCH", "/v1/accounts/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    service::AccountPatch patch;
    patch.display_name = StringField(body, "display_name", false);
    patch.disabled = BoolField(body, "disabled");
    patch.accepts_private = BoolField(body, "accepts_private");
    patch.accepts_groups = BoolField(body, "accepts_groups");
    patch.accepts_channels = BoolField(body, "accepts_channels");
    patch.project_id = LabelField(body, "project_id");
    patch.external_id = LabelField(body, "external_id");
    if (auto pool = body.find("pool"); pool != body.end()) {
      if (!pool->is_null() && !pool->is_string()) throw Error(ErrorCode::kInvalidRequest, "pool: must be a name or null");
      patch.pool = pool->is_null() ? "" : service::pools::CheckPoolName(pool->get<std::string>());
    }
    if (auto proxy = body.find("proxy"); proxy != body.end()) {
      if (proxy->is_null()) {
        patch.proxy = std::optional<ProxyUrl>();
      } else {
        patch.proxy = service::AccountService::ParseProxyField("proxy", *StringField(body, "proxy", true));
      }
    }
    // Checked before anything changes; applied once the account exists.
    std::optional<nlohmann::json> limits;
    if (auto given = body.find("limits"); given != body.end()) limits = service::pools::CheckedLimits(*given);
    auto watch = body.find("watch");
    if (watch == body.end()) {
      s.accounts.Get(TenantOf(r), r.params.at("id"));
      if (limits) s.pools.SetLimits(TenantOf(r), r.params.at("id"), *limits);
      return reply(Response::Json(200, AccountJson(s.accounts.Update(TenantOf(r), r.params.at("id"), patch))));
    }
    // The watched chats are opened through the account's client first; the
    // rest of the patch applies once they all were.
    s.watch.Configure(TenantOf(r), r.params.at("id"), *watch,
                      [&s, reply, patch, limits, tenant = TenantOf(r), id = r.params.at("id"),
                       path = r.path](telegram::Result<store::Account> account) {
                        if (!account.ok()) return reply.Fail(account.error(), path);
                        try {
                          if (limits) s.pools.SetLimits(tenant, id, *limits);
                          reply(Response::Json(200, AccountJson(s.accounts.Update(tenant, id, patch))));
                        } catch (const Error& e) {
                          reply.Fail(e, path);
                        }
                      });
  });
  router.Add("DELETE", "/v1/accounts/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.accounts.Unlink(TenantOf(r), r.params.at("id"), PrincipalOf(r).id, [reply, path = r.path](telegram::Status status) {
      if (!status.ok()) return reply.Fail(status.error(), path);
      reply(Response::NoContent());
    });
  });
}

}  // namespace tgmux::api
