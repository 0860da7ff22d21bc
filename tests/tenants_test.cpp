// End-to-end: API keys, invites and roles inside one tenant, and the audit log.
#include <gtest/gtest.h>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class TenantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.process().Stderr();
    owner_ = server_.SignInOwner();
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const json& body = nullptr) {
    return server_.Anonymous().Request(method, target, body.is_null() ? "" : body.dump(), Bearer(token));
  }
  // Invites `email` as `role` and registers with the invite; returns the new user's access token.
  std::string Join(const std::string& email, const std::string& role, const std::string& inviter = "") {
    auto invited = As(inviter.empty() ? owner_["access_token"].get<std::string>() : inviter, "POST",
                      "/v1/tenant/members", {{"email", email}, {"role", role}});
    EXPECT_EQ(invited.status, 201) << invited.body;
    auto joined = server_.Anonymous().Post(
        "/v1/auth/register", {{"email", email}, {"password", "member-password"}, {"invite", invited.Json()["invite"]}});
    EXPECT_EQ(joined.status, 201) << joined.body;
    return joined.Json().value("access_token", "");
  }

  TgmuxServer server_;
  json owner_;
};

TEST_F(TenantsTest, ApiKeysAreShownOnceAndRevokedKeysStopWorking) {
  auto created = server_.http().Post("/v1/api-keys", {{"name", "crm"}, {"role", "operator"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key = created.Json()["key"], id = created.Json()["id"];
  EXPECT_EQ(key.rfind("tgk_", 0), 0u);
  auto listed = server_.http().Get("/v1/api-keys");
  EXPECT_NE(listed.body.find(id), std::string::npos);
  EXPECT_EQ(listed.body.find(key), std::string::npos);  // shown once, stored hashed

  EXPECT_EQ(As(key, "GET", "/v1/accounts").status, 200);
  auto me = As(key, "GET", "/v1/me").Json();
  EXPECT_EQ(me["kind"], "api_key");
  EXPECT_EQ(me["role"], "operator");
  EXPECT_EQ(As(key, "POST", "/v1/api-keys", {{"name", "escalate"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(server_.http().Post("/v1/api-keys", {{"name", "boss"}, {"role", "owner"}}).status, 400);

  EXPECT_EQ(server_.http().Request("DELETE", "/v1/api-keys/" + id).status, 204);
  EXPECT_EQ(As(key, "GET", "/v1/accounts").status, 401);
  EXPECT_EQ(server_.http().Request("DELETE", "/v1/api-keys/" + id).status, 404);
  EXPECT_EQ(As(key + "x", "GET", "/v1/accounts").status, 401);
}

TEST_F(TenantsTest, InvitesAreOneTimeAndBoundToTheirEmail) {
  auto invited = server_.http().Post("/v1/tenant/members", {{"email", "ops@example.test"}, {"role", "operator"}});
  ASSERT_EQ(invited.status, 201) << invited.body;
  std::string invite = invited.Json()["invite"];
  auto anonymous = server_.Anonymous();
  auto wrong_email = anonymous.Post("/v1/auth/register",
                                    {{"email", "else@example.test"}, {"password", "member-password"}, {"invite", invite}});
  EXPECT_EQ(wrong_email.status, 403);
  auto joined = anonymous.Post("/v1/auth/register",
                               {{"email", "ops@example.test"}, {"password", "member-password"}, {"invite", invite}});
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(joined.Json()["user"]["role"], "operator");
  EXPECT_EQ(joined.Json()["user"]["tenant_id"], owner_["user"]["tenant_id"]);
  auto again = anonymous.Post("/v1/auth/register",
                              {{"email", "ops2@example.test"}, {"password", "member-password"}, {"invite", invite}});
  EXPECT_EQ(again.status, 403);
  auto members = server_.http().Get("/v1/tenant/members").Json();
  EXPECT_EQ(members["items"].size(), 2u);
  auto invites = server_.http().Get("/v1/tenant/invites").Json();
  ASSERT_EQ(invites["items"].size(), 1u) << invites;
  EXPECT_FALSE(invites["items"][0]["used_at"].is_null());
  EXPECT_EQ(invites.dump().find(invite), std::string::npos);
}

TEST_F(TenantsTest, OperatorsReadButCannotLinkUnlinkOrManageKeys) {
  std::string op = Join("op@example.test", "operator");
  EXPECT_EQ(As(op, "GET", "/v1/accounts").status, 200);
  EXPECT_EQ(As(op, "GET", "/v1/me").Json()["role"], "operator");
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/v1/logins"}, {"DELETE", "/v1/accounts/acc_x"}, {"PATCH", "/v1/accounts/acc_x"},
           {"POST", "/v1/api-keys"}, {"GET", "/v1/api-keys"}, {"POST", "/v1/tenant/members"}, {"GET", "/v1/audit"}}) {
    auto answer = As(op, method, target, json::object());
    EXPECT_EQ(answer.status, 403) << method << " " << target << " " << answer.body;
    EXPECT_EQ(answer.Json()["code"], "forbidden");
  }
  // Admins invite operators; only owners invite admins.
  std::string admin = Join("admin@example.test", "admin");
  EXPECT_EQ(As(admin, "POST", "/v1/tenant/members", {{"email", "a2@example.test"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(As(admin, "POST", "/v1/tenant/members", {{"email", "o2@example.test"}, {"role", "operator"}}).status, 201);
  EXPECT_EQ(As(admin, "GET", "/v1/audit").status, 200);
}

TEST_F(TenantsTest, AuditLogRecordsSecurityEventsWithoutSecrets) {
  auto anonymous = server_.Anonymous();
  anonymous.Post("/v1/auth/login", {{"email", TgmuxServer::kOwnerEmail}, {"password", "a-wrong-password"}});
  auto key = server_.http().Post("/v1/api-keys", {{"name", "bot"}}).Json();
  server_.http().Request("DELETE", "/v1/api-keys/" + key["id"].get<std::string>());
  auto audit = server_.http().Get("/v1/audit?limit=10");
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::vector<std::string> events;
  auto entries = audit.Json()["items"];  // a copy: the parsed document is a temporary
  for (const auto& entry : entries) events.push_back(entry["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"api_key_revoked", "api_key_created", "login_failed", "register"}))
      << audit.body;
  EXPECT_EQ(audit.Json()["items"][2]["ip"], "127.0.0.1");
  for (const std::string& secret : {std::string(TgmuxServer::kOwnerPassword), std::string("a-wrong-password"),
                                    key["key"].get<std::string>(), owner_["access_token"].get<std::string>(),
                                    owner_["refresh_token"].get<std::string>()}) {
    EXPECT_EQ(audit.body.find(secret), std::string::npos) << secret;
  }
  auto page = server_.http().Get("/v1/audit?limit=2").Json();
  ASSERT_EQ(page["items"].size(), 2u);
  ASSERT_TRUE(page["next_cursor"].is_string()) << page;
  auto rest = server_.http().Get("/v1/audit?limit=2&cursor=" + page["next_cursor"].get<std::string>()).Json();
  ASSERT_EQ(rest["items"].size(), 2u);
  EXPECT_EQ(rest["items"][1]["event"], "register");
  EXPECT_TRUE(rest["next_cursor"].is_null()) << "the last page says so";
}

}  // namespace
}  // namespace tgmux::testing
