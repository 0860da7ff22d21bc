// Phone and bot logins (tdlib-facts §5.2, §5.3, §5.6; checklist item 6).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimLogin : public SimTest {};

std::string MessageOf(const std::optional<json>& reply) { return reply ? reply->value("message", "") : "<none>"; }

// Index of the first object matching in the client's log; -1 when absent.
int IndexOf(const ScriptedClient& client, const std::function<bool(const json&)>& match) {
  for (std::size_t i = 0; i < client.log().size(); ++i) {
    if (match(client.log()[i])) return static_cast<int>(i);
  }
  return -1;
}

TEST_F(SimLogin, PhoneWithoutPasswordUpdatesBeforeOk) {
  CreateUser("+15550201", "Alice");
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550201"}});
  auto wait_code = client.WaitForAuthState("authorizationStateWaitCode");
  ASSERT_TRUE(wait_code);
  const json& info = (*wait_code)["authorization_state"]["code_info"];
  EXPECT_EQ(info["phone_number"], "+15550201");
  EXPECT_EQ(info["type"], json::parse(R"({"@type":"authenticationCodeTypeTelegramMessage","length":5})"));
  EXPECT_EQ(info["next_type"]["@type"], "authenticationCodeTypeSms");
  client.Send({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550201")}, {"@extra", "code"}});
  ASSERT_TRUE(client.WaitFor([](const json& o) { return o.value("@extra", "") == "code"; }));
  int my_id = IndexOf(client, [](const json& o) { return o.value("name", "") == "my_id"; });
  int user = IndexOf(client, [](const json& o) { return TypeOf(o) == "updateUser"; });
  int ready = IndexOf(client, [](const json& o) { return TypeOf(o) == "updateAuthorizationState" && StateOf(o) == "authorizationStateReady"; });
  int ok = IndexOf(client, [](const json& o) { return o.value("@extra", "") == "code"; });
  ASSERT_GE(my_id, 0);
  EXPECT_LT(my_id, ready);
  EXPECT_LT(user, ready);
  EXPECT_LT(ready, ok);  // the state update always precedes the ok
  EXPECT_EQ(client.RequestOk({{"@type", "getMe"}})["first_name"], "Alice");
}

TEST_F(SimLogin, WrongCodeKeepsWaitCode) {
  CreateUser("+15550202", "Bob");
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550202"}});
  std::string code = LastCode("+15550202");
  std::string wrong = code == "11111" ? "22222" : "11111";
  auto reply = client.Request({{"@type", "checkAuthenticationCode"}, {"code", wrong}});
  EXPECT_EQ((*reply)["code"], 400);
  EXPECT_EQ(MessageOf(reply), "PHONE_CODE_INVALID");
  EXPECT_EQ(TypeOf(client.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateWaitCode");
  client.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", code}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimLogin, ExpiredCodeThenResendWorksOnce) {
  CreateUser("+15550203", "Carol");
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550203"}});
  std::string code = LastCode("+15550203");
  ASSERT_EQ(sim_->Control("POST", "/users/%2B15550203/expire-code").status, 204);
  EXPECT_EQ(MessageOf(client.Request({{"@type", "checkAuthenticationCode"}, {"code", code}})), "PHONE_CODE_EXPIRED");
  client.RequestOk({{"@type", "resendAuthenticationCode"}});
  auto resent = client.WaitFor([](const json& o) {
    return o.value("/authorization_state/code_info/type/@type"_json_pointer, "") == "authenticationCodeTypeSms";
  });
  ASSERT_TRUE(resent);
  EXPECT_FALSE((*resent)["authorization_state"]["code_info"].contains("next_type"));
  EXPECT_EQ(MessageOf(client.Request({{"@type", "resendAuthenticationCode"}})), "Authentication code can't be resend");
  client.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550203")}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimLogin, PasswordWithHint) {
  CreateUser("+15550204", "Dave", {{"password", "secret"}, {"password_hint", "the usual"}});
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550204"}});
  client.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550204")}});
  auto wait_password = client.WaitForAuthState("authorizationStateWaitPassword");
  ASSERT_TRUE(wait_password);
  EXPECT_EQ((*wait_password)["authorization_state"]["password_hint"], "the usual");
  EXPECT_EQ(MessageOf(client.Request({{"@type", "checkAuthenticationPassword"}, {"password", "nope"}})),
            "PASSWORD_HASH_INVALID");
  EXPECT_EQ(TypeOf(client.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateWaitPassword");
  client.RequestOk({{"@type", "checkAuthenticationPassword"}, {"password", "secret"}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimLogin, UnknownNumberRegisters) {
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550205"}});
  client.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550205")}});
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateWaitRegistration"));
  EXPECT_EQ(MessageOf(client.Request({{"@type", "registerUser"}, {"first_name", " "}})), "First name must be non-empty");
  client.RequestOk({{"@type", "registerUser"}, {"first_name", "Eve"}, {"last_name", "New"}});
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateReady"));
  EXPECT_EQ(client.RequestOk({{"@type", "getMe"}})["last_name"], "New");
}

TEST_F(SimLogin, InvalidAndBannedNumbers) {
  ScriptedClient& client = StartedClient();
  EXPECT_EQ(MessageOf(client.Request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", ""}})),
            "Phone number must be non-empty");
  EXPECT_EQ(MessageOf(client.Request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "12"}})),
            "PHONE_NUMBER_INVALID");
  CreateUser("+15550206", "Mallory");
  ASSERT_EQ(sim_->Control("POST", "/users/+15550206/ban").status, 204);
  EXPECT_EQ(MessageOf(client.Request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550206"}})),
            "PHONE_NUMBER_BANNED");
  EXPECT_EQ(TypeOf(client.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateWaitPhoneNumber");
}

TEST_F(SimLogin, NewAuthQueryFailsTheOlderOne) {
  CreateUser("+15550207", "Frank");
  sim_->Control("POST", "/faults", {{"method", "setAuthenticationPhoneNumber"}, {"flood_wait", 2}});
  ScriptedClient& client = StartedClient();
  client.Send({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550207"}, {"@extra", "old"}});
  client.Send({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550207"}, {"@extra", "new"}});
  auto old = client.WaitFor([](const json& o) { return o.value("@extra", "") == "old"; });
  EXPECT_EQ(MessageOf(old), "Another authorization query has started");
  auto fresh = client.WaitFor([](const json& o) { return o.value("@extra", "") == "new"; });
  EXPECT_EQ(TypeOf(*fresh), "ok");
}

TEST_F(SimLogin, BotTokenAndSessionsRecordTheDevice) {
  auto bot = sim_->Control("POST", "/bots", {{"username", "helper_bot"}, {"first_name", "Helper"}});
  ScriptedClient& client = StartedClient();
  EXPECT_EQ(MessageOf(client.Request({{"@type", "checkAuthenticationBotToken"}, {"token", "1:bad"}})),
            "ACCESS_TOKEN_INVALID");
  client.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", bot.body["token"]}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
  LoggedIn("+15550208", "Grace");
  auto sessions = sim_->Control("GET", "/users/+15550208/sessions");
  ASSERT_EQ(sessions.body["sessions"].size(), 1u);
  EXPECT_EQ(sessions.body["sessions"][0]["device_model"], "SimTest Device");
  EXPECT_EQ(sessions.body["sessions"][0]["application_version"], "2.0, TDLib 1.8.65");
}

}  // namespace
}  // namespace tgsim::testing
