// The dashboard's sign-in (api/browser_session.h): /v1/auth/session (sign in,
// who am I, refresh, sign out) and /v1/setup (the first owner, on a fresh instance).
#include "api/browser_session.h"
#include "api/hashing.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/time.h"
#include "crypto/secrets.h"

namespace tgmux::api {
namespace {

using service::Principal;
using service::Role;

// Sign-in and refresh take JSON only: an HTML form on another site cannot send
// it, and a script there cannot without a CORS preflight tgmux never answers.
void RequireJson(const Request& r) {
  if (r.Header("content-type").rfind("application/json", 0) != 0) {
    throw Error(ErrorCode::kForbidden, "send the body as Content-Type: application/json");
  }
}

nlohmann::json SessionJson(service::AuthService& auth, const Principal& p, const std::string& family_id,
                           int expires_in) {
  nlohmann::json user = {{"id", p.id}, {"tenant_id", p.tenant_id}, {"role", service::RoleName(p.role)}};
  if (p.id != "anonymous") user = UserJson(auth.User(p));  // "anonymous": TGMUX_AUTH=off
  return {{"user", user}, {"csrf_token", auth.CsrfToken(family_id)}, {"expires_in", expires_in}};
}

// The answer that starts or rotates a session: its cookies and its JSON.
Response Started(service::Services& s, const Request& r, int status, const service::Tokens& tokens) {
  Principal p{Principal::Kind::kUser, tokens.user.id, tokens.user.tenant_id,
              service::ParseRole(tokens.user.role).value_or(Role::kOperator), ""};
  auto response = NoStore(Response::Json(status, SessionJson(s.auth, p, tokens.family_id, tokens.expires_in)));
  SetSessionCookies(response, tokens, s.infra.config().auth.refresh_ttl_seconds, r);
  return response;
}

}  // namespace

void RegisterSessionRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/auth/session", Access::Public(), [&s](const Request& r, const Reply& reply) {
    RequireJson(r);
    auto body = r.JsonBody();
    auto email = *StringField(body, "email", true);
    auto password = *StringField(body, "password", true);
    OnHashingPool(s.hashing, r, reply, [&s, r, email, password] {
      return Started(s, r, 200, s.auth.SignIn(email, password, r.remote_ip));
    });
  });
  router.Add("GET", "/v1/auth/session", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto cookie = CookieValue(r, kSessionCookie);
    if (cookie.empty() && s.infra.config().auth.enabled) {
      throw Error(ErrorCode::kUnauthorized, "not signed in (no session cookie)");
    }
    std::string family;
    std::int64_t expires_at = 0;
    auto p = s.auth.AuthenticateAccessToken(cookie, family, &expires_at);
    auto left = static_cast<int>(std::max<std::int64_t>(0, expires_at - UnixSeconds()));
    reply(NoStore(Response::Json(200, SessionJson(s.auth, p, family, left))));
  });
  router.Add("POST", "/v1/auth/session/refresh", Access::Public(), [&s](const Request& r, const Reply& reply) {
    RequireJson(r);
    auto token = CookieValue(r, kRefreshCookie);
    if (token.empty()) throw Error(ErrorCode::kUnauthorized, "not signed in (no refresh cookie)");
    auto tokens = s.auth.Refresh(token, r.remote_ip, s.infra.config().auth.session_grace_seconds);
    reply(Started(s, r, 200, tokens));
  });
  router.Add("DELETE", "/v1/auth/session", Access::Public(), [&s](const Request& r, const Reply& reply) {
    auto refresh = CookieValue(r, kRefreshCookie);
    std::optional<Principal> caller;
    std::string family = s.auth.RefreshFamily(refresh);
    if (auto session = CookieValue(r, kSessionCookie); !session.empty()) {
      try {
        std::string access_family;
        caller = s.auth.AuthenticateAccessToken(session, access_family);
        if (family.empty()) family = access_family;
      } catch (const Error&) {
        // Expired: the refresh cookie still names the sign-in to end.
      }
    }
    // Another site must not sign the person out either.
    if (!family.empty() && !crypto::ConstantTimeEqual(r.Header("x-csrf-token"), s.auth.CsrfToken(family))) {
      throw Error(ErrorCode::kForbidden, "signing out needs the session's CSRF token in X-CSRF-Token");
    }
    s.auth.Logout(refresh, caller, r.remote_ip);
    auto response = Response::NoContent();
    ClearSessionCookies(response, r);
    reply(response);
  });

  router.Add("GET", "/v1/setup", Access::Public(), [&s](const Request& r, const Reply& reply) {
    bool needs_owner = s.auth.NeedsOwner();
    reply(NoStore(Response::Json(200, {{"needs_owner", needs_owner},
                                       {"token_required", needs_owner && !FirstOwnerProofOf(r, "").from_loopback}})));
  });
  router.Add("POST", "/v1/setup", Access::Public(), [&s](const Request& r, const Reply& reply) {
    RequireJson(r);
    auto body = r.JsonBody();
    auto email = *StringField(body, "email", true);
    auto password = *StringField(body, "password", true);
    auto token = StringField(body, "setup_token", false).value_or("");
    if (!s.auth.NeedsOwner()) throw Error(ErrorCode::kConflict, "the owner exists already: sign in");
    OnHashingPool(s.hashing, r, reply, [&s, r, email, password, token] {
      return Started(s, r, 201, s.auth.Register(email, password, "", r.remote_ip, FirstOwnerProofOf(r, token)));
    });
  });
}

}  // namespace tgmux::api
