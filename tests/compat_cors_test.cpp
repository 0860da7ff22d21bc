// End-to-end: CORS for the origins of TGMUX_CORS_ORIGINS on every route
// (native and compat), none for any other origin; compatibility surfaces that
// are not enabled answer 404; bad TGMUX_COMPAT / TGMUX_CORS_ORIGINS stop tgmux.
#include "tests/support/startup_errors.h"
#include "tests/support/tgmux_server.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tgmux::testing {
namespace {

using Env = std::map<std::string, std::string>;

constexpr const char* kAllowed = "http://127.0.0.1:5173";
constexpr const char* kRefused = "http://evil.example";

bool HasCorsHeader(const HttpResponse& r) {
  return std::any_of(r.headers.begin(), r.headers.end(),
                     [](const auto& h) { return h.first.rfind("access-control-", 0) == 0; });
}

HttpResponse Preflight(const TgmuxServer& server, const std::string& path, const std::string& origin,
                       const std::string& method) {
  return server.Anonymous().Request("OPTIONS", path, "",
                                    {{"Origin", origin},
                                     {"Access-Control-Request-Method", method},
                                     {"Access-Control-Request-Headers", "authorization, content-type"}});
}

TEST(CompatCorsTest, PreflightFromAnAllowedOriginOnCompatAndNativeRoutes) {
  TgmuxServer server(Env{{"TGMUX_COMPAT", "personal-accounts"},
                          {"TGMUX_CORS_ORIGINS", std::string(kAllowed) + ", https://crm.example.com"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {"/api/personal-telegram-accounts/login", "POST"},
           {"/api/personal-telegram-accounts/acc_x", "PATCH"},
           {"/v1/accounts", "GET"}}) {
    auto answer = Preflight(server, path, kAllowed, method);
    EXPECT_EQ(answer.status, 204) << path << ": " << answer.body;
    EXPECT_EQ(answer.Header("access-control-allow-origin"), kAllowed) << path;
    EXPECT_NE(answer.Header("access-control-allow-methods").find(method), std::string::npos) << path;
    std::string headers = answer.Header("access-control-allow-headers");
    for (const char* name : {"Authorization", "Content-Type", "Idempotency-Key", "X-CSRF-Token"}) {
      EXPECT_NE(headers.find(name), std::string::npos) << path << ": " << name;
    }
    EXPECT_FALSE(answer.Header("access-control-max-age").empty()) << path;
    EXPECT_EQ(answer.Header("vary"), "Origin") << path;
    EXPECT_EQ(answer.Header("access-control-allow-credentials"), "") << path;
  }
  // The answers themselves carry the origin too, problems included.
  auto listed = server.http().Request("GET", "/api/personal-telegram-accounts", "", {{"Origin", kAllowed}});
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Header("access-control-allow-origin"), kAllowed);
  EXPECT_EQ(listed.Header("vary"), "Origin");
  auto refused = server.Anonymous().Request("GET", "/v1/accounts", "", {{"Origin", "https://crm.example.com"}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.Header("access-control-allow-origin"), "https://crm.example.com");
  // OPTIONS on a path nobody serves is still 404.
  EXPECT_EQ(Preflight(server, "/no/such/path", kAllowed, "GET").status, 404);
}

TEST(CompatCorsTest, RefusedOriginGetsNoCorsHeaders) {
  TgmuxServer server(Env{{"TGMUX_COMPAT", "personal-accounts"}, {"TGMUX_CORS_ORIGINS", kAllowed}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  for (const char* origin : {kRefused, "http://127.0.0.1:5174", "null"}) {
    auto preflight = Preflight(server, "/api/personal-telegram-accounts/login", origin, "POST");
    EXPECT_EQ(preflight.status, 204) << origin;
    EXPECT_FALSE(HasCorsHeader(preflight)) << origin;
    auto answer = server.http().Request("GET", "/api/personal-telegram-accounts", "", {{"Origin", origin}});
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_FALSE(HasCorsHeader(answer)) << origin;
  }
}

TEST(CompatCorsTest, WithoutOriginsNoRouteAnswersCors) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto preflight = Preflight(server, "/v1/accounts", kAllowed, "GET");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_FALSE(HasCorsHeader(preflight));
  EXPECT_NE(preflight.Header("allow").find("GET"), std::string::npos);
}

TEST(CompatSurfacesTest, SurfacesNotEnabledAnswer404) {
  TgmuxServer server(Env{{"TGMUX_COMPAT", "user-api"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  struct Call {
    std::string method, target, body;
  };
  std::vector<Call> off = {
      {"GET", "/api/personal-telegram-accounts", ""},
      {"POST", "/api/personal-telegram-accounts/login", "{}"},
      {"GET", "/api/personal-telegram-accounts/login/login_x", ""},
      {"POST", "/api/personal-telegram-accounts/login/login_x/password", R"({"password":"x"})"},
      {"PATCH", "/api/personal-telegram-accounts/acc_x", "{}"},
      {"DELETE", "/api/personal-telegram-accounts/acc_x", ""},
      {"POST", "/auth/register", R"({"email":"a@b.test","password":"long-enough-1"})"},
      {"POST", "/auth/login", R"({"email":"a@b.test","password":"long-enough-1"})"},
      {"POST", "/refresh", R"({"refresh_token":"x"})"},
      {"POST", "/logout", R"({"refresh_token":"x"})"},
      {"GET", "/profiles", ""},
      {"POST", "/profiles/start", R"({"phone":"+15550001122"})"},
      {"POST", "/profiles/code", R"({"phone":"+15550001122","code":"1"})"},
      {"POST", "/profiles/password", R"({"phone":"+15550001122","password":"x"})"},
      {"GET", "/messages/unread?phone=%2B15550001122", ""},
      {"POST", "/messages/unread", R"({"phone":"+15550001122"})"},
      {"POST", "/messages/send", R"({"phone":"+15550001122","text":"x","tg_receiver":"@x"})"},
      {"POST", "/messages/dialogs", R"({"phone":"+15550001122"})"},
      {"GET", "/health", ""},
      {"GET", "/utils/me", ""},
  };
  for (const auto& c : off) {
    auto answer = server.http().Request(c.method, c.target, c.body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(answer.status, 404) << c.method << " " << c.target << ": " << answer.body;
    EXPECT_EQ(answer.Json()["code"], "not_found") << c.target;
  }
  // The enabled one is there (and wants its credentials).
  EXPECT_EQ(server.Anonymous().Get("/telegram/user/status/user123").status, 401);
  EXPECT_EQ(server.http().Get("/telegram/user/status/user123").status, 200);
}

TEST(CompatSurfacesTest, NoneByDefault) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  EXPECT_EQ(server.http().Get("/telegram/user/status/user123").status, 404);
  EXPECT_EQ(server.http().Get("/api/personal-telegram-accounts").status, 404);
  EXPECT_EQ(server.http().Get("/profiles").status, 404);
}

TEST(CompatSurfacesTest, BadSettingsStopTgmuxWithOneLine) {
  TempDir dir;
  struct Case {
    std::map<std::string, std::string> env;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{{"TGMUX_COMPAT", "user-api,telegram-bot-api"}}, "TGMUX_COMPAT=\"user-api,telegram-bot-api\""},
      {{{"TGMUX_CORS_ORIGINS", "http://127.0.0.1:5173/"}}, "TGMUX_CORS_ORIGINS="},
      {{{"TGMUX_CORS_ORIGINS", "*"}}, "TGMUX_CORS_ORIGINS=\"*\""},
      {{{"TGMUX_CORS_ORIGINS", "127.0.0.1:5173"}}, "is not an origin"},
  };
  for (const auto& c : cases) {
    auto env = c.env;
    env.emplace("TGMUX_DATA_DIR", (dir.path() / "data").string());
    ExpectStopsWithOneLine(env, c.expected);
  }
}

}  // namespace
}  // namespace tgmux::testing
