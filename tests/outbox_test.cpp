// End-to-end: sending through the outbox against the simulator: recipients by
// id, @username and +phone, formatting, replies, idempotency, ?wait, a flood
// wait that pauses the account, and queued sends surviving kill -9.
#include <csignal>
#include <set>
#include <thread>

#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15557001122";
constexpr const char* kBob = "+15557003344";
constexpr const char* kCarol = "+15557005566";

class OutboxTest : public LinkedGatewayTest {
 protected:
  void Prepare(Env extra = {}) {
    StartGateway(std::move(extra));
    CreateUser(kAnn, "Ann");
    bob_id_ = CreateUser(kBob, "Bob", {{"username", "bob"}})["user_id"];
    CreateUser(kCarol, "Carol");
    account_ = Link(kAnn)["id"];
  }
  HttpResponse Send(const json& body, const std::string& query = "", const std::string& key = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages" + query, body.dump(), headers);
  }
  json SendAndWait(const json& body) {
    auto answer = Send(body, "?wait=10");
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.Json();
  }
  // Polls the entry until it is sent or failed.
  json Settled(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    json entry;
    while (std::chrono::steady_clock::now() < deadline) {
      entry = http().Get("/v1/outbox/" + id).Json();
      if (entry["state"] == "sent" || entry["state"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return entry;
  }
  // What `phone` sees of its chat with Ann, oldest first.
  json Received(const std::string& phone) {
    return Control("GET", "/users/" + phone + "/messages?with=%2B" + std::string(kAnn + 1)).body["messages"];
  }

  std::string account_;
  std::int64_t bob_id_ = 0;
};

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

TEST_F(OutboxTest, RefusesBadRequests) {
  Prepare();
  auto too_long = Send({{"to", "@bob"}, {"text", std::string(4097, 'x')}});
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_NE(too_long.Json()["detail"].dump().find("4096"), std::string::npos) << too_long.body;
  EXPECT_EQ(Send({{"to", "@bob"}, {"text", "x"}, {"parse_mode", "bbcode"}}).status, 400);
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

TEST_F(OutboxTest, FloodWaitPausesTheAccountThenSendsInOrder) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.05"}});
  auto fault = Control("POST", "/faults", {{"phone", kAnn}, {"method", "sendMessage"},
                                           {"error", {{"code", 429}, {"message", "Too Many Requests: retry after 2"}}}});
  ASSERT_EQ(fault.status, 201) << fault.body.dump();
  std::string first = Send({{"to", "@bob"}, {"text", "first"}}).Json()["id"];
  std::string second = Send({{"to", "@bob"}, {"text", "second"}}).Json()["id"];
  EXPECT_EQ(PollAccount(account_, "flood_wait")["status"], "flood_wait");
  auto waiting = http().Get("/v1/outbox/" + first).Json();
  EXPECT_EQ(waiting["state"], "queued") << waiting;
  EXPECT_EQ(waiting["error"]["code"], "flood_wait") << waiting;
  EXPECT_TRUE(waiting["next_attempt_at"].is_string()) << waiting;

  EXPECT_EQ(Settled(first)["state"], "sent");
  EXPECT_EQ(Settled(second)["state"], "sent");
  EXPECT_EQ(Settled(first)["attempts"], 2);
  EXPECT_EQ(PollAccount(account_, "active")["status"], "active");
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 2u) << bob;
  EXPECT_EQ(bob[0]["text"], "first");
  EXPECT_EQ(bob[1]["text"], "second");
}

// 40 sends instead of the 1,000 keep this test fast; the property is the same.
TEST_F(OutboxTest, QueuedSendsSurviveKillMinusNine) {
  Prepare({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.1"}});
  constexpr int kCount = 40;
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    ids.push_back(Send({{"to", "@bob"}, {"text", "queued " + std::to_string(i)}}).Json()["id"]);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  gateway_->Stop(SIGKILL);
  ASSERT_LT(Received(kBob).size(), static_cast<std::size_t>(kCount)) << "all sent before the kill";
  StartGateway({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.05"}});

  std::set<std::string> sent, failed;
  for (int i = 0; i < kCount; ++i) {
    auto entry = Settled(ids[i], std::chrono::seconds(30));
    (entry["state"] == "sent" ? sent : failed).insert("queued " + std::to_string(i));
    if (entry["state"] == "failed") {
      EXPECT_EQ(entry["error"]["code"], "telegram_unreachable") << entry;
    }
  }
  // At most the one send in flight at the kill may end unknown.
  EXPECT_LE(failed.size(), 1u);
  std::multiset<std::string> seen;
  std::vector<std::string> order;
  for (const auto& message : Received(kBob)) {
    seen.insert(message["text"].get<std::string>());
    order.push_back(message["text"]);
  }
  for (const auto& text : seen) EXPECT_EQ(seen.count(text), 1u) << text << " arrived twice";
  for (const auto& text : sent) EXPECT_EQ(seen.count(text), 1u) << text << " is sent but did not arrive";
  EXPECT_GE(order.size(), sent.size());
  for (std::size_t i = 1; i < order.size(); ++i) {
    EXPECT_LT(std::stoi(order[i - 1].substr(7)), std::stoi(order[i].substr(7))) << "out of order";
  }
}

}  // namespace
}  // namespace tgmux::testing
