// End-to-end: linked accounts over their life: listing, flags, unlink, restore
// after a crash, and a session revoked elsewhere.
#include <signal.h>

#include <thread>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

class AccountsTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
  }
};

TEST_F(AccountsTest, UnlinkLogsOutAtTelegramAndWipesEverything) {
  CreateUser("+15552001122", "Uma");
  auto account = Link("+15552001122");
  std::string id = account["id"];
  ASSERT_EQ(Sessions("+15552001122").size(), 1u);
  ASSERT_TRUE(std::filesystem::exists(data_dir_ / "accounts" / id));
  EXPECT_EQ(http().Request("DELETE", "/v1/accounts/" + id).status, 204);
  EXPECT_EQ(Sessions("+15552001122").size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(data_dir_ / "accounts" / id));
  EXPECT_EQ(http().Get("/v1/accounts/" + id).status, 404);
  EXPECT_EQ(http().Request("DELETE", "/v1/accounts/" + id).status, 404);
  auto audit = http().Get("/v1/audit").Json()["items"];
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0]["event"], "account_unlinked");
  EXPECT_EQ(audit[1]["event"], "account_linked");
  EXPECT_EQ(audit[1]["detail"]["account_id"], id);
  EXPECT_EQ(audit[1]["actor"], owner_["user"]["id"]);
  EXPECT_EQ(audit[1]["detail"]["phone_masked"], "+155******22");
}

TEST_F(AccountsTest, PatchRenamesAndDisables) {
  CreateUser("+15552002233", "Vic");
  std::string id = Link("+15552002233")["id"];
  auto renamed = http().Request("PATCH", "/v1/accounts/" + id, R"({"display_name":"Sales desk"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json()["display_name"], "Sales desk");
  auto disabled = http().Request("PATCH", "/v1/accounts/" + id, R"({"disabled":true})");
  EXPECT_EQ(disabled.Json()["status"], "disabled");
  auto enabled = http().Request("PATCH", "/v1/accounts/" + id, R"({"disabled":false})");
  EXPECT_NE(enabled.Json()["status"], "disabled");
  EXPECT_EQ(PollAccount(id, "active")["status"], "active");
  EXPECT_EQ(http().Request("PATCH", "/v1/accounts/" + id, R"({"disabled":"yes"})").status, 400);
}

TEST_F(AccountsTest, ProjectAndExternalIdsAreSetShownFilteredAndExternalIdsUnique) {
  CreateUser("+15552003344", "Wes");
  CreateUser("+15552004455", "Xia");
  std::string wes = Link("+15552003344")["id"];
  std::string xia = Link("+15552004455")["id"];
  EXPECT_TRUE(http().Get("/v1/accounts/" + wes).Json()["external_id"].is_null());
  auto labelled = http().Request("PATCH", "/v1/accounts/" + wes, R"({"project_id":"crm","external_id":"person-1"})");
  ASSERT_EQ(labelled.status, 200) << labelled.body;
  EXPECT_EQ(labelled.Json()["project_id"], "crm");
  EXPECT_EQ(labelled.Json()["external_id"], "person-1");
  auto taken = http().Request("PATCH", "/v1/accounts/" + xia, R"({"external_id":"person-1","project_id":"other"})");
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.Json()["code"], "conflict");
  EXPECT_TRUE(http().Get("/v1/accounts/" + xia).Json()["project_id"].is_null()) << "nothing of a refused patch applies";
  ASSERT_EQ(http().Request("PATCH", "/v1/accounts/" + xia, R"({"project_id":"crm"})").status, 200);
  auto crm = http().Get("/v1/accounts?project_id=crm").Json()["items"];
  EXPECT_EQ(crm.size(), 2u) << crm;
  auto person = http().Get("/v1/accounts?external_id=person-1").Json()["items"];
  ASSERT_EQ(person.size(), 1u) << person;
  EXPECT_EQ(person[0]["id"], wes);
  EXPECT_EQ(http().Get("/v1/accounts?project_id=crm&external_id=person-1").Json()["items"].size(), 1u);
  // null clears a label; then the key is free for another account.
  ASSERT_EQ(http().Request("PATCH", "/v1/accounts/" + wes, R"({"external_id":null})").status, 200);
  EXPECT_EQ(http().Request("PATCH", "/v1/accounts/" + xia, R"({"external_id":"person-1"})").status, 200);
  EXPECT_EQ(http().Request("PATCH", "/v1/accounts/" + xia, R"({"external_id":5})").status, 400);
}

TEST_F(AccountsTest, RestoresEveryAccountAfterKill9WithoutANewLogin) {
  CreateUser("+15552003344", "Walt");
  CreateUser("+15552004455", "Xena", {{"password", "pw-xena-123"}});
  std::string a = Link("+15552003344")["id"];
  std::string b = Link("+15552004455", "pw-xena-123")["id"];
  EXPECT_EQ(gateway_->Stop(SIGKILL), 128 + SIGKILL);
  StartGateway();
  EXPECT_EQ(PollAccount(a, "active")["status"], "active");
  EXPECT_EQ(PollAccount(b, "active")["status"], "active");
  EXPECT_EQ(Sessions("+15552003344").size(), 1u);
  EXPECT_EQ(Sessions("+15552004455").size(), 1u);
}

TEST_F(AccountsTest, SigintClosesEveryClientAndKeepsTheSessions) {
  CreateUser("+15552003355", "Wren");
  std::string id = Link("+15552003355")["id"];
  EXPECT_EQ(gateway_->Stop(SIGINT), 0);
  EXPECT_NE(gateway_->process().Stderr().find("tdlib: every client closed"), std::string::npos)
      << gateway_->process().Stderr();
  StartGateway();
  EXPECT_EQ(PollAccount(id, "active")["status"], "active");
  EXPECT_EQ(Sessions("+15552003355").size(), 1u);
}

TEST_F(AccountsTest, RemoteRevokeMarksTheAccountRevokedAndRelinkReplacesIt) {
  CreateUser("+15552005566", "Yuri");
  std::string old_id = Link("+15552005566")["id"];
  ASSERT_EQ(Control("POST", "/users/+15552005566/revoke").status, 204);
  auto revoked = PollAccount(old_id, "revoked", std::chrono::seconds(2));
  EXPECT_EQ(revoked["status"], "revoked");
  EXPECT_FALSE(revoked["last_error"].is_null());
  EXPECT_EQ(http().Get("/healthz").status, 200);

  std::string new_id = Link("+15552005566")["id"];
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(http().Get("/v1/accounts/" + old_id).status, 404);
  auto items = http().Get("/v1/accounts").Json()["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["status"], "active");
}

TEST_F(AccountsTest, ListPagesWithACursor) {
  for (int i = 0; i < 3; ++i) {
    std::string phone = "+1555200770" + std::to_string(i);
    CreateUser(phone, "Pager");
    Link(phone);
  }
  auto first = http().Get("/v1/accounts?limit=2").Json();
  ASSERT_EQ(first["items"].size(), 2u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  auto second = http().Get("/v1/accounts?limit=2&cursor=" + first["next_cursor"].get<std::string>()).Json();
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_TRUE(second["next_cursor"].is_null());
  EXPECT_EQ(http().Get("/v1/accounts?limit=0").status, 400);
}

TEST_F(AccountsTest, LoginsLeftUnfinishedByACrashAreCleanedUpAtStart) {
  CreateUser("+15552009911", "Orphan");
  ASSERT_EQ(StartPhoneLogin("+15552009911").status, 201);
  ASSERT_FALSE(std::filesystem::is_empty(data_dir_ / "accounts"));
  gateway_->Stop(SIGKILL);
  StartGateway();
  EXPECT_TRUE(std::filesystem::is_empty(data_dir_ / "accounts"));
}

// Whether `secret` stands in `content` on its own: not inside a longer run of
// digits, where a 5-digit login code also appears by chance (timestamps, ids).
bool Holds(const std::string& content, const std::string& secret) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (auto at = content.find(secret); at != std::string::npos; at = content.find(secret, at + 1)) {
    const bool digits_before = at > 0 && digit(content[at - 1]);
    const bool digits_after = at + secret.size() < content.size() && digit(content[at + secret.size()]);
    if (!digits_before && !digits_after) return true;
  }
  return false;
}

TEST_F(AccountsTest, NoClearTextSecretsInTheDataDirectoryOrTheLog) {
  CreateUser("+15552008899", "Zed", {{"password", "zed-secret-pass"}});
  auto started = StartPhoneLogin("+15552008899").Json();
  std::string code = LastCode("+15552008899");
  http().Post("/v1/logins/" + started["id"].get<std::string>() + "/code", {{"code", code}});
  auto done = http().Post("/v1/logins/" + started["id"].get<std::string>() + "/password",
                          {{"password", "zed-secret-pass"}});
  ASSERT_EQ(done.Json()["state"], "done") << done.body;
  // App-user credentials too: password, access and refresh tokens, an API key, an invite.
  std::string api_key = http().Post("/v1/api-keys", {{"name", "scan"}}).Json()["key"];
  std::string invite = http().Post("/v1/tenant/members", {{"email", "m@x.test"}}).Json()["invite"];
  auto refreshed = gateway_->Anonymous().Post("/v1/auth/refresh", {{"refresh_token", owner_["refresh_token"]}}).Json();
  gateway_->Anonymous().Post("/v1/auth/login", {{"email", TgmuxServer::kOwnerEmail}, {"password", "wrong-pass-guess"}});
  std::vector<std::string> secrets = {"15552008899", "zed-secret-pass", code, TgmuxServer::kOwnerPassword,
                                      "wrong-pass-guess", owner_["access_token"].get<std::string>(),
                                      owner_["refresh_token"].get<std::string>(),
                                      refreshed["access_token"].get<std::string>(),
                                      refreshed["refresh_token"].get<std::string>(), api_key, invite};
  gateway_->Stop(SIGTERM);
  std::string master_key = ReadFile(data_dir_ / "master.key");
  master_key = master_key.substr(0, master_key.find('\n'));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_)) {
    if (!entry.is_regular_file() || entry.path().filename() == "master.key") continue;
    std::string content = ReadFile(entry.path());
    for (const auto& secret : secrets) EXPECT_FALSE(Holds(content, secret)) << entry.path() << " " << secret;
    EXPECT_FALSE(Holds(content, master_key)) << entry.path();
  }
  std::string log = gateway_->process().Stderr() + gateway_->process().Stdout();
  secrets.push_back(master_key);
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(Holds(log, secret)) << secret;
  }
}

}  // namespace
}  // namespace tgmux::testing
