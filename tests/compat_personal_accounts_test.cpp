// End-to-end: the personal-accounts compatibility surface (docs/compat.md) on
// tgsim: QR login as a CRM's page drives it (poll, 2FA with a wrong password
// first), the project as an account label, flags, delete.
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kBase = "/api/personal-telegram-accounts";

class CompatPersonalAccountsTest : public LinkedGatewayTest {
 protected:
  void Start(Env extra = {}) {
    extra["TGMUX_COMPAT"] = "personal-accounts";
    StartGateway(extra);
  }
  json StartLogin(const json& body) {
    auto started = http().Post(std::string(kBase) + "/login", body);
    EXPECT_EQ(started.status, 201) << started.body;
    return started.Json();
  }
  json Status(const std::string& login_id) {
    auto answer = http().Get(std::string(kBase) + "/login/" + login_id);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.Json();
  }
  // Polls the login's status as the page does, until `wanted`; the last answer.
  json PollStatus(const std::string& login_id, const std::string& wanted) {
    json last;
    WaitUntil([&] {
      last = Status(login_id);
      return last["status"] == wanted;
    }, std::chrono::seconds(10));
    return last;
  }
  void Confirm(const std::string& link, const std::string& phone) {
    auto confirmed = Control("POST", "/qr/confirm", {{"link", link}, {"phone", phone}});
    ASSERT_EQ(confirmed.status, 204) << confirmed.body.dump();
  }
};

TEST_F(CompatPersonalAccountsTest, QrLoginWithPasswordIntoAProject) {
  Start();
  CreateUser("+15553001122", "Olga", {{"password", "olga-2fa-pass"}});
  auto login = StartLogin({{"project_id", "proj-1"}});
  std::string id = login["login_id"];
  std::string qr_url = login["qr_url"];
  EXPECT_EQ(qr_url.rfind("tg://login?token=", 0), 0u) << qr_url;
  EXPECT_TRUE(login["expires_at"].is_string()) << login;
  EXPECT_EQ(login["status"], "ready");
  // Never read since created: ready; read once: pending (the QR may be scanned any time now).
  EXPECT_EQ(Status(id)["status"], "ready");
  auto read = Status(id);
  EXPECT_EQ(read["status"], "pending");
  EXPECT_EQ(read["qr_url"].get<std::string>().rfind("tg://login?token=", 0), 0u);

  Confirm(read["qr_url"], "+15553001122");
  auto waiting = PollStatus(id, "password_required");
  ASSERT_EQ(waiting["status"], "password_required") << waiting;

  auto wrong = http().Post(std::string(kBase) + "/login/" + id + "/password", {{"password", "not-it"}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(wrong.Json()["code"], "password_invalid");
  EXPECT_EQ(wrong.Header("content-type"), "application/problem+json");
  EXPECT_EQ(Status(id)["status"], "password_required") << "a wrong password does not restart the QR";

  auto done = http().Post(std::string(kBase) + "/login/" + id + "/password", {{"password", "olga-2fa-pass"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["status"], "completed");
  auto account = done.Json()["account"];
  EXPECT_EQ(account["status"], "active");
  EXPECT_EQ(account["project_id"], "proj-1");
  EXPECT_EQ(account["client_id"], owner_["user"]["tenant_id"]);
  EXPECT_EQ(account["display_name"], "Olga");
  EXPECT_EQ(account["phone"], "+155******22");
  EXPECT_GT(account["telegram_user_id"].get<std::int64_t>(), 0);
  for (const char* field : {"accepts_private", "accepts_groups", "accepts_channels", "last_connected_at", "last_error"}) {
    EXPECT_TRUE(account.contains(field)) << field;
  }
  EXPECT_FALSE(account.contains("session_payload"));
  EXPECT_EQ(Status(id)["status"], "completed");

  // Listed, filtered by project; natively the same label.
  auto all = http().Get(kBase).Json();
  ASSERT_TRUE(all.is_array()) << all;
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["id"], account["id"]);
  EXPECT_EQ(http().Get(std::string(kBase) + "?project_id=proj-1").Json().size(), 1u);
  EXPECT_EQ(http().Get(std::string(kBase) + "?project_id=proj-2").Json().size(), 0u);
  auto native = http().Get("/v1/accounts?project_id=proj-1").Json()["items"];
  ASSERT_EQ(native.size(), 1u);
  EXPECT_EQ(native[0]["project_id"], "proj-1");
  EXPECT_TRUE(http().Get("/v1/accounts?project_id=proj-2").Json()["items"].empty());

  std::string account_id = account["id"];
  auto patched = http().Request("PATCH", std::string(kBase) + "/" + account_id,
                                json{{"accepts_channels", true}, {"accepts_groups", false}, {"display_name", "Olga W"}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["accepts_channels"], true);
  EXPECT_EQ(patched.Json()["accepts_groups"], false);
  EXPECT_EQ(patched.Json()["display_name"], "Olga W");
  EXPECT_EQ(http().Get("/v1/accounts/" + account_id).Json()["accepts_channels"], true);

  auto deleted = http().Request("DELETE", std::string(kBase) + "/" + account_id);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(http().Get(kBase).Json().empty());
  EXPECT_TRUE(Sessions("+15553001122").empty()) << "the session is revoked at Telegram";
  EXPECT_EQ(http().Request("DELETE", std::string(kBase) + "/" + account_id).status, 404);
}

TEST_F(CompatPersonalAccountsTest, QrLoginWithoutPasswordCompletes) {
  Start();
  CreateUser("+15553002233", "Pavel");
  auto login = StartLogin(json::object());
  Confirm(login["qr_url"], "+15553002233");
  auto done = PollStatus(login["login_id"], "completed");
  ASSERT_EQ(done["status"], "completed") << done;
  EXPECT_EQ(done["account"]["status"], "active");
  EXPECT_TRUE(done["account"]["project_id"].is_null());
}

TEST_F(CompatPersonalAccountsTest, StatusCarriesTheRenewedQrUrlThenExpires) {
  Start({{"TGMUX_QR_TIMEOUT", "4"}});
  auto login = StartLogin({{"project_id", "p"}});
  std::string first = login["qr_url"];
  json renewed;
  ASSERT_TRUE(WaitUntil([&] {
    renewed = Status(login["login_id"]);
    return renewed["qr_url"].is_string() && renewed["qr_url"] != first;
  }, std::chrono::seconds(10))) << renewed;
  EXPECT_EQ(renewed["status"], "pending");
  auto expired = PollStatus(login["login_id"], "expired");
  EXPECT_EQ(expired["status"], "expired") << expired;
  EXPECT_TRUE(expired["qr_url"].is_null());
}

TEST_F(CompatPersonalAccountsTest, ErrorsAreNativeProblems) {
  Start();
  auto unknown = http().Get(std::string(kBase) + "/login/login_nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Json()["code"], "not_found");
  auto bad = http().Post(std::string(kBase) + "/login", {{"project_id", 7}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["code"], "invalid_request");
  EXPECT_EQ(gateway_->Anonymous().Get(kBase).status, 401);
  auto patch = http().Request("PATCH", std::string(kBase) + "/acc_nope", R"({"display_name":"x"})");
  EXPECT_EQ(patch.status, 404);
}

}  // namespace
}  // namespace tgmux::testing
