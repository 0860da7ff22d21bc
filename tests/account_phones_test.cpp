// End-to-end: accounts and their phone numbers. A number already linked in the
// tenant is refused when the login starts, before Telegram sends a code; and
// GET /v1/accounts?phone= finds an account by its number in any common form.
#include <signal.h>


#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

class AccountPhonesTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_REGISTRATION", "open"}});
  }

  // Links `phone` by QR code: Telegram never sends it a login code.
  nlohmann::json LinkByQr(const std::string& phone) {
    auto login = http().Post("/v1/logins", {{"method", "qr"}}).Json();
    auto confirmed = Control("POST", "/qr/confirm", {{"link", login["qr"]["link"]}, {"phone", phone}});
    EXPECT_EQ(confirmed.status, 204) << confirmed.body.dump();
    auto done = PollLogin(login["id"], [](const auto& l) { return l["state"] == "done"; });
    EXPECT_EQ(done["state"], "done") << done.dump();
    return done["account"];
  }

  // The owner of a second tenant.
  HttpClient OtherTenant() {
    auto owner = gateway_->Anonymous().Post("/v1/auth/register",
                                             {{"email", "owner@b.test"}, {"password", "tenant-b-pw-1"}});
    EXPECT_EQ(owner.status, 201) << owner.body;
    HttpClient client = gateway_->Anonymous();
    client.SetDefaultHeader("Authorization", "Bearer " + owner.Json()["access_token"].get<std::string>());
    return client;
  }

  int CodeStatus(const std::string& phone) { return Control("GET", "/users/" + phone + "/code").status; }
};

TEST_F(AccountPhonesTest, ALinkedNumberIsAConflictAtOnceAndNoCodeIsSent) {
  CreateUser("+15553000022", "Olena");
  std::string id = LinkByQr("+15553000022")["id"];
  ASSERT_EQ(CodeStatus("+15553000022"), 404);
  auto again = http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+1 (555) 300-00-22"}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Json()["code"], "conflict");
  EXPECT_EQ(again.Json()["account_id"], id);
  EXPECT_EQ(CodeStatus("+15553000022"), 404);  // Telegram was not asked for a code
  EXPECT_EQ(Sessions("+15553000022").size(), 1u);
}

// The same Telegram user by QR code: only Telegram's answer tells who it is.
TEST_F(AccountPhonesTest, LinkingAnActiveUserAgainByQrFailsNamingTheAccount) {
  CreateUser("+15553000011", "Ivo");
  std::string id = Link("+15553000011")["id"];
  auto login = http().Post("/v1/logins", {{"method", "qr"}}).Json();
  ASSERT_EQ(Control("POST", "/qr/confirm", {{"link", login["qr"]["link"]}, {"phone", "+15553000011"}}).status, 204);
  auto failed = PollLogin(login["id"], [](const auto& l) { return l["state"] == "failed"; });
  EXPECT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"]["code"], "conflict");
  EXPECT_EQ(failed["error"]["account_id"], id);
  EXPECT_EQ(http().Get("/v1/accounts").Json()["items"].size(), 1u);
}

TEST_F(AccountPhonesTest, ADisabledAccountKeepsItsNumberAndNoNewCodeIsSent) {
  CreateUser("+15553001122", "Ivy");
  std::string id = Link("+15553001122")["id"];
  ASSERT_EQ(http().Request("PATCH", "/v1/accounts/" + id, R"({"disabled":true})").status, 200);
  std::string code = LastCode("+15553001122");
  auto again = StartPhoneLogin("00 1 555 300 11 22");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Json()["account_id"], id);
  EXPECT_EQ(LastCode("+15553001122"), code);
  EXPECT_EQ(http().Get("/v1/accounts").Json()["items"].size(), 1u);
}

TEST_F(AccountPhonesTest, ARevokedAccountsNumberMayLogInAgain) {
  CreateUser("+15553002233", "Yuri");
  std::string old_id = Link("+15553002233")["id"];
  ASSERT_EQ(Control("POST", "/users/+15553002233/revoke").status, 204);
  ASSERT_EQ(PollAccount(old_id, "revoked")["status"], "revoked");
  auto started = StartPhoneLogin("+15553002233");
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_EQ(started.Json()["state"], "code_sent");
  auto done = http().Post("/v1/logins/" + started.Json()["id"].get<std::string>() + "/code",
                          {{"code", LastCode("+15553002233")}});
  ASSERT_EQ(done.Json()["state"], "done") << done.body;
  auto found = http().Get("/v1/accounts?phone=%2B15553002233").Json()["items"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["id"], done.Json()["account"]["id"]);
  EXPECT_NE(found[0]["id"], old_id);
}

TEST_F(AccountPhonesTest, AnotherTenantsAccountOfTheNumberIsNoConflict) {
  CreateUser("+15553003344", "Bea");
  Link("+15553003344");
  auto other = OtherTenant();
  auto started = other.Post("/v1/logins", {{"method", "phone"}, {"phone", "+15553003344"}});
  ASSERT_EQ(started.status, 201) << started.body;
  auto done = other.Post("/v1/logins/" + started.Json()["id"].get<std::string>() + "/code",
                         {{"code", LastCode("+15553003344")}});
  EXPECT_EQ(done.Json()["state"], "done") << done.body;
}

TEST_F(AccountPhonesTest, FindsAnAccountByItsNumberInAnyForm) {
  CreateUser("+15553004455", "Olena");
  CreateUser("+15553004466", "Other");
  std::string id = Link("+15553004455")["id"];
  Link("+15553004466");
  // URL-encoded "+1 555 300 4455", digits only, the "00" prefix, "+" left
  // unencoded (a space to HTTP), dashes and brackets.
  for (const char* typed : {"%2B1%20555%20300%204455", "15553004455", "0015553004455", "+15553004455",
                            "%2B1-(555)-300-44-55"}) {
    auto answer = http().Get(std::string("/v1/accounts?phone=") + typed);
    ASSERT_EQ(answer.status, 200) << typed << " " << answer.body;
    auto body = answer.Json();
    ASSERT_EQ(body["items"].size(), 1u) << typed;
    EXPECT_EQ(body["items"][0]["id"], id) << typed;
    EXPECT_EQ(body["items"][0]["phone_masked"], "+155******55");
    EXPECT_TRUE(body["next_cursor"].is_null());
  }
}

TEST_F(AccountPhonesTest, AnInvalidNumberIs400AndAnUnknownOneFindsNothing) {
  auto bad = http().Get("/v1/accounts?phone=call-me");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["code"], "invalid_phone");
  auto none = http().Get("/v1/accounts?phone=%2B15553009999");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.Json()["items"], nlohmann::json::array());
  EXPECT_TRUE(none.Json()["next_cursor"].is_null());
}

TEST_F(AccountPhonesTest, AnotherTenantsAccountIsNotFound) {
  CreateUser("+15553005566", "Cleo");
  Link("+15553005566");
  auto other = OtherTenant().Get("/v1/accounts?phone=%2B15553005566");
  ASSERT_EQ(other.status, 200);
  EXPECT_TRUE(other.Json()["items"].empty());
}

TEST_F(AccountPhonesTest, AQrLinkedAccountIsFoundByTheNumberTelegramReports) {
  CreateUser("+15553006677", "Quinn");
  std::string id = LinkByQr("+15553006677")["id"];
  auto found = http().Get("/v1/accounts?phone=15553006677").Json()["items"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["id"], id);
}

// Accounts linked before digests existed: one with its sealed phone gets its
// digest at start, one without when its client is ready and Telegram says.
TEST_F(AccountPhonesTest, AccountsLinkedBeforeDigestsAreFoundAfterARestart) {
  CreateUser("+15553007788", "Sealed");
  CreateUser("+15553008899", "Reported");
  std::string sealed = Link("+15553007788")["id"];
  std::string reported = Link("+15553008899")["id"];
  gateway_->Stop(SIGTERM);
  ExecStoreSql(data_dir_, "UPDATE accounts SET phone_digest = ''");
  ExecStoreSql(data_dir_, "UPDATE accounts SET phone_sealed = '' WHERE id = '" + reported + "'");
  StartGateway();
  auto found = http().Get("/v1/accounts?phone=%2B15553007788").Json()["items"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["id"], sealed);
  nlohmann::json items = nlohmann::json::array();
  WaitUntil(
      [&] {
        items = http().Get("/v1/accounts?phone=%2B15553008899").Json()["items"];
        return !items.empty();
      },
      std::chrono::seconds(10));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["id"], reported);
}

}  // namespace
}  // namespace tgmux::testing
