// /v1/logins: link an account by phone + code (+ 2FA password) or by QR code.
#include "api/qr_render.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

// Operators may watch a login; starting and answering one links an account: admins.
const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kLink = Access::AtLeast(service::Role::kAdmin);

service::LoginService::Callback Answer(const Reply& reply, const std::string& instance, int status) {
  return [reply, instance, status](telegram::Result<service::LoginView> result) {
    if (!result.ok()) return reply.Fail(result.error(), instance);
    reply(Response::Json(status, LoginJson(result.value())));
  };
}

// "phone" when absent.
store::LoginMethod MethodField(const nlohmann::json& body) {
  auto name = StringField(body, "method", false);
  if (!name) return store::LoginMethod::kPhone;
  auto method = store::ParseLoginMethod(*name);
  if (!method) throw Error(ErrorCode::kInvalidRequest, "field \"method\" must be \"phone\" or \"qr\"");
  return *method;
}

void RegisterQrRoutes(Router& router, service::Services& s) {
  struct Format {
    const char* suffix;
    const char* content_type;
    std::string (*render)(const std::string&);
  };
  static const Format kFormats[] = {
      {"qr.png", "image/png", [](const std::string& t) { return QrPng(t); }},
      {"qr.svg", "image/svg+xml", [](const std::string& t) { return QrSvg(t); }},
      {"qr.txt", "text/plain; charset=utf-8", [](const std::string& t) { return QrText(t); }},
  };
  for (const auto& format : kFormats) {
    router.Add("GET", std::string("/v1/logins/{id}/") + format.suffix, kRead, [&s, &format](const Request& r, const Reply& reply) {
      auto login = s.logins.Get(TenantOf(r), r.params.at("id"));
      if (login.qr_link.empty()) {
        throw Error(ErrorCode::kConflict, "login " + login.id + " has no QR code (state " +
                                              std::string(service::LoginStateName(login.state)) + ")");
      }
      reply(NoStore(Response::Text(200, format.render(login.qr_link), format.content_type)));
    });
  }
}

}  // namespace

void RegisterLoginRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/logins", kLink, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto method = MethodField(body);
    auto phone = StringField(body, "phone", method == store::LoginMethod::kPhone).value_or("");
    std::optional<ProxyUrl> proxy;
    if (auto text = StringField(body, "proxy", false)) proxy = service::AccountService::ParseProxyField("proxy", *text);
    s.logins_per_tenant.HitOrThrow(TenantOf(r), "Telegram logins started");
    s.logins.Start(TenantOf(r), PrincipalOf(r).id, method, phone, proxy, Answer(reply, r.path, 201));
  });
  router.Add("GET", "/v1/logins/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, LoginJson(s.logins.Get(TenantOf(r), r.params.at("id")))));
  });
  router.Add("POST", "/v1/logins/{id}/code", kLink, [&s](const Request& r, const Reply& reply) {
    auto code = *StringField(r.JsonBody(), "code", true);
    s.logins.SubmitCode(TenantOf(r), r.params.at("id"), code, Answer(reply, r.path, 200));
  });
  router.Add("POST", "/v1/logins/{id}/password", kLink, [&s](const Request& r, const Reply& reply) {
    auto password = *StringField(r.JsonBody(), "password", true);
    s.logins.SubmitPassword(TenantOf(r), r.params.at("id"), password, Answer(reply, r.path, 200));
  });
  router.Add("POST", "/v1/logins/{id}/resend", kLink, [&s](const Request& r, const Reply& reply) {
    s.logins.Resend(TenantOf(r), r.params.at("id"), Answer(reply, r.path, 200));
  });
  router.Add("POST", "/v1/logins/{id}/register", kLink, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto first = *StringField(body, "first_name", true);
    auto last = StringField(body, "last_name", false).value_or("");
    s.logins.Register(TenantOf(r), r.params.at("id"), first, last, Answer(reply, r.path, 200));
  });
  router.Add("DELETE", "/v1/logins/{id}", kLink, [&s](const Request& r, const Reply& reply) {
    s.logins.Cancel(TenantOf(r), r.params.at("id"), [reply, path = r.path](telegram::Status status) {
      if (!status.ok()) return reply.Fail(status.error(), path);
      reply(Response::NoContent());
    });
  });
  RegisterQrRoutes(router, s);
}

}  // namespace tgmux::api
