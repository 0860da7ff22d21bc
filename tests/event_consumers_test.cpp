// End-to-end: incoming private and group messages reach every consumer of the
// event log: Server-Sent Events (resuming from Last-Event-ID), a WebSocket
// (resuming with {"after":SEQ}), and a webhook receiver that verifies the
// signature; failing webhooks are retried in order, then disabled.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/linked_gateway.h"
#include "tests/support/stream_clients.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kAnn = "+15557201122";
constexpr const char* kBob = "+15557203344";
constexpr const char* kCat = "+15557205566";

class EventConsumersTest : public LinkedGatewayTest {
 protected:
  void Prepare(Env extra = {}) {
    StartGateway(std::move(extra));
    CreateUser(kAnn, "Ann");
    bob_id_ = CreateUser(kBob, "Bob")["user_id"];
    account_ = Link(kAnn)["id"];
    group_ = Control("POST", "/groups", {{"title", "Team"}, {"kind", "supergroup"}, {"members", {kAnn, kBob}}})
                 .body["chat_id"];
  }
  void Say(const std::string& text, std::int64_t to = 0) {
    json target = to == 0 ? json(kAnn) : json(to);
    ASSERT_EQ(Control("POST", "/messages", {{"from", kBob}, {"to", target}, {"text", text}}).status, 201);
  }
  HeaderMap Auth() const { return {{"Authorization", "Bearer " + owner_["access_token"].get<std::string>()}}; }
  std::string Text(const json& event) const { return event["data"]["message"]["text"]; }

  std::string account_;
  std::int64_t bob_id_ = 0;
  std::int64_t group_ = 0;
};

TEST_F(EventConsumersTest, ServerSentEventsDeliverLiveAndResumeFromLastEventId) {
  Prepare();
  SseClient sse;
  ASSERT_TRUE(sse.Connect(gateway_->port(), "/v1/events/stream?types=message.received", Auth()))
      << sse.status() << " " << sse.body();
  EXPECT_EQ(sse.headers().at("content-type"), "text/event-stream");
  Say("private hello");
  Say("group hello", group_);
  auto first = sse.NextEvent(std::chrono::seconds(10));
  auto second = sse.NextEvent(std::chrono::seconds(10));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->event, "message.received");
  EXPECT_EQ(Text(first->json()), "private hello");
  EXPECT_EQ(first->id, std::to_string(first->json()["seq"].get<std::int64_t>()));
  EXPECT_EQ(Text(second->json()), "group hello");
  EXPECT_EQ(second->json()["data"]["chat_type"], "supergroup");
  sse.Close();

  // Messages while nobody listens, then a reconnect with Last-Event-ID gets exactly them.
  Say("while away 1");
  Say("while away 2");
  SseClient again;
  auto headers = Auth();
  headers["Last-Event-ID"] = second->id;
  ASSERT_TRUE(again.Connect(gateway_->port(), "/v1/events/stream?types=message.received", headers));
  auto a = again.NextEvent(std::chrono::seconds(10));
  auto b = again.NextEvent(std::chrono::seconds(10));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Text(a->json()), "while away 1");
  EXPECT_EQ(Text(b->json()), "while away 2");
  EXPECT_FALSE(again.NextEvent(std::chrono::milliseconds(500))) << "an event came twice";

  SseClient anonymous;
  EXPECT_FALSE(anonymous.Connect(gateway_->port(), "/v1/events/stream"));
  EXPECT_EQ(anonymous.status(), 401);

  // A stopping tgmux ends the stream instead of leaving it hanging.
  EXPECT_EQ(gateway_->Stop(SIGTERM), 0);
  EXPECT_FALSE(again.NextEvent(std::chrono::seconds(5)));
  EXPECT_TRUE(again.ended());
}

// The gateway's side of its TCP connections on `port` that are still open: established, or
// closed by the client and not yet by tgmux (CLOSE_WAIT). Other files and sockets tgmux opens
// meanwhile (its store, TDLib) do not count.
int OpenConnections(int port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  int count = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    int local_port = std::stoi(local.substr(local.find(':') + 1), nullptr, 16);
    if (local_port == port && (state == "01" || state == "08")) ++count;
  }
  return count;
}

TEST_F(EventConsumersTest, ClientsThatLeaveAreLetGoAtOnce) {
  Prepare();
  const int port = gateway_->port();
  int before = OpenConnections(port);
  {
    std::vector<std::unique_ptr<SseClient>> sse(10);
    std::vector<std::unique_ptr<WsClient>> ws(10);
    for (auto& client : sse) {
      client = std::make_unique<SseClient>();
      ASSERT_TRUE(client->Connect(gateway_->port(), "/v1/events/stream", Auth()));
    }
    for (auto& client : ws) {
      client = std::make_unique<WsClient>();
      ASSERT_TRUE(client->Connect(gateway_->port(), "/v1/ws", Auth()));
    }
    EXPECT_GE(OpenConnections(port), before + 20);
  }  // all of them close
  EXPECT_TRUE(WaitUntil([&] { return OpenConnections(port) <= before; }, std::chrono::seconds(5)))
      << "connections of clients that left are still open";
}

TEST_F(EventConsumersTest, WebSocketDeliversLiveAndResumesAfterASeq) {
  Prepare();
  WsClient ws;
  ASSERT_TRUE(ws.Connect(gateway_->port(), "/v1/ws?types=message.received", Auth())) << ws.status() << ws.body();
  Say("one");
  Say("two", group_);
  auto one = ws.Read(std::chrono::seconds(10));
  auto two = ws.Read(std::chrono::seconds(10));
  ASSERT_TRUE(one && two);
  EXPECT_EQ(Text(json::parse(*one)), "one");
  EXPECT_EQ(Text(json::parse(*two)), "two");
  EXPECT_EQ(json::parse(*two)["data"]["message"]["chat_id"], group_);

  // Going back: everything after the first event again, in order.
  ASSERT_TRUE(ws.Send(json{{"after", json::parse(*one)["seq"]}}.dump()));
  auto replayed = ws.Read(std::chrono::seconds(10));
  ASSERT_TRUE(replayed);
  EXPECT_EQ(Text(json::parse(*replayed)), "two");
  ws.Close();

  WsClient anonymous;
  EXPECT_FALSE(anonymous.Connect(gateway_->port(), "/v1/ws"));
  EXPECT_EQ(anonymous.status(), 401);
}

TEST_F(EventConsumersTest, WebhookReceivesSignedEventsInOrderAndRetriesFailures) {
  Prepare();
  WebhookReceiver receiver;
  receiver.SetStatuses({500, 200});  // the first delivery fails once
  auto created = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.Json()["secret"];
  std::string id = created.Json()["id"];
  EXPECT_EQ(http().Get("/v1/webhooks/" + id).Json().count("secret"), 0u) << "the secret is shown once";
  EXPECT_EQ(http().Post("/v1/webhooks", {{"url", "ftp://x"}}).status, 400);
  EXPECT_EQ(http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"nope"}}}).status, 400);

  Say("first");
  Say("second", group_);
  Say("third");
  auto requests = receiver.WaitFor(4, std::chrono::seconds(20));
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].answered, 500);
  std::vector<std::string> texts;
  for (std::size_t i = 1; i < requests.size(); ++i) {
    const auto& r = requests[i];
    EXPECT_EQ(r.method, "POST");
    EXPECT_TRUE(VerifySignature(r.Header("x-tgmux-signature"), r.body, secret, std::chrono::seconds(300)))
        << r.Header("x-tgmux-signature");
    EXPECT_FALSE(VerifySignature(r.Header("x-tgmux-signature"), r.body, "whsec_wrong"));
    auto event = json::parse(r.body);
    EXPECT_EQ(r.Header("x-tgmux-event-id"), event["id"]);
    EXPECT_EQ(r.Header("x-tgmux-event-type"), "message.received");
    texts.push_back(Text(event));
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(requests[0].body, requests[1].body) << "the retry is the same event";
  EXPECT_GE(requests[1].received_at - requests[0].received_at, std::chrono::milliseconds(900)) << "no backoff";
  // The receiver has the last answer a moment before tgmux records it.
  json hook;
  WaitUntil([&] {
    hook = http().Get("/v1/webhooks/" + id).Json();
    return hook.value("delivered_count", 0) >= 3;
  }, std::chrono::seconds(5));
  EXPECT_EQ(hook["delivered_count"], 3);
  EXPECT_EQ(hook["state"], "active");
}

TEST_F(EventConsumersTest, AWebhookFailingLongerThanTheRetryWindowIsDisabledWithAnEvent) {
  Prepare({{"TGMUX_WEBHOOK_RETRY_FOR", "2"}});
  WebhookReceiver receiver;
  receiver.SetStatuses({503});
  auto created = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  std::string id = created.Json()["id"];
  Say("nobody takes this");
  json hook;
  WaitUntil([&] {
    hook = http().Get("/v1/webhooks/" + id).Json();
    return hook["state"] == "disabled";
  }, seconds(20));
  EXPECT_EQ(hook["state"], "disabled") << hook;
  EXPECT_NE(hook["disabled_reason"].get<std::string>().find("HTTP 503"), std::string::npos) << hook;
  EXPECT_GE(receiver.Requests().size(), 2u);
  auto events = http().Get("/v1/events?timeout=5&types=webhook.disabled").Json()["items"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["data"]["webhook_id"], id);
  ASSERT_EQ(http().Request("DELETE", "/v1/webhooks/" + id).status, 204);
  EXPECT_EQ(http().Get("/v1/webhooks/" + id).status, 404);
}

// Per account, a webhook delivers in log order, the next only after the
// previous one succeeded; accounts do not wait for each other.
TEST_F(EventConsumersTest, AWebhookKeepsEachAccountsOrderAndAFailingAccountHoldsBackNoOther) {
  Prepare();
  CreateUser(kCat, "Cat");
  std::string cat = Link(kCat)["id"];
  std::atomic<bool> ann_fails{true};
  WebhookReceiver receiver;
  receiver.SetAnswer([&](const std::string& body) {
    return json::parse(body)["account_id"] == account_ && ann_fails ? 503 : 200;
  });
  ASSERT_EQ(http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}}).status, 201);
  auto to_cat = [&](const std::string& text) {
    ASSERT_EQ(Control("POST", "/messages", {{"from", kBob}, {"to", kCat}, {"text", text}}).status, 201);
  };
  Say("ann-1");
  to_cat("cat-1");
  Say("ann-2");
  to_cat("cat-2");
  to_cat("cat-3");
  // The texts each account's events were delivered with (answered 2xx), in arrival order.
  auto delivered = [&](const std::string& account) {
    std::vector<std::string> texts;
    for (const auto& r : receiver.Requests()) {
      auto event = json::parse(r.body);
      if (r.answered == 200 && event["account_id"] == account) texts.push_back(Text(event));
    }
    return texts;
  };
  WaitUntil([&] { return delivered(cat).size() >= 3; }, seconds(20));
  EXPECT_EQ(delivered(cat), (std::vector<std::string>{"cat-1", "cat-2", "cat-3"}));
  EXPECT_TRUE(delivered(account_).empty()) << "ann-2 went before ann-1";
  std::vector<std::string> tried;  // Ann's attempts so far: only her first event, again and again
  for (const auto& r : receiver.Requests()) {
    auto event = json::parse(r.body);
    if (event["account_id"] == account_) tried.push_back(Text(event));
  }
  ASSERT_FALSE(tried.empty());
  EXPECT_EQ(std::set<std::string>(tried.begin(), tried.end()), std::set<std::string>{"ann-1"});

  ann_fails = false;
  WaitUntil([&] { return delivered(account_).size() >= 2; }, seconds(20));
  EXPECT_EQ(delivered(account_), (std::vector<std::string>{"ann-1", "ann-2"}));
  EXPECT_EQ(delivered(cat).size(), 3u) << "delivered twice";
}

}  // namespace
}  // namespace tgmux::testing
