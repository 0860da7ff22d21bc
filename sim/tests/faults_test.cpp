// Flood waits and the network switch (tdlib-facts §6.3, §6.4; checklist item 10).
#include <chrono>

#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimFaults : public SimTest {};

TEST_F(SimFaults, ShortFloodWaitIsOnlyLatency) {
  ScriptedClient& client = LoggedIn("+15550601", "Flo");
  sim_->Control("POST", "/faults", {{"phone", "+15550601"}, {"method", "loadChats"}, {"flood_wait", 1}});
  auto start = std::chrono::steady_clock::now();
  auto reply = client.Request({{"@type", "loadChats"}, {"limit", 5}}, 5);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["message"], "Not Found");  // the normal answer, only later
  EXPECT_GE(elapsed, 0.9);
}

TEST_F(SimFaults, LongFloodWaitIs429) {
  ScriptedClient& client = LoggedIn("+15550602", "Lo");
  sim_->Control("POST", "/faults", {{"method", "loadChats"}, {"flood_wait", 120}});
  auto reply = client.Request({{"@type", "loadChats"}, {"limit", 5}}, 2);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], 429);
  EXPECT_EQ((*reply)["message"], "Too Many Requests: retry after 120");
}

TEST_F(SimFaults, SendFailureKeyedByOldMessageId) {
  ScriptedClient& client = LoggedIn("+15550603", "Sid");
  CreateUser("+15550604", "pal", {{"username", "pal"}});
  std::int64_t pal = client.RequestOk({{"@type", "searchPublicChat"}, {"username", "pal"}})["id"];
  sim_->Control("POST", "/faults", {{"method", "sendMessage"}, {"flood_wait", 300}});
  auto pending = client.RequestOk({{"@type", "sendMessage"}, {"chat_id", pal},
                                   {"input_message_content", {{"@type", "inputMessageText"},
                                                              {"text", {{"@type", "formattedText"}, {"text", "x"}}}}}});
  auto failed = client.WaitForType("updateMessageSendFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["old_message_id"], pending["id"]);
  EXPECT_EQ((*failed)["error"]["code"], 429);
  EXPECT_EQ((*failed)["message"]["sending_state"]["retry_after"], 300);
  EXPECT_EQ((*failed)["message"]["id"].get<std::int64_t>() % 8, 2);
}

TEST_F(SimFaults, NetworkDownHoldsRequestsUntilUp) {
  ScriptedClient& client = LoggedIn("+15550605", "Net");
  // Start-up reported Connecting then Ready; what follows is news.
  ASSERT_TRUE(client.WaitForType("updateConnectionState"));
  ASSERT_TRUE(client.WaitForType("updateConnectionState"));
  ASSERT_EQ(sim_->Control("POST", "/network", {{"up", false}}).status, 204);
  auto down = client.WaitForType("updateConnectionState");
  EXPECT_EQ((*down)["state"]["@type"], "connectionStateConnecting");
  client.Send({{"@type", "loadChats"}, {"limit", 5}, {"@extra", "held"}});
  EXPECT_FALSE(client.WaitFor([](const json& o) { return o.value("@extra", "") == "held"; }, 0.5));
  sim_->Control("POST", "/network", {{"up", true}});
  auto up = client.WaitForType("updateConnectionState");
  EXPECT_EQ((*up)["state"]["@type"], "connectionStateReady");
  EXPECT_TRUE(client.WaitFor([](const json& o) { return o.value("@extra", "") == "held"; }));
}

}  // namespace
}  // namespace tgsim::testing
