// An HTTP request as the server hands it on (api/http_server.cpp): the target
// split into path and query and percent-decoded (api/request_parsing.h), the
// router (api/router.h) matching it against the gateway's route patterns,
// authorizing it and calling a handler, and the readers the routes use on
// query and body (api/views.h, api/http.h JsonBody, and the services' parsers
// of bots, relays, watched chats, proxies and phones).
//
// The handlers are stand-ins that read the request the way the real route
// does and answer with what they read: no services, no store, no Beast. Every
// request must get exactly one answer; a malformed one a 4xx, never a 500 (a
// reader that throws anything but tgmux::Error) nor a crash.
//
// Input: "METHOD TARGET\n", header lines "name: value\n", an empty line, the body.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/request_parsing.h"
#include "api/router.h"
#include "api/views.h"
#include "common/metrics.h"
#include "common/phone.h"
#include "common/proxy_url.h"
#include "fuzz/check.h"
#include "fuzz/http_input.h"
#include "service/auth/bearer.h"
#include "service/bots/bot_settings.h"
#include "service/relay/relay_settings.h"
#include "service/watch/watch_settings.h"
#include "telegram/media.h"

namespace {

using namespace tgmux;
using namespace tgmux::api;
using nlohmann::json;

// The fields each kind of route reads from its JSON body.
void ReadFields(const std::string& pattern, const json& body) {
  for (const char* name : {"text", "code", "password", "email", "name", "url", "first_name", "display_name"}) {
    (void)StringField(body, name, false);
  }
  for (const char* name : {"disabled", "silent", "accepts_private", "all_groups"}) (void)BoolField(body, name);
  (void)ParseModeField(body);
  if (auto phone = StringField(body, "phone", false)) (void)NormalizePhone(*phone);
  if (auto proxy = StringField(body, "proxy", false)) (void)ParseProxyUrl(*proxy);
  if (auto role = StringField(body, "role", false)) (void)service::ParseRole(*role);
  if (auto type = StringField(body, "type", false)) (void)telegram::MediaKindFromName(*type);
  if (pattern.starts_with("/v1/bots")) {
    if (body.contains("features")) (void)service::ParseBotFeatures(body["features"]);
    if (body.contains("access")) (void)service::ParseBotAccess(body["access"]);
    if (body.contains("link_policy")) (void)service::ParseLinkPolicy(body["link_policy"]);
  }
  if (pattern.ends_with("/relay")) (void)service::relay::ParseRelaySettings(body);
  if (auto watch = body.find("watch"); watch != body.end()) (void)service::watch::ParseWatchRequest(*watch);
}

Handler Reader(std::string pattern) {
  return [pattern](const Request& r, const Reply& reply) {
    for (const auto& [name, value] : r.params) FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos);
    (void)IdempotencyKey(r);
    (void)QueryInt(r, "limit", 50, 1, 200);
    (void)QueryInt(r, "wait", 0, 0, 120);
    (void)QueryBool(r, "unread", false);
    json body = r.JsonBody();
    ReadFields(pattern, body);
    reply(Response::Json(200, {{"path", r.path}, {"params", r.params}, {"query", r.query}, {"body", body}}));
  };
}

struct Gateway {
  Metrics metrics;
  Router router{metrics};
  RequestIds ids;

  Gateway() {
    const char* kRoutes[][2] = {
        {"GET", "/healthz"}, {"GET", "/v1/accounts"}, {"GET", "/v1/accounts/{id}"}, {"PATCH", "/v1/accounts/{id}"},
        {"DELETE", "/v1/accounts/{id}"}, {"POST", "/v1/auth/register"}, {"POST", "/v1/auth/login"},
        {"POST", "/v1/auth/refresh"}, {"GET", "/v1/me"}, {"POST", "/v1/bots"}, {"PATCH", "/v1/bots/{id}"},
        {"GET", "/v1/accounts/{id}/chats/{chat_id}/messages"}, {"GET", "/v1/accounts/{id}/messages/search"},
        {"POST", "/v1/accounts/{id}/chats/{chat_id}/read"}, {"PATCH", "/v1/dialogs/{id}"}, {"GET", "/v1/events"},
        {"GET", "/v1/accounts/{id}/files/{file_id}"}, {"POST", "/v1/logins"}, {"POST", "/v1/logins/{id}/code"},
        {"POST", "/v1/logins/{id}/password"}, {"POST", "/v1/logins/{id}/register"}, {"GET", "/v1/outbox/{id}"},
        {"PATCH", "/v1/pools/{name}"}, {"PUT", "/v1/accounts/{id}/relay"}, {"POST", "/v1/auth/session"},
        {"POST", "/v1/setup"}, {"POST", "/v1/api-keys"}, {"DELETE", "/v1/api-keys/{id}"},
        {"POST", "/v1/tenant/members"}, {"PATCH", "/v1/tenant/members/{id}"}, {"POST", "/v1/watch/rules"},
        {"PATCH", "/v1/watch/rules/{id}"}, {"POST", "/v1/subscribers"}, {"POST", "/v1/webhooks"},
    };
    for (const auto& [method, pattern] : kRoutes) {
      bool open = std::string_view(pattern).starts_with("/v1/auth") || std::string_view(pattern) == "/healthz";
      router.Add(method, pattern, open ? Access::Public() : Access::AtLeast(service::Role::kAdmin), Reader(pattern));
    }
    router.AddUpload("POST", "/v1/accounts/{id}/messages", Access::AtLeast(service::Role::kOperator),
                     Reader("/v1/accounts/{id}/messages"));
    router.SetCorsOrigins({"http://127.0.0.1:5173"});
    // "Bearer tgk_..." is an admin's API key, any other token an operator's access token.
    router.SetAuthenticator([](const Request& r) {
      auto credential = service::ParseBearer(r.Header("authorization"));
      bool key = credential.kind == service::BearerCredential::Kind::kApiKey;
      return service::Principal{key ? service::Principal::Kind::kApiKey : service::Principal::Kind::kUser,
                                "usr_fuzz", "default", key ? service::Role::kAdmin : service::Role::kOperator, ""};
    });
  }
};

void CheckAnswer(const Response& response) {
  FUZZ_CHECK(response.status >= 200 && response.status < 600);
  FUZZ_CHECK(response.status != 500);  // a reader threw something other than tgmux::Error
  if (response.status == 204) return;
  json body = json::parse(response.body, nullptr, false);
  FUZZ_CHECK(body.is_object());
  if (response.status >= 400) FUZZ_CHECK(body.contains("code") && body["status"] == response.status);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // the router logs every request
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Gateway gateway;
  Request request = fuzz::ReadRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  request.request_id = gateway.ids.Accept(request.Header("x-request-id"));
  FUZZ_CHECK(!request.request_id.empty() && request.request_id.size() <= 64);
  int answers = 0;
  Reply reply([&answers](Response response) {
    ++answers;
    CheckAnswer(response);
  });
  try {
    (void)gateway.router.TakesUpload(request);
  } catch (const Error& e) {
    reply.Fail(e, request.path);
  }
  gateway.router.Dispatch(std::move(request), reply);
  reply = Reply([](Response) {});  // the first answer's state is released here
  FUZZ_CHECK(answers == 1);
  return 0;
}
