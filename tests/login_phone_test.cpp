// End-to-end: linking an account by phone number through the real tgmux binary
// against the simulated Telegram.
#include <filesystem>
#include <thread>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

class PhoneLoginTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
  }
};

TEST_F(PhoneLoginTest, CodeLinksTheAccount) {
  CreateUser("+15550001122", "Alice", {{"username", "alice"}});
  auto started = http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+1 (555) 000-11-22"}});
  ASSERT_EQ(started.status, 201) << started.body;
  auto login = started.Json();
  EXPECT_EQ(login["state"], "code_sent");
  EXPECT_EQ(login["phone_masked"], "+155******22");
  EXPECT_EQ(login["code"]["type"], "telegram_message");
  EXPECT_EQ(login["code"]["length"], 5);
  EXPECT_EQ(login["code"]["next_type"], "sms");
  EXPECT_TRUE(login["expires_at"].is_string());

  auto done = http().Post("/v1/logins/" + login["id"].get<std::string>() + "/code", {{"code", LastCode("+15550001122")}});
  ASSERT_EQ(done.status, 200) << done.body;
  auto account = done.Json()["account"];
  EXPECT_EQ(done.Json()["state"], "done");
  EXPECT_EQ(account["status"], "active");
  EXPECT_EQ(account["username"], "alice");
  EXPECT_EQ(account["display_name"], "Alice");
  EXPECT_EQ(account["phone_masked"], "+155******22");
  EXPECT_GT(account["telegram_user_id"].get<long long>(), 0);

  auto list = http().Get("/v1/accounts").Json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], account["id"]);
  auto sessions = Sessions("+15550001122");
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["device_model"], "tgmux");
  EXPECT_EQ(http().Get("/v1/logins/" + login["id"].get<std::string>()).Json()["state"], "done");
}

TEST_F(PhoneLoginTest, PasswordStepWithHintAndAWrongPasswordFirst) {
  CreateUser("+15550002233", "Bob", {{"password", "correct horse"}, {"password_hint", "horse"}});
  auto login = StartPhoneLogin("+15550002233").Json();
  std::string id = login["id"];
  auto step = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode("+15550002233")}});
  ASSERT_EQ(step.status, 200) << step.body;
  EXPECT_EQ(step.Json()["state"], "password_needed");
  EXPECT_EQ(step.Json()["password_hint"], "horse");
  EXPECT_EQ(http().Get("/v1/logins/" + id).Json()["password_hint"], "horse");

  auto wrong = http().Post("/v1/logins/" + id + "/password", {{"password", "battery staple"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.Json()["code"], "password_invalid");
  auto right = http().Post("/v1/logins/" + id + "/password", {{"password", "correct horse"}});
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(right.Json()["state"], "done");
  EXPECT_EQ(right.Json()["account"]["status"], "active");
}

TEST_F(PhoneLoginTest, WrongCodeThenRightCode) {
  CreateUser("+15550003344", "Carol");
  std::string id = StartPhoneLogin("+15550003344").Json()["id"];
  auto wrong = http().Post("/v1/logins/" + id + "/code", {{"code", "00000"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.Json()["code"], "code_invalid");
  EXPECT_EQ(wrong.Json()["attempts_left"], 4);
  auto right = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode("+15550003344")}});
  EXPECT_EQ(right.Json()["state"], "done") << right.body;
}

TEST_F(PhoneLoginTest, FiveWrongCodesFailTheLogin) {
  CreateUser("+15550004455", "Dan");
  std::string id = StartPhoneLogin("+15550004455").Json()["id"];
  for (int i = 0; i < 5; ++i) {
    auto wrong = http().Post("/v1/logins/" + id + "/code", {{"code", "00000"}});
    EXPECT_EQ(wrong.Json()["attempts_left"], 4 - i);
  }
  auto login = PollLogin(id, [](const auto& l) { return l["state"] == "failed"; });
  EXPECT_EQ(login["state"], "failed");
  EXPECT_EQ(login["error"]["code"], "code_invalid");
  auto after = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode("+15550004455")}});
  EXPECT_EQ(after.status, 404);
  EXPECT_EQ(http().Get("/v1/accounts").Json()["items"].size(), 0u);
}

TEST_F(PhoneLoginTest, ExpiredCodeThenResend) {
  CreateUser("+15550005566", "Erin");
  std::string id = StartPhoneLogin("+15550005566").Json()["id"];
  std::string old_code = LastCode("+15550005566");
  ASSERT_EQ(Control("POST", "/users/+15550005566/expire-code").status, 204);
  auto expired = http().Post("/v1/logins/" + id + "/code", {{"code", old_code}});
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.Json()["code"], "code_expired");
  auto resent = http().Post("/v1/logins/" + id + "/resend", nlohmann::json::object());
  ASSERT_EQ(resent.status, 200) << resent.body;
  EXPECT_EQ(resent.Json()["state"], "code_sent");
  EXPECT_EQ(resent.Json()["code"]["type"], "sms");
  auto done = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode("+15550005566")}});
  EXPECT_EQ(done.Json()["state"], "done") << done.body;
}

TEST_F(PhoneLoginTest, NewNumberRegisters) {
  std::string id = StartPhoneLogin("+15550006677").Json()["id"];
  auto step = http().Post("/v1/logins/" + id + "/code", {{"code", LastCode("+15550006677")}});
  ASSERT_EQ(step.status, 200) << step.body;
  EXPECT_EQ(step.Json()["state"], "registration_needed");
  EXPECT_EQ(http().Post("/v1/logins/" + id + "/register", nlohmann::json::object()).status, 400);
  auto done = http().Post("/v1/logins/" + id + "/register", {{"first_name", "Frank"}, {"last_name", "Fox"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["account"]["display_name"], "Frank Fox");
}

TEST_F(PhoneLoginTest, BadInputIsRefusedClearly) {
  auto bad_phone = http().Post("/v1/logins", {{"method", "phone"}, {"phone", "call me maybe"}});
  EXPECT_EQ(bad_phone.status, 400);
  EXPECT_EQ(bad_phone.Json()["code"], "invalid_phone");
  auto bad_method = http().Post("/v1/logins", {{"method", "pigeon"}});
  EXPECT_EQ(bad_method.Json()["code"], "invalid_request");
  EXPECT_NE(bad_method.Json()["detail"].get<std::string>().find("\"method\""), std::string::npos) << bad_method.body;
  EXPECT_EQ(http().Request("POST", "/v1/logins", "{not json").Json()["code"], "invalid_request");
  EXPECT_EQ(http().Get("/v1/logins/lgn_nope").status, 404);
  EXPECT_EQ(http().Post("/v1/logins/lgn_nope/code", {{"code", "1"}}).status, 404);
}

TEST_F(PhoneLoginTest, FloodWaitOnThePhoneStepIs429WithRetryAfter) {
  CreateUser("+15550007788", "Gina");
  auto fault = Control("POST", "/faults", {{"method", "setAuthenticationPhoneNumber"}, {"flood_wait", 120}});
  ASSERT_EQ(fault.status, 201) << fault.body.dump();
  auto limited = StartPhoneLogin("+15550007788");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("retry-after"), "120");
  EXPECT_EQ(limited.Json()["code"], "flood_wait");
  EXPECT_EQ(limited.Json()["retry_after"], 120);
}

TEST_F(PhoneLoginTest, CancelClosesTheClientAndWipesItsDirectory) {
  CreateUser("+15550008899", "Hank");
  std::string id = StartPhoneLogin("+15550008899").Json()["id"];
  ASSERT_TRUE(std::filesystem::exists(data_dir_ / "accounts"));
  EXPECT_FALSE(std::filesystem::is_empty(data_dir_ / "accounts"));
  auto cancelled = http().Request("DELETE", "/v1/logins/" + id);
  EXPECT_EQ(cancelled.status, 204);
  EXPECT_TRUE(std::filesystem::is_empty(data_dir_ / "accounts"));
  EXPECT_EQ(http().Get("/v1/logins/" + id).Json()["state"], "cancelled");
  EXPECT_EQ(http().Request("DELETE", "/v1/logins/" + id).status, 404);
}

TEST(PhoneLoginWithoutCredentials, AnswersTelegramNotConfigured) {
  TgmuxServer server(Env{{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  auto answer = server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+15550001122"}});
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.Json()["code"], "telegram_not_configured");
  EXPECT_NE(answer.Json()["detail"].get<std::string>().find("TELEGRAM_API_ID"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::testing

namespace tgmux::testing {
namespace {

TEST(PhoneLoginAgainstRealTdlib, TelegramUnreachableAfterTheDeadlineAndStillHealthy) {
  TgmuxServer server(Env{{"TELEGRAM_API_ID", "94575"},
                         {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"},
                         {"TGMUX_TELEGRAM_DEADLINE", "2"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.SignInOwner();
  auto started = std::chrono::steady_clock::now();
  auto answer = server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", "+15550001122"}});
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(answer.status, 504) << answer.body;
  EXPECT_EQ(answer.Json()["code"], "telegram_unreachable");
  EXPECT_GE(waited, std::chrono::seconds(2));
  EXPECT_EQ(server.http().Get("/healthz").status, 200);
  EXPECT_EQ(server.http().Get("/readyz").status, 200);
  // The failed login's TDLib directory goes away once its client has closed.
  EXPECT_TRUE(WaitUntil([&] { return std::filesystem::is_empty(server.data_dir() / "accounts"); },
                        std::chrono::seconds(5)));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace tgmux::testing
