// End-to-end: app users and their tokens: registration policy, sign-in,
// access-token expiry, refresh rotation with reuse detection, logout, limits.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/tgmux_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using Env = std::map<std::string, std::string>;
using nlohmann::json;

std::map<std::string, std::string> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

HttpResponse Me(const TgmuxServer& server, const std::string& token) {
  return server.Anonymous().Request("GET", "/v1/me", "", Bearer(token));
}

HttpResponse Refresh(const TgmuxServer& server, const std::string& refresh_token) {
  return server.Anonymous().Post("/v1/auth/refresh", {{"refresh_token", refresh_token}});
}

HttpResponse SignIn(const TgmuxServer& server, const std::string& email, const std::string& password) {
  return server.Anonymous().Post("/v1/auth/login", {{"email", email}, {"password", password}});
}

TEST(AuthTest, FirstUserBecomesOwnerThenRegistrationNeedsAnInvite) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto anonymous = server.Anonymous();
  auto denied = anonymous.Get("/v1/accounts");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.Json()["code"], "unauthorized");
  EXPECT_EQ(denied.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(anonymous.Get("/healthz").status, 200);  // health stays public

  auto first = anonymous.Post("/v1/auth/register", {{"email", "Boss@Example.test"}, {"password", "long-enough-pw"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto tokens = first.Json();
  EXPECT_EQ(tokens["token_type"], "Bearer");
  EXPECT_EQ(tokens["expires_in"], 900);
  EXPECT_EQ(tokens["user"]["role"], "owner");
  EXPECT_EQ(tokens["user"]["email"], "boss@example.test");
  EXPECT_EQ(first.Header("cache-control"), "no-store");
  auto me = Me(server, tokens["access_token"]);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["kind"], "user");
  EXPECT_EQ(me.Json()["role"], "owner");
  EXPECT_EQ(me.Json()["tenant_id"], "default");

  auto second = anonymous.Post("/v1/auth/register", {{"email", "other@example.test"}, {"password", "long-enough-pw"}});
  EXPECT_EQ(second.status, 403) << second.body;
  EXPECT_EQ(Me(server, "not-a-token").status, 401);
  EXPECT_EQ(SignIn(server, "boss@example.test", "wrong-password").status, 401);
  EXPECT_EQ(SignIn(server, "nobody@example.test", "long-enough-pw").status, 401);
  auto again = SignIn(server, "BOSS@example.test", "long-enough-pw");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Me(server, again.Json()["access_token"]).status, 200);
}

TEST(AuthTest, OpenRegistrationGivesEachUserATenantAndChecksInput) {
  TgmuxServer server(Env{{"TGMUX_REGISTRATION", "open"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto anonymous = server.Anonymous();
  auto a = anonymous.Post("/v1/auth/register", {{"email", "a@example.test"}, {"password", "password-of-a"}});
  auto b = anonymous.Post("/v1/auth/register", {{"email", "b@example.test"}, {"password", "password-of-b"}});
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  EXPECT_NE(a.Json()["user"]["tenant_id"], b.Json()["user"]["tenant_id"]);
  EXPECT_EQ(b.Json()["user"]["role"], "owner");
  auto duplicate = anonymous.Post("/v1/auth/register", {{"email", "A@example.test"}, {"password", "password-of-a"}});
  EXPECT_EQ(duplicate.status, 409);
  auto short_password = anonymous.Post("/v1/auth/register", {{"email", "c@example.test"}, {"password", "short"}});
  EXPECT_EQ(short_password.status, 400);
  EXPECT_NE(short_password.Json()["detail"].get<std::string>().find("password"), std::string::npos);
  EXPECT_EQ(anonymous.Post("/v1/auth/register", {{"email", "no-at-sign"}, {"password", "long-enough-pw"}}).status, 400);
}

TEST(AuthTest, AccessTokenExpiresAfterItsConfiguredLifetime) {
  TgmuxServer server(Env{{"TGMUX_ACCESS_TOKEN_TTL", "2"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto tokens = server.SignInOwner();
  EXPECT_EQ(tokens["expires_in"], 2);
  EXPECT_EQ(Me(server, tokens["access_token"]).status, 200);
  // Whole seconds in the JWT: valid at least 1 s more, ended within 3 s; polled
  // until it ends (a loaded machine may take longer to ask).
  HttpResponse expired;
  EXPECT_TRUE(WaitUntil([&] { return (expired = Me(server, tokens["access_token"])).status == 401; },
                        std::chrono::seconds(10)));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.Json()["detail"].get<std::string>().find("expired"), std::string::npos);
  auto renewed = Refresh(server, tokens["refresh_token"]);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(Me(server, renewed.Json()["access_token"]).status, 200);
}

TEST(AuthTest, RefreshRotatesAndReusingARotatedTokenRevokesTheFamily) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto first = server.SignInOwner();
  auto other_session = SignIn(server, TgmuxServer::kOwnerEmail, TgmuxServer::kOwnerPassword).Json();
  auto second = Refresh(server, first["refresh_token"]);
  ASSERT_EQ(second.status, 200) << second.body;
  std::string r2 = second.Json()["refresh_token"];
  EXPECT_NE(r2, first["refresh_token"]);
  // The rotated token again: someone else holds it. The whole family ends.
  auto reused = Refresh(server, first["refresh_token"]);
  EXPECT_EQ(reused.status, 401);
  EXPECT_NE(reused.Json()["detail"].get<std::string>().find("already used"), std::string::npos);
  EXPECT_EQ(Refresh(server, r2).status, 401);
  // Another sign-in is another family and keeps working.
  EXPECT_EQ(Refresh(server, other_session["refresh_token"]).status, 200);
  auto audit = server.http().Get("/v1/audit").Json();
  EXPECT_NE(audit.dump().find("refresh_reused"), std::string::npos) << audit.dump();
  EXPECT_EQ(Refresh(server, "rt_unknown").status, 401);
}

TEST(AuthTest, LogoutRevokesTheRefreshTokenAndTheAccessToken) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto tokens = server.SignInOwner();
  std::string access = tokens["access_token"];
  auto out = server.Anonymous().Request("POST", "/v1/auth/logout",
                                        json{{"refresh_token", tokens["refresh_token"]}}.dump(), Bearer(access));
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(Refresh(server, tokens["refresh_token"]).status, 401);
  EXPECT_EQ(Me(server, access).status, 401);
}

TEST(AuthTest, AdminFromTheEnvironmentIsTheFirstOwnerAndTokensSurviveARestart) {
  TempDir dir;
  Env env = {{"TGMUX_ADMIN_EMAIL", "root@example.test"}, {"TGMUX_ADMIN_PASSWORD", "root-password-1"}};
  std::string access;
  {
    TgmuxServer server(env, dir.path() / "data");
    ASSERT_TRUE(server.Start()) << server.process().Stderr();
    auto signed_in = SignIn(server, "root@example.test", "root-password-1");
    ASSERT_EQ(signed_in.status, 200) << signed_in.body;
    EXPECT_EQ(signed_in.Json()["user"]["role"], "owner");
    access = signed_in.Json()["access_token"];
    auto open = server.Anonymous().Post("/v1/auth/register", {{"email", "x@example.test"}, {"password", "xxxxxxxxxxxx"}});
    EXPECT_EQ(open.status, 403);
    EXPECT_EQ(server.Stop(), 0);
  }
  TgmuxServer again(env, dir.path() / "data");
  ASSERT_TRUE(again.Start()) << again.process().Stderr();
  EXPECT_EQ(Me(again, access).status, 200);  // the signing key is kept, sealed, in the store
}

TEST(AuthTest, FailedSignInsAreLimitedPerEmailAndPerAddress) {
  TgmuxServer server(Env{{"TGMUX_LIMIT_FAILED_LOGINS_EMAIL", "3/60"}, {"TGMUX_LIMIT_FAILED_LOGINS_IP", "5/60"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(SignIn(server, TgmuxServer::kOwnerEmail, "wrong-guess-" + std::to_string(i)).status, 401);
  auto blocked = SignIn(server, TgmuxServer::kOwnerEmail, TgmuxServer::kOwnerPassword);
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_EQ(blocked.Json()["code"], "flood_wait");
  EXPECT_GE(std::stoi(blocked.Header("retry-after")), 1);
  // Other emails from the same address count towards the address limit.
  EXPECT_EQ(SignIn(server, "someone@example.test", "wrong-guess-x").status, 401);
  EXPECT_EQ(SignIn(server, "someone-else@example.test", "wrong-guess-y").status, 401);
  EXPECT_EQ(SignIn(server, "third@example.test", "wrong-guess-z").status, 429);
}

TEST(AuthTest, AuthOffIsRefusedUnlessOnLoopbackAndWarnsLoudly) {
  TempDir dir;
  auto [status, text] = RunTgmux({{"TGMUX_AUTH", "off"}, {"TGMUX_LISTEN", "0.0.0.0:0"},
                                  {"TGMUX_DATA_DIR", (dir.path() / "data").string()}});
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("TGMUX_AUTH=\"off\": allowed only when listening on loopback"), std::string::npos) << text;

  TgmuxServer server(Env{{"TGMUX_AUTH", "off"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto me = server.Anonymous().Get("/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["tenant_id"], "default");
  EXPECT_NE(server.process().Stderr().find("authentication is OFF"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::testing
