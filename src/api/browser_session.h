// The dashboard's browser session (issue 16): the access token in an HttpOnly,
// SameSite=Strict cookie (tgmux_session), the refresh token in another scoped
// to the session routes (tgmux_refresh), and a CSRF token the page sends in
// X-CSRF-Token with every state-changing call. Every route takes the cookie
// where no Authorization header is given; WebSocket upgrades on it must come
// from this origin.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http.h"
#include "service/auth/auth.h"

namespace tgmux::api {

constexpr const char* kSessionCookie = "tgmux_session";
constexpr const char* kRefreshCookie = "tgmux_refresh";
constexpr const char* kRefreshCookiePath = "/v1/auth/session";

// The value of cookie `name` in the request's Cookie header; "" when absent.
std::string CookieValue(const Request& request, std::string_view name);

// The authenticator of every route: a bearer token or API key when given,
// otherwise the session cookie, with its CSRF token on POST, PUT, PATCH and
// DELETE, and its Origin on a WebSocket upgrade. Errors: unauthorized, forbidden.
service::Principal AuthenticateRequest(service::AuthService& auth, const Request& request);
// AuthenticateRequest's answer when it is known from memory (a bearer
// credential accepted before and not revoked since); nullopt otherwise and for
// the session cookie (its CSRF and WebSocket checks stay with AuthenticateRequest).
// Never blocks: network threads call it.
std::optional<service::Principal> QuickPrincipal(service::AuthService& auth, const Request& request);

// The principal of a public route's request when it carries a valid bearer
// token or API key; nullopt otherwise (no error).
std::optional<service::Principal> OptionalPrincipal(service::AuthService& auth, const Request& request);

// Whether the request may create the first owner without the setup token: it
// came from this machine (not through a proxy tgmux does not trust).
service::FirstOwnerProof FirstOwnerProofOf(const Request& request, const std::string& setup_token);

// Set-Cookie headers that start (or rotate) a session, and that end one.
// Secure when the request came over TLS.
void SetSessionCookies(Response& response, const service::Tokens& tokens, double refresh_ttl_seconds,
                       const Request& request);
void ClearSessionCookies(Response& response, const Request& request);

}  // namespace tgmux::api
