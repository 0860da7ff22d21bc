// End-to-end: the dashboard's browser session and first run (docs/dashboard.md):
// cookies (HttpOnly, SameSite=Strict, Secure behind TLS), the CSRF token on
// every state-changing call, rotation with a grace window for two tabs, sign-out,
// event streams on the cookie, WebSocket Origin, the first owner only from this
// machine or with the setup token, and client addresses through trusted proxies.
#include <gtest/gtest.h>

#include "tests/support/stream_clients.h"
#include "tests/support/tgmux_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using Env = std::map<std::string, std::string>;
using Headers = std::map<std::string, std::string>;
using nlohmann::json;

constexpr const char* kEmail = "owner@tgmux.test";
constexpr const char* kPassword = "owner-password-123";

// The Set-Cookie line of `name`, and the value it sets.
std::string SetCookie(const HttpResponse& r, const std::string& name) {
  std::istringstream lines(r.Header("set-cookie"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "=", 0) == 0) return line;
  }
  return "";
}
std::string CookieOf(const HttpResponse& r, const std::string& name) {
  auto line = SetCookie(r, name);
  return line.substr(name.size() + 1, line.find(';') - name.size() - 1);
}

// A browser: its cookie jar (the two session cookies) and its CSRF token.
struct Browser {
  const TgmuxServer& server;
  std::string session, refresh, csrf;

  Headers Cookies(Headers extra = {}) const {
    extra["Cookie"] = "tgmux_session=" + session + "; tgmux_refresh=" + refresh;
    return extra;
  }
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    Headers extra = {}) const {
    return server.Anonymous().Request(method, target, body, Cookies(std::move(extra)));
  }
  HttpResponse Unsafe(const std::string& method, const std::string& target, const json& body) const {
    return Call(method, target, body.dump(), {{"X-CSRF-Token", csrf}});
  }
  void Take(const HttpResponse& r) {
    session = CookieOf(r, "tgmux_session");
    refresh = CookieOf(r, "tgmux_refresh");
    csrf = r.Json()["csrf_token"];
  }
};

class BrowserSessionTest : public ::testing::Test {
 protected:
  void Start(Env env = {}) {
    server_ = std::make_unique<TgmuxServer>(std::move(env));
    ASSERT_TRUE(server_->Start()) << server_->process().Stderr();
  }
  HttpResponse SignIn(Headers extra = {}, const std::string& password = kPassword) {
    return server_->Anonymous().Request("POST", "/v1/auth/session",
                                        json{{"email", kEmail}, {"password", password}}.dump(), std::move(extra));
  }
  Browser SignedIn() {
    server_->SignInOwner();
    Browser browser{*server_};
    auto r = SignIn();
    EXPECT_EQ(r.status, 200) << r.body;
    browser.Take(r);
    return browser;
  }
  std::unique_ptr<TgmuxServer> server_;
};

TEST_F(BrowserSessionTest, SignInSetsHttpOnlyStrictCookiesThatEveryRouteTakes) {
  Start();
  server_->SignInOwner();
  EXPECT_EQ(SignIn({}, "wrong-password-1").status, 401);
  auto r = SignIn();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["user"]["email"], kEmail);
  EXPECT_EQ(r.Json()["expires_in"], 900);
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  auto session = SetCookie(r, "tgmux_session"), refresh = SetCookie(r, "tgmux_refresh");
  for (const auto& cookie : {session, refresh}) {
    EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http: " << cookie;
  }
  EXPECT_NE(session.find("; Path=/;"), std::string::npos) << session;
  EXPECT_NE(session.find("; Max-Age=900;"), std::string::npos) << session;
  EXPECT_NE(refresh.find("; Path=/v1/auth/session;"), std::string::npos) << "sent to the session routes only";
  // The tokens travel in cookies only, never in the body a script could read.
  EXPECT_EQ(r.body.find(CookieOf(r, "tgmux_session")), std::string::npos);
  EXPECT_EQ(r.body.find(CookieOf(r, "tgmux_refresh")), std::string::npos);

  Browser browser{*server_};
  browser.Take(r);
  EXPECT_EQ(browser.Call("GET", "/v1/accounts").status, 200);
  auto me = browser.Call("GET", "/v1/auth/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["user"]["role"], "owner");
  EXPECT_EQ(me.Json()["csrf_token"], browser.csrf);
  EXPECT_GT(me.Json()["expires_in"], 800) << "what is left of the access token's 900 s";
  EXPECT_LE(me.Json()["expires_in"], 900);
  EXPECT_EQ(server_->Anonymous().Get("/v1/auth/session").status, 401);
  // A sign-in only takes JSON: a form on another site cannot sign someone in to its account.
  auto form = server_->Anonymous().Request("POST", "/v1/auth/session", std::string("email=a%40b.c&password=x"),
                                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 403) << form.body;
}

TEST_F(BrowserSessionTest, StateChangingCallsOnTheCookieNeedTheCsrfToken) {
  Start();
  auto browser = SignedIn();
  auto key = json{{"name", "from-the-page"}, {"role", "operator"}};
  // What a form on another site would send: the cookie (same site) without the token.
  auto forged = browser.Call("POST", "/v1/api-keys", key.dump());
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.Json()["code"], "forbidden");
  EXPECT_NE(forged.Json()["detail"].get<std::string>().find("X-CSRF-Token"), std::string::npos) << forged.body;
  EXPECT_EQ(browser.Call("POST", "/v1/api-keys", key.dump(), {{"X-CSRF-Token", "0000"}}).status, 403);
  EXPECT_EQ(browser.Call("GET", "/v1/api-keys").Json()["items"].size(), 0u) << "nothing was created";
  auto made = browser.Unsafe("POST", "/v1/api-keys", key);
  EXPECT_EQ(made.status, 201) << made.body;
  // A bearer token needs no CSRF token: no browser sends it by itself.
  EXPECT_EQ(server_->http().Post("/v1/api-keys", {{"name", "svc"}, {"role", "operator"}}).status, 201);
}

TEST_F(BrowserSessionTest, TwoTabsRefreshingAtOnceBothStaySignedIn) {
  Start();
  auto tab1 = SignedIn();
  auto tab2 = tab1;  // one cookie jar, two tabs
  auto first = tab1.Call("POST", "/v1/auth/session/refresh", "{}");
  auto second = tab2.Call("POST", "/v1/auth/session/refresh", "{}");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << "within the grace window: " << second.body;
  tab1.Take(first);
  tab2.Take(second);
  EXPECT_NE(tab1.refresh, tab2.refresh);
  EXPECT_EQ(tab1.csrf, tab2.csrf) << "one sign-in, one CSRF token";
  EXPECT_EQ(tab1.Call("GET", "/v1/accounts").status, 200);
  EXPECT_EQ(tab2.Unsafe("POST", "/v1/api-keys", {{"name", "k"}, {"role", "operator"}}).status, 201);
  EXPECT_EQ(tab1.Call("POST", "/v1/auth/session/refresh", "{}").status, 200);
}

TEST_F(BrowserSessionTest, WithoutGraceAReusedRefreshEndsTheSession) {
  Start({{"TGMUX_SESSION_GRACE", "0"}});
  auto browser = SignedIn();
  auto stolen = browser;
  auto rotated = browser.Call("POST", "/v1/auth/session/refresh", "{}");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  browser.Take(rotated);
  EXPECT_EQ(stolen.Call("POST", "/v1/auth/session/refresh", "{}").status, 401);
  EXPECT_EQ(browser.Call("POST", "/v1/auth/session/refresh", "{}").status, 401) << "the whole sign-in is revoked";
}

TEST_F(BrowserSessionTest, SignOutEndsTheSessionAndClearsItsCookies) {
  Start();
  auto browser = SignedIn();
  EXPECT_EQ(browser.Call("DELETE", "/v1/auth/session").status, 403) << "another site cannot sign the person out";
  auto out = browser.Call("DELETE", "/v1/auth/session", "", {{"X-CSRF-Token", browser.csrf}});
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_NE(SetCookie(out, "tgmux_session").find("Max-Age=0"), std::string::npos) << out.Header("set-cookie");
  EXPECT_NE(SetCookie(out, "tgmux_refresh").find("Max-Age=0"), std::string::npos) << out.Header("set-cookie");
  // The old cookies, kept by someone, no longer work.
  EXPECT_EQ(browser.Call("GET", "/v1/accounts").status, 401);
  EXPECT_EQ(browser.Call("POST", "/v1/auth/session/refresh", "{}").status, 401);
}

TEST_F(BrowserSessionTest, EventStreamsTakeTheCookieAndAWebSocketOnlyFromThisSite) {
  Start();
  auto browser = SignedIn();
  SseClient sse;
  ASSERT_TRUE(sse.Connect(server_->port(), "/v1/events/stream", browser.Cookies()));
  WsClient foreign;
  EXPECT_FALSE(foreign.Connect(server_->port(), "/v1/ws", browser.Cookies({{"Origin", "http://evil.example"}})));
  EXPECT_EQ(foreign.status(), 403) << foreign.body();
  WsClient no_origin;
  EXPECT_FALSE(no_origin.Connect(server_->port(), "/v1/ws", browser.Cookies()));
  EXPECT_EQ(no_origin.status(), 403);
  WsClient own;
  EXPECT_TRUE(own.Connect(server_->port(), "/v1/ws",
                          browser.Cookies({{"Origin", "http://127.0.0.1:" + std::to_string(server_->port())}})))
      << own.status() << " " << own.body();
}

TEST_F(BrowserSessionTest, TheFirstOwnerIsCreatedFromThisMachine) {
  Start();
  auto setup = server_->Anonymous().Get("/v1/setup");
  ASSERT_EQ(setup.status, 200);
  EXPECT_EQ(setup.Json(), (json{{"needs_owner", true}, {"token_required", false}}));
  auto made = server_->Anonymous().Post("/v1/setup", {{"email", kEmail}, {"password", kPassword}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.Json()["user"]["role"], "owner");
  EXPECT_FALSE(CookieOf(made, "tgmux_session").empty()) << "signed in at once";
  EXPECT_EQ(server_->Anonymous().Get("/v1/setup").Json()["needs_owner"], false);
  EXPECT_EQ(server_->Anonymous().Post("/v1/setup", {{"email", "b@tgmux.test"}, {"password", kPassword}}).status, 409);
}

TEST_F(BrowserSessionTest, FromElsewhereTheFirstOwnerNeedsTheSetupTokenFromTheLog) {
  Start({{"TGMUX_TRUSTED_PROXIES", "127.0.0.1"}});
  // Printed (to the log, stderr) before tgmux says it listens.
  auto log = server_->process().Stderr();
  auto at = log.find("setup token setup_");
  ASSERT_NE(at, std::string::npos) << log;
  auto token = log.substr(at + 12);
  token = token.substr(0, token.find_first_of(") \n"));
  Headers remote = {{"X-Forwarded-For", "203.0.113.7"}};
  auto anonymous = server_->Anonymous();
  EXPECT_EQ(anonymous.Request("GET", "/v1/setup", "", remote).Json()["token_required"], true);
  auto body = json{{"email", kEmail}, {"password", kPassword}};
  auto refused = anonymous.Request("POST", "/v1/setup", body.dump(), remote);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.Json()["detail"].get<std::string>().find("setup token"), std::string::npos) << refused.body;
  // Nor through the API's own registration.
  EXPECT_EQ(anonymous.Request("POST", "/v1/auth/register", body.dump(), remote).status, 403);
  body["setup_token"] = "setup_wrong";
  EXPECT_EQ(anonymous.Request("POST", "/v1/setup", body.dump(), remote).status, 403);
  EXPECT_TRUE(anonymous.Request("GET", "/v1/setup").Json()["needs_owner"]) << "still unclaimed";
  body["setup_token"] = token;
  auto made = anonymous.Request("POST", "/v1/setup", body.dump(), remote);
  EXPECT_EQ(made.status, 201) << made.body;
}

TEST_F(BrowserSessionTest, AProxyTgmuxDoesNotTrustHidesTheClientSoItIsNotLoopback) {
  Start();  // no trusted proxies: a local nginx forwarding the world looks like loopback
  auto anonymous = server_->Anonymous();
  Headers forwarded = {{"X-Forwarded-For", "203.0.113.7"}};
  EXPECT_EQ(anonymous.Request("GET", "/v1/setup", "", forwarded).Json()["token_required"], true);
  auto body = json{{"email", kEmail}, {"password", kPassword}};
  EXPECT_EQ(anonymous.Request("POST", "/v1/setup", body.dump(), forwarded).status, 403);
}

TEST_F(BrowserSessionTest, BehindATrustedProxyCookiesAreSecureOverHttpsAndLimitsSeeTheClient) {
  Start({{"TGMUX_TRUSTED_PROXIES", "127.0.0.1"}, {"TGMUX_LIMIT_FAILED_LOGINS_IP", "2/60"},
         {"TGMUX_LIMIT_FAILED_LOGINS_EMAIL", "100/60"}});
  server_->SignInOwner();
  auto https = SignIn({{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(https.status, 200) << https.body;
  EXPECT_NE(SetCookie(https, "tgmux_session").find("; Secure"), std::string::npos) << https.Header("set-cookie");
  EXPECT_NE(SetCookie(https, "tgmux_refresh").find("; Secure"), std::string::npos);
  // Two failures from one client block that client, not the proxy's other clients.
  Headers mallory = {{"X-Forwarded-For", "203.0.113.66"}};
  EXPECT_EQ(SignIn(mallory, "wrong-password-1").status, 401);
  EXPECT_EQ(SignIn(mallory, "wrong-password-2").status, 401);
  EXPECT_EQ(SignIn(mallory).status, 429);
  EXPECT_EQ(SignIn({{"X-Forwarded-For", "198.51.100.1"}}).status, 200);
}

}  // namespace
}  // namespace tgmux::testing
