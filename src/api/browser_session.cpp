#include "api/browser_session.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

#include "crypto/secrets.h"

namespace tgmux::api {
namespace {

bool ChangesState(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

bool IsLoopback(const std::string& ip) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ip, ec);
  return !ec && address.is_loopback();
}

// "http://host:port" -> "host:port".
std::string OriginHost(const std::string& origin) {
  auto scheme = origin.find("://");
  return scheme == std::string::npos ? "" : origin.substr(scheme + 3);
}

std::string Cookie(const std::string& name, const std::string& value, const std::string& path, long max_age,
                   bool secure) {
  return name + "=" + value + "; Path=" + path + "; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

}  // namespace

std::string CookieValue(const Request& request, std::string_view name) {
  const std::string header = request.Header("cookie");
  std::size_t at = 0;
  while (at < header.size()) {
    auto end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

service::Principal AuthenticateRequest(service::AuthService& auth, const Request& request) {
  auto session = CookieValue(request, kSessionCookie);
  if (!request.Header("authorization").empty() || session.empty()) {
    return auth.Authenticate(request.Header("authorization"));
  }
  std::string family;
  auto principal = auth.AuthenticateAccessToken(session, family);
  if (ChangesState(request.method) &&
      !crypto::ConstantTimeEqual(request.Header("x-csrf-token"), auth.CsrfToken(family))) {
    throw Error(ErrorCode::kForbidden,
                "a call made with the session cookie must carry its CSRF token in X-CSRF-Token "
                "(GET /v1/auth/session gives it)");
  }
  std::string upgrade = request.Header("upgrade");
  std::transform(upgrade.begin(), upgrade.end(), upgrade.begin(), [](unsigned char c) { return std::tolower(c); });
  if (upgrade == "websocket") {
    // Browsers send the page's origin with every WebSocket upgrade: another
    // site's page must not open one on this site's cookie.
    if (request.Header("origin").empty() || OriginHost(request.Header("origin")) != request.Header("host")) {
      throw Error(ErrorCode::kForbidden, "a WebSocket on the session cookie must come from this site's pages");
    }
  }
  return principal;
}

std::optional<service::Principal> QuickPrincipal(service::AuthService& auth, const Request& request) {
  std::string authorization = request.Header("authorization");
  if (authorization.empty() && !CookieValue(request, kSessionCookie).empty()) return std::nullopt;
  return auth.AuthenticateCached(authorization);
}

std::optional<service::Principal> OptionalPrincipal(service::AuthService& auth, const Request& request) {
  if (request.Header("authorization").empty()) return std::nullopt;
  try {
    return auth.Authenticate(request.Header("authorization"));
  } catch (const Error&) {
    return std::nullopt;
  }
}

service::FirstOwnerProof FirstOwnerProofOf(const Request& request, const std::string& setup_token) {
  return {IsLoopback(request.remote_ip) && !request.untrusted_forward, setup_token};
}

void SetSessionCookies(Response& response, const service::Tokens& tokens, double refresh_ttl_seconds,
                       const Request& request) {
  response.headers.emplace_back("Set-Cookie",
                                Cookie(kSessionCookie, tokens.access_token, "/", tokens.expires_in, request.secure));
  response.headers.emplace_back("Set-Cookie", Cookie(kRefreshCookie, tokens.refresh_token, kRefreshCookiePath,
                                                     static_cast<long>(refresh_ttl_seconds), request.secure));
}

void ClearSessionCookies(Response& response, const Request& request) {
  response.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, "", "/", 0, request.secure));
  response.headers.emplace_back("Set-Cookie", Cookie(kRefreshCookie, "", kRefreshCookiePath, 0, request.secure));
}

}  // namespace tgmux::api
