// End-to-end: the work-group relay under load (docs/relay.md): a burst beyond
// Telegram's limit for a bot in a group is merged and nothing is lost, kill -9
// while 20 customers write loses and repeats nothing, 20 accounts share one
// group. The world: tests/support/relay_fixture.h.
#include <atomic>
#include <csignal>
#include <thread>

#include "tests/support/relay_fixture.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

TEST_F(RelayTest, ABurstBeyondTheGroupLimitIsMergedAndNothingIsLost) {
  SetUpWorld();
  StartRelay();
  auto text = [](int i) { return "line " + std::to_string(100 + i) + "."; };
  for (int i = 0; i < 30; ++i) Writes(kAnna, text(i));
  // While posts wait for the group's pace, the relay shows how many.
  EXPECT_TRUE(WaitUntil([&] {
    return http().Get("/v1/accounts/" + ivan_id_ + "/relay").Json().value("backlog", 0) > 0;
  }, std::chrono::seconds(10)));
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(WaitUntil([&] { return Posts("line 129.", topic_id) == 1; }, std::chrono::seconds(60)))
      << GroupMessages(topic_id);
  std::string all;
  int posts = 0;
  for (const auto& m : GroupMessages(topic_id)) {
    if (m.value("from", "") != "@desk_bot") continue;
    all += m.value("text", "") + "\n";
    ++posts;
  }
  std::size_t at = 0;
  for (int i = 0; i < 30; ++i) {
    auto found = all.find(text(i), at);
    ASSERT_NE(found, std::string::npos) << text(i) << " once and in order: " << all;
    at = found + 1;
    EXPECT_EQ(all.find(text(i), found + 1), std::string::npos) << text(i) << " twice: " << all;
  }
  EXPECT_LT(posts, 30) << "messages that waited for Telegram's pace are merged: " << all;
  auto flood = Control("POST", "/limits", json::object());
  EXPECT_EQ(flood.body.value("bot_flood_waits", -1), 0) << "tgmux keeps to the group limit: " << flood.body;
}


// kill -9 while 20 customers send 200 messages: afterwards every message is in
// its customer's topic once, in the order it was sent.
TEST_F(RelayTest, AKillMinusNineDuringTwoHundredMessagesNeitherLosesNorRepeatsOne) {
  SetUpWorld(true, true, true, Unpaced());
  UnpacedSim();
  StartRelay();
  constexpr int kCustomers = 20, kEach = 10;
  std::vector<std::string> phones;
  for (int c = 0; c < kCustomers; ++c) {
    phones.push_back("+1555000420" + std::string(c < 10 ? "0" : "") + std::to_string(c));
    CreateUser(phones.back(), "Customer" + std::to_string(c));
  }
  auto text = [](int c, int i) { return "c" + std::to_string(100 + c) + " m" + std::to_string(100 + i) + "."; };
  std::atomic<int> said{0};
  std::thread writers([&] {
    for (int i = 0; i < kEach; ++i) {
      for (int c = 0; c < kCustomers; ++c) {
        auto sent = Control("POST", "/messages", {{"from", phones[c]}, {"to", kIvan}, {"text", text(c, i)}});
        if (sent.status == 201) ++said;
      }
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return said >= 50; }, std::chrono::seconds(60)));
  gateway_->Stop(SIGKILL);
  ASSERT_TRUE(WaitUntil([&] { return said >= 150; }, std::chrono::seconds(60)));
  StartGateway(env_);
  writers.join();
  ASSERT_EQ(said, kCustomers * kEach);

  std::map<std::string, std::int64_t> topics;
  ASSERT_TRUE(WaitUntil([&] {
    topics.clear();
    for (const auto& t : Topics()) topics[t.value("name", "")] = t["forum_topic_id"];
    return topics.size() >= kCustomers;
  }, std::chrono::seconds(60))) << Topics();
  EXPECT_EQ(topics.size(), static_cast<std::size_t>(kCustomers)) << "one topic per customer: " << Topics();
  for (int c = 0; c < kCustomers; ++c) {
    const std::string name = "Customer" + std::to_string(c) + " · Ivan";
    ASSERT_TRUE(topics.count(name)) << name;
    std::vector<std::string> expected;
    for (int i = 0; i < kEach; ++i) expected.push_back(text(c, i));
    EXPECT_TRUE(WaitUntil([&] { return TopicText(topics[name]).find(expected.back()) != std::string::npos; },
                          std::chrono::seconds(60)))
        << name << ": " << TopicText(topics[name]);
    EXPECT_TRUE(OnceInOrder(TopicText(topics[name]), expected)) << name << ": " << TopicText(topics[name]);
  }
}

TEST_F(RelayTest, TwentyAccountsRelayedIntoOneGroup) {
  SetUpWorld(true, true, true, Unpaced());
  UnpacedSim();
  constexpr int kAccounts = 20;
  std::vector<std::string> employees;
  for (int a = 0; a < kAccounts; ++a) {
    employees.push_back("+1555000430" + std::string(a < 10 ? "0" : "") + std::to_string(a));
    CreateUser(employees.back(), "Emp" + std::to_string(a));
    std::string id = Link(employees.back())["id"];
    auto put = http().Request("PUT", "/v1/accounts/" + id + "/relay",
                              json{{"bot_id", bot_id_}, {"group_chat_id", group_id_}}.dump());
    ASSERT_EQ(put.status, 200) << put.body;
  }
  for (int a = 0; a < kAccounts; ++a) {
    auto sent = Control("POST", "/messages",
                        {{"from", kAnna}, {"to", employees[a]}, {"text", "question " + std::to_string(100 + a)}});
    ASSERT_EQ(sent.status, 201) << sent.body;
  }
  for (int a = 0; a < kAccounts; ++a) {
    json topic = TopicNamed("Anna Petrova (@anna) · Emp" + std::to_string(a));
    ASSERT_FALSE(topic.is_null()) << a << ": " << Topics();
    EXPECT_TRUE(Mirrored("question " + std::to_string(100 + a), topic["forum_topic_id"])) << a;
  }
  // An answer in one account's topic leaves from that account only.
  json topic = TopicNamed("Anna Petrova (@anna) · Emp7");
  OlgaPosts("answer from seven", topic["forum_topic_id"]);
  ASSERT_TRUE(WaitUntil([&] { return Got(kAnna, employees[7], "answer from seven") == 1; }, std::chrono::seconds(15)));
  for (int a = 0; a < kAccounts; ++a) {
    if (a != 7) {
      EXPECT_EQ(Got(kAnna, employees[a], "answer from seven"), 0) << a;
    }
  }
  auto dialogs = http().Get("/v1/dialogs?limit=100").Json()["items"];
  EXPECT_EQ(dialogs.size(), static_cast<std::size_t>(kAccounts)) << dialogs;
}

}  // namespace
}  // namespace tgmux::testing
