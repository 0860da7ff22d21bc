// /v1/watch and /v1/subscribers: the watcher's rules, classifier matches and
// the people notified (docs/watcher.md). An account's watched chats are set
// by PATCH /v1/accounts/{id} (account_routes.cpp).
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kManage = Access::AtLeast(service::Role::kAdmin);
constexpr PageSize kPage{50, 500};
// The newest matches a listing pages through.
constexpr int kMatchWindow = 1000;

nlohmann::json SubscriberJson(const store::Subscriber& s) {
  return {{"id", s.id},
          {"bot_id", s.bot_id},
          {"telegram_user_id", s.telegram_user_id},
          {"name", s.name},
          {"created_at", Timestamp(s.created_at)}};
}

void RegisterRuleRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/watch/rules", kManage, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(201, service::watch::RuleJson(s.watch.CreateRule(TenantOf(r), r.JsonBody()))));
  });
  router.Add("GET", "/v1/watch/rules", kRead, [&s](const Request& r, const Reply& reply) {
    auto id_of = [](const store::WatchRule& rule) { return rule.id; };
    reply(Response::Json(200, SlicePage(s.watch.ListRules(TenantOf(r)), ReadPage(r, kPage), id_of,
                                        service::watch::RuleJson)));
  });
  router.Add("GET", "/v1/watch/rules/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, service::watch::RuleJson(s.watch.GetRule(TenantOf(r), r.params.at("id")))));
  });
  router.Add("PATCH", "/v1/watch/rules/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    auto rule = s.watch.UpdateRule(TenantOf(r), r.params.at("id"), r.JsonBody());
    reply(Response::Json(200, service::watch::RuleJson(rule)));
  });
  for (bool enable : {true, false}) {
    router.Add("POST", enable ? "/v1/watch/rules/{id}/enable" : "/v1/watch/rules/{id}/disable", kManage,
               [&s, enable](const Request& r, const Reply& reply) {
                 auto rule = s.watch.UpdateRule(TenantOf(r), r.params.at("id"), {{"enabled", enable}});
                 reply(Response::Json(200, service::watch::RuleJson(rule)));
               });
  }
  router.Add("DELETE", "/v1/watch/rules/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.watch.DeleteRule(TenantOf(r), r.params.at("id"));
    reply(Response::NoContent());
  });
}

void RegisterMatchRoutes(Router& router, service::Services& s) {
  // An external classifier's verdict on a watch.message event.
  router.Add("POST", "/v1/watch/matches", kRead, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto message = body.find("message");
    std::string message_id;
    if (message != body.end() && message->is_object()) {
      auto id = message->find("id");
      if (id != message->end() && id->is_string()) message_id = id->get<std::string>();
    }
    if (message != body.end() && message->is_string()) message_id = message->get<std::string>();
    if (message_id.empty()) {
      throw Error(ErrorCode::kInvalidRequest, "message: the watch.message event's message (with its id) is required");
    }
    service::ClassifierMatch match{message_id, service::watch::StringList(body.value("subscribers", nlohmann::json()), "subscribers"),
                                   StringField(body, "draft", false).value_or(""),
                                   StringField(body, "note", false).value_or("")};
    if (match.draft.size() > 4096) throw Error(ErrorCode::kInvalidRequest, "draft: at most 4096 characters");
    if (match.note.size() > 1024) throw Error(ErrorCode::kInvalidRequest, "note: at most 1024 characters");
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : s.watch.AddClassifierMatch(TenantOf(r), match)) items.push_back(s.watch.MatchJson(m));
    reply(Response::Json(200, {{"items", std::move(items)}}));
  });
  router.Add("GET", "/v1/watch/matches", kRead, [&s](const Request& r, const Reply& reply) {
    auto id_of = [](const store::WatchMatch& m) { return m.id; };
    auto render = [&s](const store::WatchMatch& m) { return s.watch.MatchJson(m); };
    reply(Response::Json(
        200, SlicePage(s.watch.ListMatches(TenantOf(r), 0, kMatchWindow), ReadPage(r, kPage), id_of, render)));
  });
}

void RegisterSubscriberRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/subscribers", kManage, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto bot_id = *StringField(body, "bot_id", true);
    auto user = body.find("telegram_user_id");
    if (user == body.end() || !user->is_number_integer()) {
      throw Error(ErrorCode::kInvalidRequest, "telegram_user_id: the person's Telegram user id (a number) is required");
    }
    auto name = StringField(body, "name", false).value_or("");
    auto subscriber = s.watch.Subscribe(TenantOf(r), bot_id, user->get<std::int64_t>(), name);
    reply(Response::Json(201, SubscriberJson(subscriber)));
  });
  router.Add("GET", "/v1/subscribers", kRead, [&s](const Request& r, const Reply& reply) {
    auto id_of = [](const store::Subscriber& sub) { return sub.id; };
    reply(Response::Json(200, SlicePage(s.watch.ListSubscribers(TenantOf(r)), ReadPage(r, kPage), id_of,
                                        SubscriberJson)));
  });
  router.Add("GET", "/v1/subscribers/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, SubscriberJson(s.watch.GetSubscriber(TenantOf(r), r.params.at("id")))));
  });
  router.Add("DELETE", "/v1/subscribers/{id}", kManage, [&s](const Request& r, const Reply& reply) {
    s.watch.Unsubscribe(TenantOf(r), r.params.at("id"));
    reply(Response::NoContent());
  });
}

}  // namespace

void RegisterWatchRoutes(Router& router, service::Services& s) {
  RegisterRuleRoutes(router, s);
  RegisterMatchRoutes(router, s);
  RegisterSubscriberRoutes(router, s);
}

}  // namespace tgmux::api
