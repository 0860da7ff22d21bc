// End-to-end: credentials and account rows are cached so that reads are
// answered on the network thread (issue #19), yet every revocation the README
// promises still takes effect at once: each test uses a credential on a read
// that is served from the caches (twice: the first fills them), revokes, and
// reads again at once.
#include <gtest/gtest.h>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class AuthCacheTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_REGISTRATION", "open"}});  // a second tenant registers in one test
    CreateUser("+15552107001", "Cached");
    account_ = Link("+15552107001")["id"];
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const json& body = nullptr) {
    return gateway_->Anonymous().Request(method, target, body.is_null() ? "" : body.dump(),
                                         {{"Authorization", "Bearer " + token}});
  }
  // Reads the account twice with `token` (the first read fills the caches); both must succeed.
  void ReadTwice(const std::string& token) {
    for (int i = 0; i < 2; ++i) {
      auto read = As(token, "GET", "/v1/accounts/" + account_);
      ASSERT_EQ(read.status, 200) << read.body;
      ASSERT_EQ(read.Json()["id"], account_);
    }
  }
  // Invites `email` as `role` and registers; returns {user id, access token}.
  std::pair<std::string, std::string> Join(const std::string& email, const std::string& role) {
    auto invited = http().Post("/v1/tenant/members", {{"email", email}, {"role", role}});
    EXPECT_EQ(invited.status, 201) << invited.body;
    auto joined = gateway_->Anonymous().Post(
        "/v1/auth/register", {{"email", email}, {"password", "member-password"}, {"invite", invited.Json()["invite"]}});
    EXPECT_EQ(joined.status, 201) << joined.body;
    return {joined.Json()["user"].value("id", ""), joined.Json().value("access_token", "")};
  }

  std::string account_;
};

TEST_F(AuthCacheTest, ARevokedApiKeyStopsAtOnceAfterCachedReads) {
  auto created = http().Post("/v1/api-keys", {{"name", "reader"}, {"role", "operator"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key = created.Json()["key"];
  ReadTwice(key);
  ASSERT_EQ(http().Request("DELETE", "/v1/api-keys/" + created.Json()["id"].get<std::string>()).status, 204);
  EXPECT_EQ(As(key, "GET", "/v1/accounts/" + account_).status, 401);
  EXPECT_EQ(As(key, "GET", "/v1/accounts").status, 401);
}

TEST_F(AuthCacheTest, ALoggedOutAccessTokenStopsAtOnceAfterCachedReads) {
  auto session = gateway_->Anonymous().Post(
      "/v1/auth/login", {{"email", TgmuxServer::kOwnerEmail}, {"password", TgmuxServer::kOwnerPassword}});
  ASSERT_EQ(session.status, 200) << session.body;
  std::string access = session.Json()["access_token"];
  ReadTwice(access);
  auto out = As(access, "POST", "/v1/auth/logout", {{"refresh_token", session.Json()["refresh_token"]}});
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(As(access, "GET", "/v1/accounts/" + account_).status, 401);
  EXPECT_EQ(As(access, "GET", "/v1/me").status, 401);
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).status, 200) << "the owner's other session goes on";
}

TEST_F(AuthCacheTest, ARemovedMemberAndTheirKeysStopAtOnceAfterCachedReads) {
  auto [member, access] = Join("leaver@tgmux.test", "admin");
  auto key = As(access, "POST", "/v1/api-keys", {{"name", "theirs"}, {"role", "operator"}});
  ASSERT_EQ(key.status, 201) << key.body;
  ReadTwice(access);
  ReadTwice(key.Json()["key"]);
  ASSERT_EQ(http().Request("DELETE", "/v1/tenant/members/" + member).status, 204);
  EXPECT_EQ(As(access, "GET", "/v1/accounts/" + account_).status, 401);
  EXPECT_EQ(As(key.Json()["key"], "GET", "/v1/accounts/" + account_).status, 401);
}

TEST_F(AuthCacheTest, ADemotedMemberLosesTheRoleAtOnceAfterCachedUse) {
  auto [member, access] = Join("demoted@tgmux.test", "admin");
  ReadTwice(access);
  ASSERT_EQ(As(access, "GET", "/v1/api-keys").status, 200) << "admins list API keys";
  auto changed = http().Request("PATCH", "/v1/tenant/members/" + member, json{{"role", "operator"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(As(access, "GET", "/v1/api-keys").status, 403);
  EXPECT_EQ(As(access, "GET", "/v1/me").Json()["role"], "operator");
}

TEST_F(AuthCacheTest, ACachedAccountShowsEveryChangeAtOnce) {
  std::string token = owner_["access_token"];
  ReadTwice(token);
  auto patched = http().Request("PATCH", "/v1/accounts/" + account_, json{{"display_name", "Renamed"}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).Json()["display_name"], "Renamed");
  ReadTwice(token);
  ASSERT_EQ(http().Request("PATCH", "/v1/accounts/" + account_, json{{"disabled", true}}.dump()).status, 200);
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).Json()["status"], "disabled");
  ReadTwice(token);
  ASSERT_EQ(http().Request("DELETE", "/v1/accounts/" + account_).status, 204);
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).status, 404);
}

TEST_F(AuthCacheTest, AnotherTenantNeverReadsACachedAccount) {
  ReadTwice(owner_["access_token"]);
  auto other = gateway_->Anonymous().Post("/v1/auth/register",
                                          {{"email", "other-tenant@tgmux.test"}, {"password", "other-password"}});
  ASSERT_EQ(other.status, 201) << other.body;
  ASSERT_NE(other.Json()["user"]["tenant_id"], "default");
  std::string token = other.Json()["access_token"];
  for (int i = 0; i < 2; ++i) EXPECT_EQ(As(token, "GET", "/v1/accounts/" + account_).status, 404);
}

}  // namespace
}  // namespace tgmux::testing
