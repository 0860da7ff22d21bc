// End-to-end: account health (docs/pools.md, Account health). Telegram's spam
// limit (PEER_FLOOD) makes an account `limited` until a send passes or its
// time runs out; a ban is `banned` only where Telegram says so, otherwise
// `revoked`; the health monitor notices what an idle account would not (a
// ban met by its check, a connection that no longer answers) and its
// recovery; every change is an account.status event and webhook, and the
// gauge tgmux_accounts{status} counts them.
#include "tests/support/linked_gateway.h"
#include "tests/support/stream_clients.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15550006001";  // the linked account
constexpr const char* kBob = "+15550006002";  // strangers to Ann
constexpr const char* kCid = "+15550006003";

class HealthTest : public LinkedGatewayTest {
 protected:
  void Prepare(Env extra = {}) {
    extra.emplace("TGMUX_OUTBOX_CHAT_INTERVAL", "0");
    StartGateway(extra);
    CreateUser(kAnn, "Ann");
    CreateUser(kBob, "Bob", {{"username", "bob_h"}});
    CreateUser(kCid, "Cid", {{"username", "cid_h"}});
    account_ = Link(kAnn)["id"];
  }
  json Send(const std::string& to, const std::string& text) {
    auto sent = http().Request("POST", "/v1/accounts/" + account_ + "/messages?wait=10",
                               json{{"to", to}, {"text", text}}.dump());
    EXPECT_EQ(sent.status, 200) << sent.body;
    return sent.Json();
  }
  // The account.status events so far, oldest first: their statuses.
  std::vector<std::string> Statuses() {
    auto page = http().Get("/v1/events?timeout=0&limit=500&types=account.status").Json();
    std::vector<std::string> out;
    for (const auto& event : page["items"]) out.push_back(event["data"]["status"]);
    return out;
  }
  bool StatusEvent(const std::string& status) {
    return WaitUntil([&] {
      auto all = Statuses();
      return std::find(all.begin(), all.end(), status) != all.end();
    }, std::chrono::seconds(10));
  }
  void Ban(bool visible) {
    ASSERT_EQ(Control("POST", std::string("/users/") + kAnn + "/ban", {{"visible_error", visible}}).status, 204);
  }

  std::string account_;
};

TEST_F(HealthTest, PeerFloodLimitsTheAccountUntilASendPasses) {
  Prepare();
  ASSERT_EQ(Control("POST", std::string("/users/") + kAnn + "/peer-flood", {{"on", true}}).status, 200);
  auto refused = Send("@bob_h", "hello stranger");
  EXPECT_EQ(refused["state"], "failed") << refused;
  EXPECT_EQ(refused["error"]["code"], "forbidden") << refused;
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("PEER_FLOOD"), std::string::npos) << refused;

  auto limited = PollAccount(account_, "limited");
  ASSERT_EQ(limited["status"], "limited") << limited;
  EXPECT_NE(limited["last_error"].get<std::string>().find("PEER_FLOOD"), std::string::npos) << limited;
  EXPECT_TRUE(StatusEvent("limited")) << json(Statuses());
  EXPECT_TRUE(WaitForMetric(gateway_->Anonymous(), "tgmux_accounts{status=\"limited\"}", 1, std::chrono::seconds(5)));

  // Still connected, and its queue is not paused: it answers someone who
  // wrote to it (the limit is on strangers), and once Telegram lets a
  // message through the account is active again.
  ASSERT_EQ(Control("POST", "/messages", {{"from", kCid}, {"to", kAnn}, {"text", "hi Ann"}}).status, 201);
  auto passed = Send("@cid_h", "hello Cid");
  EXPECT_EQ(passed["state"], "sent") << passed;
  auto active = PollAccount(account_, "active");
  EXPECT_EQ(active["status"], "active") << active;
  EXPECT_TRUE(active["last_error"].is_null()) << active;
  // The row changes first, its event follows it into the log.
  std::vector<std::string> statuses;
  EXPECT_TRUE(WaitUntil([&] {
    statuses = Statuses();
    return statuses.size() >= 3 && statuses.back() == "active";
  }, std::chrono::seconds(10))) << json(statuses);
  EXPECT_EQ(statuses, (std::vector<std::string>{"active", "limited", "active"}));
  EXPECT_TRUE(WaitUntil([&] { return MetricValue(gateway_->Anonymous(), "tgmux_accounts{status=\"limited\"}") == 0.0; },
                        std::chrono::seconds(5)));
}

TEST_F(HealthTest, ALimitOutlivesARestart) {
  Prepare();
  ASSERT_EQ(Control("POST", std::string("/users/") + kAnn + "/peer-flood", {{"on", true}}).status, 200);
  EXPECT_EQ(Send("@bob_h", "hello stranger")["state"], "failed");
  ASSERT_EQ(PollAccount(account_, "limited")["status"], "limited");
  ASSERT_TRUE(StatusEvent("limited"));
  const std::size_t before = Statuses().size();
  StartGateway({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}});
  // Restored: connecting, then (its client ready) limited again, not active.
  std::vector<std::string> after;
  EXPECT_TRUE(WaitUntil([&] {
    auto all = Statuses();
    after.assign(all.begin() + static_cast<std::ptrdiff_t>(std::min(before, all.size())), all.end());
    return after.size() >= 2;
  }, std::chrono::seconds(10))) << json(after);
  EXPECT_EQ(after, (std::vector<std::string>{"connecting", "limited"}));
  auto restored = http().Get("/v1/accounts/" + account_).Json();
  EXPECT_EQ(restored["status"], "limited") << restored;
  EXPECT_NE(restored["last_error"].get<std::string>().find("PEER_FLOOD"), std::string::npos) << restored;
}

TEST_F(HealthTest, ALimitEndsAfterTheConfiguredTime) {
  // 0.0005 h = 1.8 s; the monitor looks every 0.2 s.
  Prepare({{"TGMUX_LIMITED_HOURS", "0.0005"}, {"TGMUX_MONITOR_INTERVAL", "0.2"}});
  ASSERT_EQ(Control("POST", std::string("/users/") + kAnn + "/peer-flood", {{"on", true}}).status, 200);
  EXPECT_EQ(Send("@bob_h", "hello stranger")["state"], "failed");
  ASSERT_EQ(PollAccount(account_, "limited")["status"], "limited");
  // No send passes meanwhile: only the time ends it.
  auto active = PollAccount(account_, "active", std::chrono::seconds(15));
  EXPECT_EQ(active["status"], "active") << active;
}

TEST_F(HealthTest, AVisibleBanMetByTheMonitorIsBannedWithAnEventAndAWebhook) {
  Prepare({{"TGMUX_MONITOR_INTERVAL", "0.3"}});
  WebhookReceiver receiver;
  auto hook = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"account.status"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  // Idle: nothing of the app's reaches Telegram, the monitor's check does.
  Ban(true);
  auto banned = PollAccount(account_, "banned");
  ASSERT_EQ(banned["status"], "banned") << banned;
  EXPECT_NE(banned["last_error"].get<std::string>().find("USER_DEACTIVATED_BAN"), std::string::npos) << banned;
  EXPECT_TRUE(StatusEvent("banned")) << json(Statuses());
  auto statuses = Statuses();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), "revoked"), 0) << "a ban Telegram showed is no revoke";

  bool told = WaitUntil([&] {
    for (const auto& r : receiver.Requests()) {
      auto event = json::parse(r.body, nullptr, false);
      if (event.is_object() && event["data"]["status"] == "banned") return true;
    }
    return false;
  }, std::chrono::seconds(15));
  EXPECT_TRUE(told) << receiver.Requests().size();

  // The session is gone: a send fails at once, saying why.
  auto refused = Send("@bob_h", "still there?");
  EXPECT_EQ(refused["state"], "failed") << refused;
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("banned"), std::string::npos) << refused;
}

TEST_F(HealthTest, AnInvisibleBanIsARevokeUntilTheNumberTriesToLogInAgain) {
  Prepare();
  Ban(false);
  auto revoked = PollAccount(account_, "revoked");
  ASSERT_EQ(revoked["status"], "revoked") << revoked;

  // A new login of the number: Telegram now says PHONE_NUMBER_BANNED.
  auto login = StartPhoneLogin(kAnn);
  EXPECT_EQ(login.status, 403) << login.body;
  EXPECT_NE(login.body.find("banned"), std::string::npos) << login.body;
  auto banned = PollAccount(account_, "banned");
  EXPECT_EQ(banned["status"], "banned") << banned;
  EXPECT_TRUE(StatusEvent("banned")) << json(Statuses());
  // And it stays banned: another try changes nothing.
  EXPECT_EQ(StartPhoneLogin(kAnn).status, 403);
  EXPECT_EQ(http().Get("/v1/accounts/" + account_).Json()["status"], "banned");
}

TEST_F(HealthTest, TheMonitorNoticesAConnectionThatStopsAnsweringAndItsRecovery) {
  Prepare({{"TGMUX_MONITOR_INTERVAL", "0.3"}});
  ASSERT_EQ(Control("POST", "/network", {{"up", false}}).status, 204);
  auto down = PollAccount(account_, "connecting");
  ASSERT_EQ(down["status"], "connecting") << down;
  EXPECT_NE(down["last_error"].get<std::string>().find("health check"), std::string::npos) << down;
  EXPECT_TRUE(StatusEvent("connecting")) << json(Statuses());

  ASSERT_EQ(Control("POST", "/network", {{"up", true}}).status, 204);
  auto up = PollAccount(account_, "active");
  EXPECT_EQ(up["status"], "active") << up;
  EXPECT_TRUE(up["last_error"].is_null()) << up;
  auto sent = Send("@bob_h", "back online");
  EXPECT_EQ(sent["state"], "sent") << sent;
}

}  // namespace
}  // namespace tgmux::testing
