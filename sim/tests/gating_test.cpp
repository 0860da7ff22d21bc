// tdlib-facts §3 and §4.2 (checklist item 5): answers by authorization state.
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimGating : public SimTest {};

std::string MessageOf(const std::optional<json>& reply) { return reply ? reply->value("message", "") : "<none>"; }

TEST_F(SimGating, BeforeParametersEverythingElseIs400) {
  ScriptedClient& client = NewClient();
  for (const char* method : {"getMe", "logOut", "destroy", "getChats"}) {
    auto reply = client.Request({{"@type", method}});
    ASSERT_TRUE(reply) << method;
    EXPECT_EQ((*reply)["code"], 400) << method;
    EXPECT_EQ(MessageOf(reply), "Initialization parameters are needed: call setTdlibParameters first");
  }
}

TEST_F(SimGating, PreauthenticationRequestIsAnsweredAfterInit) {
  ScriptedClient& client = NewClient();
  client.Send({{"@type", "getOption"}, {"name", "my_id"}, {"@extra", "early"}});
  EXPECT_FALSE(client.WaitFor([](const json& o) { return o.contains("@extra"); }, 0.3));
  client.RequestOk(Parameters(TempDir()));
  auto answer = client.WaitFor([](const json& o) { return o.value("@extra", "") == "early"; });
  ASSERT_TRUE(answer);
  EXPECT_EQ(TypeOf(*answer), "optionValueEmpty");
}

TEST_F(SimGating, NotAuthorizedIs401AndWrongStateIsCallUnexpected) {
  ScriptedClient& client = StartedClient();
  for (const char* method : {"getMe", "getChats", "sendMessage"}) {
    auto reply = client.Request({{"@type", method}});
    EXPECT_EQ((*reply)["code"], 401) << method;
    EXPECT_EQ(MessageOf(reply), "Unauthorized");
  }
  EXPECT_EQ(MessageOf(client.Request({{"@type", "checkAuthenticationCode"}, {"code", "1"}})),
            "Call to checkAuthenticationCode unexpected");
  EXPECT_EQ(MessageOf(client.Request(Parameters(TempDir()))), "Unexpected setTdlibParameters");
}

TEST_F(SimGating, ParametersAreValidatedAndRetryable) {
  ScriptedClient& client = NewClient();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"api_hash", "Valid api_hash must be provided. Can be obtained at https://my.telegram.org"},
      {"system_language_code", "System language code must be non-empty"},
      {"application_version", "Application version must be non-empty"},
  };
  for (const auto& [field, message] : cases) {
    json parameters = Parameters(TempDir());
    parameters[field] = "";
    EXPECT_EQ(MessageOf(client.Request(parameters)), message);
  }
  client.RequestOk(Parameters(TempDir()));
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateWaitPhoneNumber"));
}

TEST_F(SimGating, AfterCloseEverythingIs500) {
  ScriptedClient& client = StartedClient();
  client.Send({{"@type", "close"}, {"@extra", "c1"}});
  client.Send({{"@type", "close"}, {"@extra", "c2"}});
  auto first = client.WaitFor([](const json& o) { return o.value("@extra", "") == "c1"; });
  auto second = client.WaitFor([](const json& o) { return o.value("@extra", "") == "c2"; });
  EXPECT_EQ(TypeOf(*first), "ok");
  EXPECT_EQ(MessageOf(second), "Request aborted");
  EXPECT_EQ((*second)["code"], 500);
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  EXPECT_EQ(MessageOf(client.Request({{"@type", "getMe"}})), "Request aborted");
}

TEST_F(SimGating, BotsCannotUseUserMethods) {
  auto bot = sim_->Control("POST", "/bots", {{"username", "gate_bot"}, {"first_name", "Gate"}});
  ASSERT_EQ(bot.status, 201);
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", bot.body["token"]}});
  EXPECT_EQ(MessageOf(client.Request({{"@type", "loadChats"}, {"limit", 10}})),
            "The method is not available to bots");
  EXPECT_EQ(client.RequestOk({{"@type", "getMe"}})["type"]["@type"], "userTypeBot");
}

}  // namespace
}  // namespace tgsim::testing
