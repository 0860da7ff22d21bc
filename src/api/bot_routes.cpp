// /v1/bots: the Telegram bots tgmux runs for the tenant (docs/bots.md).
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};

nlohmann::json BotJson(const store::Bot& bot) {
  auto features = nlohmann::json::array();
  for (auto feature : service::FeaturesFromText(bot.features)) features.push_back(service::BotFeatureName(feature));
  auto out = service::BotEventData(bot);
  out["features"] = std::move(features);
  out["access"] = nlohmann::json::parse(bot.access, nullptr, false);
  out["link_policy"] = bot.link_policy;
  out["created_at"] = Timestamp(bot.created_at);
  out["updated_at"] = Timestamp(bot.updated_at);
  return out;
}

const nlohmann::json& Field(const nlohmann::json& body, const char* name) {
  static const nlohmann::json kNull;
  auto it = body.find(name);
  return it == body.end() ? kNull : *it;
}

}  // namespace

void RegisterBotRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/bots", kManage, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    service::BotSpec spec;
    spec.token = *StringField(body, "token", true);
    spec.features = service::ParseBotFeatures(Field(body, "features"));
    spec.access = service::ParseBotAccess(Field(body, "access"));
    spec.link_policy = service::ParseLinkPolicy(Field(body, "link_policy"));
    s.bots.Create(TenantOf(r), spec, [reply, path = r.path](telegram::Result<store::Bot> bot) {
      if (!bot.ok()) return reply.Fail(bot.error(), path);
      reply(Response::Json(201, BotJson(bot.value())));
    });
  });
  router.Add("GET", "/v1/bots", kRead, [&s](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kPage);
    auto id_of = [](const store::Bot& bot) { return bot.id; };
    reply(Response::Json(200, SlicePage(s.bots.List(TenantOf(r)), page, id_of, BotJson)));
  });
  router.Add("GET", "/v1/bots/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, BotJson(s.bots.Get(TenantOf(r), r.params.at("id")))));
  });
  router.Add("PATCH", "/v1/bots/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    if (body.contains("token")) {
      throw Error(ErrorCode::kInvalidRequest, "a bot's token cannot change; delete the bot and add it again");
    }
    service::BotPatch patch;
    if (body.contains("features")) patch.features = service::ParseBotFeatures(body["features"]);
    if (body.contains("access")) patch.access = service::ParseBotAccess(body["access"]);
    if (body.contains("link_policy")) patch.link_policy = service::ParseLinkPolicy(body["link_policy"]);
    patch.disabled = BoolField(body, "disabled");
    reply(Response::Json(200, BotJson(s.bots.Update(TenantOf(r), r.params.at("id"), patch))));
  });
  router.Add("DELETE", "/v1/bots/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.bots.Delete(TenantOf(r), r.params.at("id"), [reply] { reply(Response::NoContent()); });
  });
}

}  // namespace tgmux::api
