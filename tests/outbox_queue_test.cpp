// End-to-end: the outbox's queues against the simulator: each chat paced on
// its own without holding the others, the per-minute cap of groups, what a
// disabled, unlinked or revoked account does with its queue, and 1,000 queued
// sends surviving kill -9.
#include <csignal>
#include <map>
#include <set>

#include "tests/support/outbox_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class OutboxQueueTest : public OutboxFixture {
 protected:
  // A supergroup of Ann and Bob that Ann's account knows (Bob wrote in it).
  std::string CreateGroup(int seed_messages = 1) {
    auto group = Control("POST", "/groups", {{"title", "Team"}, {"kind", "supergroup"}, {"members", {kAnn, kBob}}});
    EXPECT_EQ(group.status, 201) << group.body.dump();
    std::string chat = std::to_string(group.body["chat_id"].get<std::int64_t>());
    for (int i = 0; i < seed_messages; ++i) {
      Control("POST", "/messages", {{"from", kBob}, {"to", group.body["chat_id"]}, {"text", "hello team"}});
    }
    return chat;
  }
};

// The number at the end of "m17" or "to Bob 3".
int Number(const std::string& text) { return std::stoi(text.substr(text.find_last_not_of("0123456789") + 1)); }

TEST_F(OutboxQueueTest, AChatPacedAtOnePerSecondDoesNotHoldOtherChats) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "1"}});
  auto started = Clock::now();
  std::vector<std::string> bob;
  for (int i = 0; i < 5; ++i) bob.push_back(Enqueue("@bob", "to Bob " + std::to_string(i)));
  auto carol = SendAndWait({{"to", kCarol}, {"text", "to Carol"}});
  EXPECT_EQ(carol["state"], "sent") << carol;
  EXPECT_NE(Entry(bob[4])["state"], "sent") << "Carol's message waited for Bob's five";

  for (const auto& id : bob) EXPECT_EQ(Settled(id)["state"], "sent");
  // Four intervals of one second between Bob's five messages.
  EXPECT_GE(Clock::now() - started, milliseconds(3900));
  auto received = Received(kBob);
  ASSERT_EQ(received.size(), 5u) << received;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(received[i]["text"], "to Bob " + std::to_string(i));
  EXPECT_EQ(Received(kCarol).size(), 1u);
}

TEST_F(OutboxQueueTest, AGroupGetsAtMostItsMessagesPerMinute) {
  // No interval between two sends into a chat: only the cap can hold the group back.
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}, {"TGMUX_OUTBOX_GROUP_PER_MINUTE", "3"}});
  std::string group = CreateGroup();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Enqueue(group, "to the team " + std::to_string(i)));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Settled(ids[i])["state"], "sent") << i;
  // A private chat is not held by the group's cap. The sender walks its queue
  // in order, so had the cap let the fourth go, it would have left before this.
  EXPECT_EQ(SendAndWait({{"to", "@bob"}, {"text", "private"}})["state"], "sent");
  EXPECT_EQ(Entry(ids[3])["state"], "queued");
  EXPECT_EQ(Entry(ids[4])["state"], "queued");
  auto received = Received(kBob, group);
  ASSERT_EQ(received.size(), 4u) << received;  // Bob's own greeting, then three
  for (int i = 0; i < 3; ++i) EXPECT_EQ(received[i + 1]["text"], "to the team " + std::to_string(i));
}

TEST_F(OutboxQueueTest, ADisabledAccountKeepsItsQueueUntilEnabledAgain) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.05"}});
  SetDisabled(true);
  std::string first = Enqueue("@bob", "first");
  std::string second = Enqueue("@bob", "second");
  // A marker through Carol's account, queued after Ann's two on the same sender
  // thread and sent the same way: once it arrives, Ann's would have too.
  std::string carol = Link(kCarol)["id"];
  auto marker = http().Request("POST", "/v1/accounts/" + carol + "/messages?wait=10",
                               nlohmann::json{{"to", "@bob"}, {"text", "marker"}}.dump());
  ASSERT_EQ(marker.status, 200) << marker.body;
  EXPECT_EQ(Entry(first)["state"], "queued");
  auto seen = Control("GET", "/users/%2B" + std::string(kBob + 1) + "/messages?with=%2B" + std::string(kCarol + 1));
  EXPECT_EQ(seen.body["messages"].size(), 1u) << "the marker arrived";
  EXPECT_TRUE(Received(kBob).empty());
  SetDisabled(false);
  EXPECT_EQ(Settled(first)["state"], "sent");
  EXPECT_EQ(Settled(second)["state"], "sent");
  auto received = Received(kBob);
  ASSERT_EQ(received.size(), 2u) << received;
  EXPECT_EQ(received[0]["text"], "first");
  EXPECT_EQ(received[1]["text"], "second");
}

TEST_F(OutboxQueueTest, UnlinkingFailsTheQueue) {
  Prepare();
  SetDisabled(true);
  std::vector<std::string> ids = {Enqueue("@bob", "one"), Enqueue(kCarol, "two")};
  ASSERT_EQ(http().Request("DELETE", "/v1/accounts/" + account_).status, 204);
  for (const auto& id : ids) {
    auto entry = Settled(id, seconds(5));
    EXPECT_EQ(entry["state"], "failed") << entry;
    EXPECT_EQ(entry["error"]["code"], "not_found") << entry;
    EXPECT_NE(entry["error"]["message"].get<std::string>().find("unlinked"), std::string::npos) << entry;
  }
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(OutboxQueueTest, ARevokedSessionFailsTheQueue) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "30"}});
  std::string first = Enqueue("@bob", "one");
  std::string second = Enqueue("@bob", "two");
  EXPECT_EQ(Settled(first)["state"], "sent");
  ASSERT_EQ(Control("POST", "/users/" + std::string(kAnn) + "/revoke").status, 204);
  auto entry = Settled(second, seconds(5));
  EXPECT_EQ(entry["state"], "failed") << entry;
  EXPECT_EQ(entry["error"]["code"], "account_not_ready") << entry;
  EXPECT_NE(entry["error"]["message"].get<std::string>().find("revoked"), std::string::npos) << entry;
  EXPECT_EQ(Received(kBob).size(), 1u);
}

// The test: kill -9 while 1,000 queued sends are being delivered;
// after the restart every one is delivered once, in order per chat, except
// the few that were in flight at the kill (failed as outcome unknown: each of
// those arrived at most once).
TEST_F(OutboxQueueTest, AThousandQueuedSendsSurviveKillMinusNine) {
  const Env fast = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.001"}};
  Prepare(fast);
  std::vector<std::string> people = {kBob, kCarol};
  for (int i = 0; i < 6; ++i) {
    people.push_back("+1555700900" + std::to_string(i));
    CreateUser(people.back(), "Reader");
  }
  constexpr int kCount = 1000;
  SetDisabled(true);  // the queue fills before delivery starts
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) ids.push_back(Enqueue(people[i % people.size()], "m" + std::to_string(i)));
  SetDisabled(false);
  auto deadline = Clock::now() + seconds(20);
  while (Received(people[0]).size() < 40 && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(2));
  gateway_->Stop(SIGKILL);
  std::size_t before_restart = 0;
  for (const auto& person : people) before_restart += Received(person).size();
  ASSERT_GT(before_restart, 0u);
  ASSERT_LT(before_restart, static_cast<std::size_t>(kCount)) << "all sent before the kill";
  StartGateway(fast);

  std::set<int> sent, unknown;
  for (int i = 0; i < kCount; ++i) {
    auto entry = Settled(ids[i], seconds(30));
    if (entry["state"] == "sent") {
      sent.insert(i);
    } else {
      EXPECT_EQ(entry["error"]["code"], "telegram_unreachable") << entry;
      unknown.insert(i);
    }
  }
  EXPECT_LE(unknown.size(), 8u) << "more sends failed than can be in flight at once";
  std::multiset<int> seen;
  for (const auto& person : people) {
    int previous = -1;
    for (const auto& message : Received(person)) {
      int n = Number(message["text"]);
      seen.insert(n);
      EXPECT_LT(previous, n) << person << ": out of order";
      previous = n;
    }
  }
  for (int n : sent) EXPECT_EQ(seen.count(n), 1u) << "m" << n << " is sent but arrived " << seen.count(n) << " times";
  for (int n : unknown) EXPECT_LE(seen.count(n), 1u) << "m" << n << " arrived twice";

  // Each final state has its event, the kill notwithstanding: message.sent for
  // a sent entry, message.failed for one whose outcome is unknown.
  std::map<std::string, std::string> events;  // outbox id -> event type
  for (std::int64_t after = 0;;) {
    auto page = http().Get("/v1/events?timeout=0&limit=500&types=message.sent,message.failed&after=" +
                           std::to_string(after));
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = page.Json();
    for (const auto& event : body["items"]) {
      if (event["data"]["outbox_id"].is_string()) events[event["data"]["outbox_id"]] = event["type"];
    }
    if (body["items"].empty()) break;
    after = std::stoll(body["next_cursor"].get<std::string>());
  }
  for (int n : sent) EXPECT_EQ(events[ids[n]], "message.sent") << "m" << n;
  for (int n : unknown) EXPECT_EQ(events[ids[n]], "message.failed") << "m" << n;
}

}  // namespace
}  // namespace tgmux::testing
