// End-to-end: sending through the outbox against the simulator: recipients by
// id, @username and +phone, formatting, replies, idempotency, ?wait (also at
// shutdown), a flood wait that pauses the account, and a send whose outcome
// comes after the deadline. Queues, pacing and kill -9: outbox_queue_test.cpp.
#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "tests/support/outbox_fixture.h"
#include "tests/support/parallel.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class OutboxTest : public OutboxFixture {};

TEST_F(OutboxTest, SendsByUsernameIdAndPhone) {
  Prepare();
  auto by_name = SendAndWait({{"to", "@bob"}, {"text", "hello by name"}});
  EXPECT_EQ(by_name["state"], "sent") << by_name;
  EXPECT_EQ(by_name["chat_id"], bob_id_);
  EXPECT_TRUE(by_name["message_id"].is_number());
  EXPECT_TRUE(by_name["date"].is_string());
  auto by_id = SendAndWait({{"to", std::to_string(bob_id_)}, {"text", "hello by id"}});
  EXPECT_EQ(by_id["state"], "sent") << by_id;
  auto by_phone = SendAndWait({{"to", kCarol}, {"text", "hello by phone"}});
  EXPECT_EQ(by_phone["state"], "sent") << by_phone;

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 2u) << bob;
  EXPECT_EQ(bob[0]["text"], "hello by name");
  EXPECT_EQ(bob[1]["text"], "hello by id");
  auto carol = Received(kCarol);
  ASSERT_EQ(carol.size(), 1u) << carol;
  EXPECT_EQ(carol[0]["text"], "hello by phone");
  auto entry = http().Get("/v1/outbox/" + by_phone["id"].get<std::string>()).Json();
  EXPECT_EQ(entry["state"], "sent");
  EXPECT_EQ(entry["account_id"], account_);
  EXPECT_EQ(entry["attempts"], 1);
}

TEST_F(OutboxTest, FormattingAndRepliesArrive) {
  Prepare();
  auto first = SendAndWait({{"to", "@bob"}, {"text", "**bold** and <i>not html</i>"}, {"parse_mode", "markdown"}});
  ASSERT_EQ(first["state"], "sent") << first;
  auto reply = SendAndWait({{"to", "@bob"}, {"text", "<b>strong</b> reply"}, {"parse_mode", "html"},
                            {"reply_to_message_id", first["message_id"]}, {"silent", true}});
  ASSERT_EQ(reply["state"], "sent") << reply;

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 2u) << bob;
  EXPECT_EQ(bob[0]["text"], "bold and <i>not html</i>");
  EXPECT_EQ(bob[0]["entities"][0]["type"]["@type"], "textEntityTypeBold") << bob[0];
  EXPECT_EQ(bob[1]["text"], "strong reply");
  EXPECT_EQ(bob[1]["entities"][0]["length"], 6) << bob[1];
  EXPECT_EQ(bob[1]["reply_to_message_id"], bob[0]["message_id"]) << bob;
}

TEST_F(OutboxTest, MarkdownV2IsTheBotApiSyntaxAndMarkdownIsTheAppsSyntax) {
  Prepare();
  auto sent = SendAndWait({{"to", "@bob"},
                           {"text", "*b* _i_ __u__ ~s~ ||p|| `c` *bold _both_* [site](https://example.com) 1\\.5\\!"},
                           {"parse_mode", "markdownv2"}});
  ASSERT_EQ(sent["state"], "sent") << sent;
  auto history = http().Get("/v1/accounts/" + account_ + "/chats/" + std::to_string(bob_id_) +
                            "/messages?limit=1");
  ASSERT_EQ(history.status, 200) << history.body;
  auto message = history.Json()["items"][0];  // a copy: the parsed document is a temporary
  EXPECT_EQ(message["text"], "b i u s p c bold both site 1.5!");
  std::vector<std::string> types;
  for (const auto& entity : message["entities"]) types.push_back(entity["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"bold", "italic", "underline", "strikethrough", "spoiler", "code", "bold",
                                             "italic", "text_url"}))
      << message;
  EXPECT_EQ(message["entities"][8]["url"], "https://example.com/") << message;
  EXPECT_EQ(Received(kBob)[0]["entities"].size(), 9u) << "Bob sees the formatting too";

  // The apps' markdown leaves single asterisks alone; MarkdownV2 refuses an unescaped '.'.
  auto apps = SendAndWait({{"to", "@bob"}, {"text", "*not bold* **bold**"}, {"parse_mode", "markdown"}});
  EXPECT_EQ(Received(kBob)[1]["text"], "*not bold* bold") << apps;
  auto unescaped = Send({{"to", "@bob"}, {"text", "Price: 5.00"}, {"parse_mode", "markdownv2"}});
  EXPECT_EQ(unescaped.status, 400) << unescaped.body;
  EXPECT_NE(unescaped.body.find("Character '.' is reserved"), std::string::npos) << unescaped.body;
}

TEST_F(OutboxTest, RefusesBadRequests) {
  Prepare();
  auto too_long = Send({{"to", "@bob"}, {"text", std::string(4097, 'x')}});
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_NE(too_long.Json()["detail"].dump().find("4096"), std::string::npos) << too_long.body;
  auto bbcode = Send({{"to", "@bob"}, {"text", "x"}, {"parse_mode", "bbcode"}});
  EXPECT_EQ(bbcode.status, 400);
  for (const char* mode : {"\"markdown\"", "\"markdownv2\"", "\"html\""}) {
    EXPECT_NE(bbcode.Json()["detail"].get<std::string>().find(mode), std::string::npos) << bbcode.body;
  }
  EXPECT_EQ(Send({{"to", "@bob"}, {"text", ""}}).status, 400);
  EXPECT_EQ(Send({{"text", "no recipient"}}).status, 400);
  EXPECT_EQ(http().Get("/v1/outbox/msg_unknown").status, 404);
  auto unknown = SendAndWait({{"to", "@nobody_here"}, {"text", "hi"}});
  EXPECT_EQ(unknown["state"], "failed");
  EXPECT_EQ(unknown["error"]["code"], "peer_not_found") << unknown;
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(OutboxTest, SameIdempotencyKeySendsOnce) {
  Prepare();
  auto first = Send({{"to", "@bob"}, {"text", "only once"}}, "", "key-1");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.Json()["state"], "queued");
  auto second = Send({{"to", "@bob"}, {"text", "only once"}}, "?wait=10", "key-1");
  EXPECT_EQ(second.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(Settled(first.Json()["id"])["state"], "sent");
  EXPECT_EQ(Received(kBob).size(), 1u);
}

// Requests with one key that race each other: the store keeps one entry, and
// one message goes. (A new entry reaches its sender before its row is
// written; the entry of a request that lost the race must never go, even
// when it is first in its chat: the tries of a key go to Bob and to Carol.)
TEST_F(OutboxTest, RacingRequestsWithOneIdempotencyKeySendOneMessage) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});
  ASSERT_EQ(SendAndWait({{"to", kCarol}, {"text", "hello"}})["state"], "sent");  // her chat is known
  constexpr int kKeys = 40;
  constexpr int kTries = 4;  // requests per key, sent at once
  std::mutex mutex;
  std::map<std::string, std::set<std::string>> answered;  // key -> entry ids
  const int accepted = ForEach(0, kKeys * kTries, 8, [&](int i) {
    const std::string key = "race-" + std::to_string(i / kTries);
    const std::string to = i % 2 == 0 ? "@bob" : kCarol;
    auto answer = Send({{"to", to}, {"text", key + " try " + std::to_string(i % kTries)}}, "", key);
    if (answer.status != 202) return false;
    std::lock_guard lock(mutex);
    answered[key].insert(answer.Json()["id"].get<std::string>());
    return true;
  });
  ASSERT_EQ(accepted, kKeys * kTries);
  ASSERT_EQ(answered.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, ids] : answered) {
    ASSERT_EQ(ids.size(), 1u) << key << ": every request with the key is answered its one entry";
    EXPECT_EQ(Settled(*ids.begin())["state"], "sent") << key;
  }
  std::map<std::string, int> messages;  // key -> messages Bob and Carol got
  for (const auto* person : {kBob, kCarol}) {
    for (const auto& message : Received(person)) {
      const std::string text = message.value("text", "");
      if (text.rfind("race-", 0) == 0) ++messages[text.substr(0, text.find(" try"))];
    }
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, count] : messages) EXPECT_EQ(count, 1) << key;
}

TEST_F(OutboxTest, FloodWaitPausesTheAccountThenSendsInOrder) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.05"}});
  auto fault = Control("POST", "/faults", {{"phone", kAnn}, {"method", "sendMessage"},
                                           {"error", {{"code", 429}, {"message", "Too Many Requests: retry after 2"}}}});
  ASSERT_EQ(fault.status, 201) << fault.body.dump();
  std::string first = Send({{"to", "@bob"}, {"text", "first"}}).Json()["id"];
  std::string second = Send({{"to", "@bob"}, {"text", "second"}}).Json()["id"];
  auto paused = PollAccount(account_, "flood_wait");
  EXPECT_EQ(paused["status"], "flood_wait");
  EXPECT_TRUE(paused["flood_wait_until"].is_string()) << paused;
  auto waiting = http().Get("/v1/outbox/" + first).Json();
  EXPECT_EQ(waiting["state"], "queued") << waiting;
  EXPECT_EQ(waiting["error"]["code"], "flood_wait") << waiting;
  EXPECT_TRUE(waiting["next_attempt_at"].is_string()) << waiting;

  EXPECT_EQ(Settled(first)["state"], "sent");
  EXPECT_EQ(Settled(second)["state"], "sent");
  EXPECT_EQ(Settled(first)["attempts"], 2);
  auto active = PollAccount(account_, "active");
  EXPECT_EQ(active["status"], "active");
  EXPECT_TRUE(active["flood_wait_until"].is_null()) << active;
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 2u) << bob;
  EXPECT_EQ(bob[0]["text"], "first");
  EXPECT_EQ(bob[1]["text"], "second");
}

// TDLib takes the message, but its final answer comes after the deadline: the
// entry waits in `sending` for that late outcome instead of failing blindly.
TEST_F(OutboxTest, ALateOutcomeSettlesASendThatMissedTheDeadline) {
  Prepare({{"TGMUX_TELEGRAM_DEADLINE", "1"}});
  // Silent latency: the server takes 3 s to accept the message.
  auto fault = Control("POST", "/faults", {{"phone", kAnn}, {"method", "sendMessage"}, {"flood_wait", 3}});
  ASSERT_EQ(fault.status, 201) << fault.body.dump();
  auto started = std::chrono::steady_clock::now();
  std::string id = Enqueue("@bob", "late but once");
  // Once the deadline passed and tgmux chose to wait for the late outcome:
  EXPECT_TRUE(WaitUntil([&] {
    return gateway_->process().Stderr().find("outbox " + id + ": no answer from Telegram in time") != std::string::npos;
  }, std::chrono::seconds(10))) << gateway_->process().Stderr();
  EXPECT_EQ(Entry(id)["state"], "sending");
  auto entry = Settled(id);
  EXPECT_EQ(entry["state"], "sent") << entry;
  EXPECT_TRUE(entry["message_id"].is_number()) << entry;
  EXPECT_EQ(entry["attempts"], 1);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["message_id"], entry["message_id"]);
}

TEST_F(OutboxTest, AWaitingRequestIsAnsweredWhenTgmuxStops) {
  Prepare();
  SetDisabled(true);  // nothing goes out: the entry stays queued
  auto answer = std::async(std::launch::async, [this] {
    return Send({{"to", "@bob"}, {"text", "never sent"}}, "?wait=60");
  });
  EXPECT_TRUE(WaitForMetric(gateway_->Anonymous(),
                            "tgmux_http_requests_in_flight{method=\"POST\",route=\"/v1/accounts/{id}/messages\"}", 1,
                            std::chrono::seconds(10)));
  auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(gateway_->Stop(SIGTERM), 0);
  auto response = answer.get();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(4));
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(response.Json()["state"], "queued") << response.body;
}

}  // namespace
}  // namespace tgmux::testing
