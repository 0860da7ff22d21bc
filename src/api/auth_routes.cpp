// /v1/auth/{register,login,refresh,logout} and /v1/me: app users and their tokens.
#include "api/browser_session.h"
#include "api/hashing.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

using service::Role;

nlohmann::json TokensJson(const service::Tokens& t) {
  return {{"access_token", t.access_token}, {"refresh_token", t.refresh_token}, {"token_type", "Bearer"},
          {"expires_in", t.expires_in},     {"user", UserJson(t.user)}};
}


}  // namespace

void RegisterAuthRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/auth/register", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto email = *StringField(body, "email", true);
    auto password = *StringField(body, "password", true);
    auto invite = StringField(body, "invite", false).value_or("");
    auto proof = FirstOwnerProofOf(r, StringField(body, "setup_token", false).value_or(""));
    OnHashingPool(s.hashing, r, reply, [&s, email, password, invite, ip = r.remote_ip, proof] {
      return NoStore(Response::Json(201, TokensJson(s.auth.Register(email, password, invite, ip, proof))));
    });
  });
  router.Add("POST", "/v1/auth/login", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    auto email = *StringField(body, "email", true);
    auto password = *StringField(body, "password", true);
    OnHashingPool(s.hashing, r, reply, [&s, email, password, ip = r.remote_ip] {
      return NoStore(Response::Json(200, TokensJson(s.auth.SignIn(email, password, ip))));
    });
  });
  router.Add("POST", "/v1/auth/refresh", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto token = *StringField(r.JsonBody(), "refresh_token", true);
    reply(NoStore(Response::Json(200, TokensJson(s.auth.Refresh(token, r.remote_ip)))));
  });
  router.Add("POST", "/v1/auth/logout", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto token = StringField(r.JsonBody(), "refresh_token", false).value_or("");
    s.auth.Logout(token, OptionalPrincipal(s.auth, r), r.remote_ip);
    reply(Response::NoContent());
  });
  router.Add("GET", "/v1/me", Access::AtLeast(Role::kOperator), [&s](const Request& r, const Reply& reply) {
    const auto& p = PrincipalOf(r);
    nlohmann::json me = {{"kind", p.KindName()}, {"id", p.id}, {"tenant_id", p.tenant_id},
                         {"role", service::RoleName(p.role)}};
    if (p.kind == service::Principal::Kind::kUser && p.id != "anonymous") {
      auto user = s.auth.User(p);
      me["email"] = user.email;
      me["created_at"] = Timestamp(user.created_at);
    }
    reply(Response::Json(200, me));
  });
}

}  // namespace tgmux::api
