// QR-code login (tdlib-facts §5.5; checklist item 7).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimQr : public SimTest {
 protected:
  std::vector<std::string> TgsimArgs() override { return {"--qr-period", "0.3"}; }

  std::string NextLink(ScriptedClient& client) {
    auto state = client.WaitForAuthState("authorizationStateWaitOtherDeviceConfirmation", 3);
    return state ? (*state)["authorization_state"].value("link", "") : "";
  }
};

TEST_F(SimQr, LinkRenewsAndConfirmationLogsIn) {
  CreateUser("+15550301", "Quinn");
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "requestQrCodeAuthentication"}, {"other_user_ids", json::array()}});
  std::string first = NextLink(client);
  std::string second = NextLink(client);
  ASSERT_EQ(first.rfind("tg://login?token=", 0), 0u);
  EXPECT_NE(first, second);  // re-emitted with a new token every period
  EXPECT_EQ(client.Request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550301"}})->value("message", ""),
            "Call to setAuthenticationPhoneNumber unexpected");
  EXPECT_EQ(sim_->Control("POST", "/qr/confirm", {{"link", first}, {"phone", "+15550301"}}).status, 404);
  std::string current = client.RequestOk({{"@type", "getAuthorizationState"}})["link"];
  ASSERT_EQ(sim_->Control("POST", "/qr/confirm", {{"link", current}, {"phone", "+15550301"}}).status, 204);
  ASSERT_TRUE(client.WaitForAuthState("authorizationStateReady"));
  EXPECT_EQ(client.RequestOk({{"@type", "getMe"}})["first_name"], "Quinn");
}

TEST_F(SimQr, ConfirmationWithPasswordAsksForIt) {
  CreateUser("+15550302", "Rita", {{"password", "pw"}, {"password_hint", "pet"}});
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "requestQrCodeAuthentication"}});
  std::string link = NextLink(client);
  ASSERT_EQ(sim_->Control("POST", "/qr/confirm", {{"link", link}, {"phone", "+15550302"}}).status, 204);
  auto wait_password = client.WaitForAuthState("authorizationStateWaitPassword");
  ASSERT_TRUE(wait_password);
  EXPECT_EQ((*wait_password)["authorization_state"]["password_hint"], "pet");
  client.RequestOk({{"@type", "checkAuthenticationPassword"}, {"password", "pw"}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateReady"));
}

TEST_F(SimQr, OnlyLogOutLeavesTheQrState) {
  ScriptedClient& client = StartedClient();
  client.RequestOk({{"@type", "requestQrCodeAuthentication"}});
  NextLink(client);
  EXPECT_EQ(client.Request({{"@type", "requestQrCodeAuthentication"}})->value("message", ""),
            "Call to requestQrCodeAuthentication unexpected");
  client.RequestOk({{"@type", "logOut"}});
  EXPECT_TRUE(client.WaitForAuthState("authorizationStateClosed"));
}

}  // namespace
}  // namespace tgsim::testing
