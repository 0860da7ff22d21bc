// close / logOut / destroy / remote revoke and the local session directory
// (tdlib-facts §5.8, §5.9, §9; checklist items 8, 9, 14).
#include <chrono>
#include <filesystem>

#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimLifecycle : public SimTest {
 protected:
  static constexpr const char* kKey = "c2VjcmV0LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEy";
};

using Strings = std::vector<std::string>;

TEST_F(SimLifecycle, CloseGoesClosingThenClosedOnce) {
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  client.Collect(0.2);
  EXPECT_EQ(Tail(AuthStates(client), 2), (Strings{"authorizationStateClosing", "authorizationStateClosed"}));
  int closed = 0;
  for (const auto& s : AuthStates(client)) closed += s == "authorizationStateClosed";
  EXPECT_EQ(closed, 1);
}

TEST_F(SimLifecycle, LogOutHasNoClosingAndWipesTheDirectory) {
  std::string dir = TempDir();
  ScriptedClient& client = LoggedIn("+15550401", "Lou", dir);
  EXPECT_TRUE(std::filesystem::exists(dir + "/td.binlog"));
  client.Send({{"@type", "logOut"}, {"@extra", "bye"}});
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  EXPECT_EQ(Tail(AuthStates(client), 3), (Strings{"authorizationStateReady", "authorizationStateLoggingOut",
                                             "authorizationStateClosed"}));
  EXPECT_TRUE(client.WaitFor([](const json& o) { return o.value("@extra", "") == "bye"; }));
  EXPECT_FALSE(std::filesystem::exists(dir + "/td.binlog"));
  EXPECT_TRUE(std::filesystem::exists(dir));
  EXPECT_TRUE(sim_->Control("GET", "/users/+15550401/sessions").body["sessions"].empty());
}

TEST_F(SimLifecycle, DestroyAnswersOkThenLoggingOutThenClosed) {
  std::string dir = TempDir();
  ScriptedClient& client = LoggedIn("+15550402", "Dee", dir);
  client.RequestOk({{"@type", "destroy"}});
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  EXPECT_EQ(Tail(AuthStates(client), 2), (Strings{"authorizationStateLoggingOut", "authorizationStateClosed"}));
  EXPECT_FALSE(std::filesystem::exists(dir + "/td.binlog"));
  EXPECT_EQ(client.Request({{"@type", "getMe"}})->value("message", ""), "Request aborted");
}

TEST_F(SimLifecycle, RemoteRevokeFailsPendingRequestsAndWipes) {
  std::string dir = TempDir();
  ScriptedClient& client = LoggedIn("+15550403", "Rae", dir);
  sim_->Control("POST", "/network", {{"up", false}});
  client.Send({{"@type", "loadChats"}, {"limit", 10}, {"@extra", "pending"}});
  ASSERT_EQ(sim_->Control("POST", "/users/+15550403/revoke").status, 204);
  auto pending = client.WaitFor([](const json& o) { return o.value("@extra", "") == "pending"; });
  ASSERT_TRUE(pending);
  EXPECT_EQ((*pending)["code"], 401);
  EXPECT_EQ((*pending)["message"], "Unauthorized");
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
  EXPECT_EQ(Tail(AuthStates(client), 2), (Strings{"authorizationStateLoggingOut", "authorizationStateClosed"}));
  EXPECT_FALSE(std::filesystem::exists(dir + "/td.binlog"));
  sim_->Control("POST", "/network", {{"up", true}});
}

TEST_F(SimLifecycle, RestartWithSameKeyRestoresReady) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550404", "Sam", dir, kKey);
  first.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(dir, kKey));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateReady"));
  EXPECT_EQ(second.RequestOk({{"@type", "getMe"}})["first_name"], "Sam");
  EXPECT_EQ(sim_->Control("GET", "/users/+15550404/sessions").body["sessions"].size(), 1u);
}

TEST_F(SimLifecycle, WrongKeyIs401AndRetryable) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550405", "Kim", dir, kKey);
  first.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  ScriptedClient& second = NewClient();
  for (const char* wrong : {"", "d3Jvbmcta2V5"}) {
    auto reply = second.Request(Parameters(dir, wrong));
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)["code"], 401);
    EXPECT_EQ((*reply)["message"], "Wrong database encryption key");
    EXPECT_EQ(TypeOf(second.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateWaitTdlibParameters");
  }
  second.RequestOk(Parameters(dir, kKey));
  EXPECT_TRUE(second.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimLifecycle, SessionRevokedWhileAwayLogsOutOnRestart) {
  std::string dir = TempDir();
  ScriptedClient& first = LoggedIn("+15550406", "Ned", dir);
  first.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  sim_->Control("POST", "/users/+15550406/revoke");
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(dir));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateClosed"));
  EXPECT_EQ(Tail(AuthStates(second), 3), (Strings{"authorizationStateReady", "authorizationStateLoggingOut",
                                              "authorizationStateClosed"}));
  EXPECT_FALSE(std::filesystem::exists(dir + "/td.binlog"));
}

// The library opens the database itself, so it must see setTdlibParameters however its
// name is written: the library passes other requests to tgsim without reading them.
TEST_F(SimLifecycle, ParametersWhoseTypeIsWrittenWithEscapesOpenTheDatabase) {
  std::string dir = TempDir();
  ScriptedClient& client = NewClient();
  std::string raw = Parameters(dir).dump();
  raw.replace(raw.find("setTdlibParameters"), 18, "set\\u0054dlibParameters");
  client.SendRaw(raw);
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateWaitPhoneNumber"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/td.binlog"));
}

TEST_F(SimLifecycle, RestartInTheMiddleOfALoginResumesIt) {
  std::string dir = TempDir();
  CreateUser("+15550407", "Mid", {{"password", "pw"}});
  ScriptedClient& first = StartedClient(dir);
  first.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550407"}});
  first.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  ScriptedClient& second = NewClient();
  second.RequestOk(Parameters(dir));
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateWaitCode"));
  second.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", LastCode("+15550407")}});
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateWaitPassword"));
  second.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateClosed"));
  ScriptedClient& third = NewClient();
  third.RequestOk(Parameters(dir));
  ASSERT_TRUE(third.WaitForAuthState("authorizationStateWaitPassword"));
  third.RequestOk({{"@type", "checkAuthenticationPassword"}, {"password", "pw"}});
  EXPECT_TRUE(third.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimLifecycle, DirectoryInUseFailsAfterTenSecondsAndStaysRetryable) {
  std::string dir = TempDir();
  ScriptedClient& first = StartedClient(dir);
  ScriptedClient& second = NewClient();
  auto start = std::chrono::steady_clock::now();
  auto reply = second.Request(Parameters(dir), 15);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["message"], "Can't lock file \"" + dir + "/td.binlog\", because it is already in use by current program");
  EXPECT_GE(waited, 9.5);
  EXPECT_EQ(TypeOf(second.RequestOk({{"@type", "getAuthorizationState"}})), "authorizationStateWaitTdlibParameters");
  // When the first client closes within the window, the retry simply succeeds.
  second.Send(Parameters(dir));
  first.RequestOk({{"@type", "close"}});
  EXPECT_TRUE(second.WaitForAuthState("authorizationStateWaitPhoneNumber", 5));
}

}  // namespace
}  // namespace tgsim::testing
