// End-to-end: the event log against the simulator. Incoming private and group
// messages, reads, edits, deletions and status changes become events in order
// with a per-tenant seq; the long-poll waits for the next one; per-account
// filters decide which incoming messages count; messages that arrive while
// tgmux is down are recovered after a restart, each exactly once.
#include <csignal>
#include <set>
#include <thread>

#include "common/time.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15557101122";
constexpr const char* kBob = "+15557103344";
constexpr const char* kCarol = "+15557105566";

class EventsTest : public LinkedGatewayTest {
 protected:
  void Prepare(Env extra = {}) {
    StartGateway(std::move(extra));
    ann_id_ = CreateUser(kAnn, "Ann")["user_id"];
    bob_id_ = CreateUser(kBob, "Bob", {{"username", "bob"}})["user_id"];
    CreateUser(kCarol, "Carol");
    account_ = Link(kAnn)["id"];
  }
  // `from` writes to Ann (or to a chat id).
  json Say(const std::string& from, const std::string& text, json to = kAnn) {
    auto sent = Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body.dump();
    return sent.body;
  }
  // Every event after `after` of the given types, polling until `count` are there.
  std::vector<json> EventsOf(const std::string& types, std::size_t count, std::int64_t after = 0,
                             std::chrono::seconds timeout = std::chrono::seconds(15)) {
    std::vector<json> out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto page = http().Get("/v1/events?timeout=1&limit=500&types=" + types + "&after=" + std::to_string(after));
      EXPECT_EQ(page.status, 200) << page.body;
      json body = page.Json();
      for (auto& event : body["items"]) out.push_back(event);
      after = std::stoll(body["next_cursor"].get<std::string>());
    }
    return out;
  }

  std::string account_;
  std::int64_t ann_id_ = 0;
  std::int64_t bob_id_ = 0;
};

TEST_F(EventsTest, IncomingPrivateAndGroupMessagesBecomeEventsInOrder) {
  Prepare();
  auto group = Control("POST", "/groups", {{"title", "Team"}, {"kind", "basic"}, {"members", {kAnn, kBob}}});
  ASSERT_EQ(group.status, 201) << group.body.dump();
  Say(kBob, "hello Ann");
  Say(kBob, "hello team", group.body["chat_id"]);
  Say(kCarol, "hi from Carol");

  auto events = EventsOf("message.received", 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["type"], "message.received");
  EXPECT_EQ(events[0]["account_id"], account_);
  EXPECT_TRUE(events[0]["id"].get<std::string>().rfind("evt_", 0) == 0) << events[0];
  EXPECT_TRUE(events[0]["created_at"].is_string());
  const json& first = events[0]["data"]["message"];
  EXPECT_EQ(first["text"], "hello Ann");
  EXPECT_EQ(first["chat_id"], bob_id_);
  EXPECT_EQ(first["from"]["user_id"], bob_id_);
  EXPECT_EQ(first["from"]["username"], "bob");
  EXPECT_EQ(first["is_outgoing"], false);
  EXPECT_EQ(events[0]["data"]["chat_type"], "private");
  EXPECT_EQ(events[1]["data"]["message"]["text"], "hello team");
  EXPECT_EQ(events[1]["data"]["chat_type"], "group");
  EXPECT_EQ(events[1]["data"]["message"]["chat_id"], group.body["chat_id"]);
  EXPECT_EQ(events[2]["data"]["message"]["text"], "hi from Carol");
  EXPECT_LT(events[0]["seq"], events[1]["seq"]);
  EXPECT_LT(events[1]["seq"], events[2]["seq"]);

  // The login that linked Ann, step by step; the account became active.
  auto logins = EventsOf("login.state", 2);
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0]["data"]["state"], "code_sent");
  EXPECT_EQ(logins[0]["data"]["phone_masked"], "+155******22");
  EXPECT_EQ(logins[1]["data"]["state"], "done");
  EXPECT_EQ(logins[1]["data"]["account_id"], account_);
  auto statuses = EventsOf("account.status", 1);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["data"]["status"], "active");

  auto metrics = gateway_->Anonymous().Get("/metrics").body;
  EXPECT_NE(metrics.find("# TYPE tgmux_events_processed_total counter\ntgmux_events_processed_total "),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tgmux_event_write_failures_total 0\n"), std::string::npos) << metrics;
}

TEST_F(EventsTest, LongPollWaitsForTheNextEventAndTimesOutEmpty) {
  Prepare();
  auto last = std::stoll(http().Get("/v1/events?timeout=0&limit=500").Json()["next_cursor"].get<std::string>());
  auto empty = http().Get("/v1/events?timeout=1&types=message.received&after=" + std::to_string(last));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(empty.Json()["items"].empty());
  EXPECT_EQ(empty.Json()["next_cursor"], std::to_string(last));

  std::thread writer([&] {
    EXPECT_TRUE(WaitForMetric(gateway_->Anonymous(), "tgmux_event_waiters", 1, std::chrono::seconds(10)));
    Say(kBob, "are you there?");
  });
  auto started = std::chrono::steady_clock::now();
  auto waited = http().Get("/v1/events?timeout=20&types=message.received&after=" + std::to_string(last));
  auto took = std::chrono::steady_clock::now() - started;
  writer.join();
  ASSERT_EQ(waited.status, 200) << waited.body;
  ASSERT_EQ(waited.Json()["items"].size(), 1u) << waited.body;
  EXPECT_EQ(waited.Json()["items"][0]["data"]["message"]["text"], "are you there?");
  EXPECT_LT(took, std::chrono::seconds(10)) << "the long-poll did not answer when the event came";
}

TEST_F(EventsTest, AWaitingLongPollIsAnsweredWhenTgmuxStops) {
  Prepare();
  HttpResponse answer;
  std::thread poller([&] { answer = http().Get("/v1/events?timeout=60&types=message.received"); });
  EXPECT_TRUE(WaitForMetric(gateway_->Anonymous(), "tgmux_event_waiters", 1, std::chrono::seconds(10)));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(gateway_->Stop(SIGTERM), 0);
  poller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(answer.Json()["items"].empty()) << answer.body;
}

TEST_F(EventsTest, EventsOlderThanTheRetentionAreRemoved) {
  Prepare({{"TGMUX_EVENT_RETENTION", "2"}});
  Say(kBob, "old news");
  auto old = EventsOf("message.received", 1);
  ASSERT_EQ(old.size(), 1u);
  // Until the event, by its own created_at (whole seconds, rounded down), is
  // older than the 2 s retention: RFC 3339 UTC times compare as strings.
  std::string created_at = old[0]["created_at"];
  ASSERT_TRUE(WaitUntil([&] { return Rfc3339(UnixSeconds() - 3) >= created_at; }, std::chrono::seconds(10)));
  ASSERT_EQ(gateway_->Stop(SIGTERM), 0);
  StartGateway({{"TGMUX_EVENT_RETENTION", "2"}});  // the sweep also runs at start
  Say(kBob, "fresh news");
  // The sweep runs on the background thread at start: under load, a moment
  // after the new event. Once it ran, only the new event is left.
  std::vector<json> left;
  EXPECT_TRUE(WaitUntil(
      [&] {
        left = EventsOf("message.received", 1, 0, std::chrono::seconds(5));
        return left.size() == 1 && left[0]["data"]["message"]["text"] == "fresh news";
      },
      std::chrono::seconds(15)));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["data"]["message"]["text"], "fresh news");
  EXPECT_GT(left[0]["seq"], old[0]["seq"]) << "seq goes on after old events are gone";
}

TEST_F(EventsTest, RefusesBadQueries) {
  Prepare();
  EXPECT_EQ(http().Get("/v1/events?types=message.nonsense").status, 400);
  EXPECT_EQ(http().Get("/v1/events?after=-1").status, 400);
  EXPECT_EQ(http().Get("/v1/events?timeout=3600").status, 400);
  EXPECT_EQ(http().Get("/v1/events?account_id=acc_unknown").status, 404);
  EXPECT_EQ(gateway_->Anonymous().Get("/v1/events").status, 401);
}

TEST_F(EventsTest, AccountFiltersDecideWhichIncomingMessagesCount) {
  Prepare();
  auto account = http().Get("/v1/accounts/" + account_).Json();
  EXPECT_EQ(account["accepts_private"], true);
  EXPECT_EQ(account["accepts_groups"], true);
  EXPECT_EQ(account["accepts_channels"], false);
  auto patched = http().Request("PATCH", "/v1/accounts/" + account_, json{{"accepts_groups", false}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["accepts_groups"], false);
  EXPECT_EQ(http().Request("PATCH", "/v1/accounts/" + account_, json{{"accepts_groups", "no"}}.dump()).status, 400);

  auto group = Control("POST", "/groups", {{"title", "Noise"}, {"kind", "supergroup"}, {"members", {kAnn, kBob}}});
  Say(kBob, "group chatter", group.body["chat_id"]);
  Say(kBob, "private word");
  auto events = EventsOf("message.received", 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["data"]["message"]["text"], "private word");
  // Nor later: a private marker written after both comes next, with nothing between.
  Say(kCarol, "marker");
  auto after = EventsOf("message.received", 2);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1]["data"]["message"]["text"], "marker");
}

TEST_F(EventsTest, ChannelPostsCountOnlyWhenTheAccountAcceptsChannels) {
  Prepare();
  auto channel = Control("POST", "/channels", {{"title", "News"}, {"owner", kBob}, {"subscribers", {kAnn}}});
  ASSERT_EQ(channel.status, 201) << channel.body;
  std::string posts = "/channels/" + std::to_string(channel.body["chat_id"].get<std::int64_t>()) + "/posts";
  ASSERT_EQ(Control("POST", posts, {{"from", kBob}, {"text", "quiet post"}}).status, 201);
  Say(kCarol, "marker one");
  auto before = EventsOf("message.received", 1);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["data"]["message"]["text"], "marker one") << "channels are off by default";

  auto patched = http().Request("PATCH", "/v1/accounts/" + account_, json{{"accepts_channels", true}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(Control("POST", posts, {{"from", kBob}, {"text", "loud post"}}).status, 201);
  auto after = EventsOf("message.received", 1, before[0]["seq"]);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["data"]["message"]["text"], "loud post");
  EXPECT_EQ(after[0]["data"]["chat_type"], "channel");
  EXPECT_EQ(after[0]["data"]["message"]["chat_id"], channel.body["chat_id"]);
}

TEST_F(EventsTest, ReadsEditsDeletionsAndStatusBecomeEvents) {
  Prepare();
  auto sent = http().Request("POST", "/v1/accounts/" + account_ + "/messages?wait=10",
                             json{{"to", "@bob"}, {"text", "draft"}}.dump());
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::int64_t message_id = sent.Json()["message_id"];
  auto sent_events = EventsOf("message.sent", 1);
  ASSERT_EQ(sent_events.size(), 1u);
  EXPECT_EQ(sent_events[0]["data"]["outbox_id"], sent.Json()["id"]);
  EXPECT_EQ(sent_events[0]["data"]["message"]["message_id"], message_id);
  EXPECT_EQ(sent_events[0]["data"]["message"]["text"], "draft");
  auto unknown = http().Request("POST", "/v1/accounts/" + account_ + "/messages?wait=10",
                                json{{"to", "@nobody_here"}, {"text", "lost"}}.dump());
  auto failed = EventsOf("message.failed", 1);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["data"]["outbox_id"], unknown.Json()["id"]);
  EXPECT_EQ(failed[0]["data"]["error"]["code"], "peer_not_found");
  EXPECT_EQ(EventsOf("message.sent", 2, 0, std::chrono::seconds(1)).size(), 1u) << "one send, one event";
  // Bob reads it: message.read.
  ASSERT_EQ(Control("POST", "/users/%2B" + std::string(kBob + 1) + "/read", {{"with", kAnn}}).status, 204);
  auto read = EventsOf("message.read", 1);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0]["data"]["chat_id"], bob_id_);
  EXPECT_EQ(read[0]["data"]["last_read_message_id"], message_id);

  // Ann edits and deletes it: message.edited, message.deleted.
  std::string path = "/v1/accounts/" + account_ + "/chats/" + std::to_string(bob_id_) + "/messages/" +
                     std::to_string(message_id);
  ASSERT_EQ(http().Request("PATCH", path, json{{"text", "final"}}.dump()).status, 200);
  auto edited = EventsOf("message.edited", 1);
  ASSERT_EQ(edited.size(), 1u);
  EXPECT_EQ(edited[0]["data"]["text"], "final");
  EXPECT_EQ(edited[0]["data"]["message_id"], message_id);
  ASSERT_EQ(http().Request("DELETE", path + "?revoke=true").status, 204);
  auto deleted = EventsOf("message.deleted", 1);
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0]["data"]["message_ids"], json::array({message_id}));

  // Bob writes, Ann reads: chat.read.
  auto incoming = Say(kBob, "read me");
  ASSERT_EQ(EventsOf("message.received", 1).size(), 1u);
  ASSERT_EQ(http().Request("POST", "/v1/accounts/" + account_ + "/chats/" + std::to_string(bob_id_) + "/read", "{}")
                .status,
            200);
  auto chat_read = EventsOf("chat.read", 1);
  ASSERT_EQ(chat_read.size(), 1u);
  EXPECT_EQ(chat_read[0]["data"]["unread_count"], 0);

  // Disabling the account: account.status.
  http().Request("PATCH", "/v1/accounts/" + account_, json{{"disabled", true}}.dump());
  auto statuses = EventsOf("account.status", 2);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back()["data"]["status"], "disabled") << statuses.back();
  EXPECT_EQ(statuses.back()["data"]["previous_status"], "active") << statuses.back();

  // Unlinking: the last account.status says so.
  ASSERT_EQ(http().Request("DELETE", "/v1/accounts/" + account_).status, 204);
  auto last = EventsOf("account.status", statuses.size() + 1);
  ASSERT_EQ(last.size(), statuses.size() + 1);
  EXPECT_EQ(last.back()["data"]["status"], "unlinked");
  EXPECT_EQ(last.back()["account_id"], account_);
}

// The test: simulated users send 1,000 messages while tgmux is killed
// (kill -9) and restarted; afterwards all 1,000 are in the log, none twice.
TEST_F(EventsTest, MessagesSentAcrossAKillMinusNineAreAllLoggedOnce) {
  Prepare();
  constexpr int kCount = 1000;
  std::atomic<int> said{0};
  std::thread senders([&] {
    for (int i = 0; i < kCount; ++i) {
      Say(i % 2 ? kBob : kCarol, "m" + std::to_string(i));
      ++said;
    }
  });
  while (said < kCount / 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  gateway_->Stop(SIGKILL);
  while (said < kCount * 3 / 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  StartGateway();
  senders.join();

  auto events = EventsOf("message.received", kCount, 0, std::chrono::seconds(60));
  std::multiset<std::string> texts;
  std::set<std::pair<std::int64_t, std::int64_t>> ids;
  for (const auto& event : events) {
    texts.insert(event["data"]["message"]["text"].get<std::string>());
    const json& message = event["data"]["message"];
    ids.insert({message["chat_id"].get<std::int64_t>(), message["message_id"].get<std::int64_t>()});
  }
  EXPECT_EQ(events.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(ids.size(), events.size()) << "a message is in the log twice";
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(texts.count("m" + std::to_string(i)), 1u) << "message m" << i;
  }
  // And nothing more arrives later.
  EXPECT_EQ(EventsOf("message.received", kCount + 1, 0, std::chrono::seconds(2)).size(),
            static_cast<std::size_t>(kCount));
}

}  // namespace
}  // namespace tgmux::testing
