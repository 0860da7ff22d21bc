// End-to-end: notifications by bot (docs/pools.md, Account health). A
// tenant's subscriber asks for account.status; when an account of the tenant
// changes status the bot tells them in words, with the masked phone only.
// The routes check the subscriber and the event names.
#include "tests/support/bot_chat.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15550007001";   // a linked account
constexpr const char* kNina = "+15550007002";  // the person who hears about it

class NotificationsTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_MONITOR_INTERVAL", "0.3"}});
    auto made = Control("POST", "/bots", {{"username", "alerts_bot"}, {"first_name", "Alerts"}});
    ASSERT_EQ(made.status, 201);
    auto bot = http().Post("/v1/bots", {{"token", made.body["token"]}, {"features", {"notify"}}});
    ASSERT_EQ(bot.status, 201) << bot.body;
    CreateUser(kAnn, "Ann");
    std::int64_t nina_id = CreateUser(kNina, "Nina")["user_id"];
    account_ = Link(kAnn)["id"];
    nina_ = std::make_unique<BotChat>(*sim_, "alerts_bot", kNina);
    ASSERT_NE(nina_->Send("/start"), 0);
    ASSERT_TRUE(WaitUntil([&] {
      auto added = http().Post("/v1/subscribers", {{"bot_id", bot.Json()["id"]}, {"telegram_user_id", nina_id}});
      if (added.status == 201) subscriber_ = added.Json()["id"];
      return !subscriber_.empty();
    }, std::chrono::seconds(10)));
  }
  HttpResponse Subscribe(const json& body) { return http().Post("/v1/notifications/subscriptions", body); }

  std::string account_;
  std::string subscriber_;
  std::unique_ptr<BotChat> nina_;
};

TEST_F(NotificationsTest, SubscriptionsNameAKnownSubscriberAndKnownEvents) {
  auto unknown = Subscribe({{"subscriber", "sub_nobody"}, {"events", {"account.status"}}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto bad_event = Subscribe({{"subscriber", subscriber_}, {"events", {"account.status", "account.exploded"}}});
  EXPECT_EQ(bad_event.status, 400) << bad_event.body;
  EXPECT_NE(bad_event.body.find("events[1]"), std::string::npos) << bad_event.body;
  EXPECT_NE(bad_event.body.find("account.exploded"), std::string::npos) << bad_event.body;
  EXPECT_EQ(Subscribe({{"subscriber", subscriber_}}).status, 400);
  EXPECT_EQ(Subscribe({{"subscriber", subscriber_}, {"events", json::array()}}).status, 400);
  EXPECT_EQ(Subscribe({{"events", {"account.status"}}}).status, 400);

  auto created = Subscribe({{"subscriber", subscriber_}, {"events", {"account.status"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.Json()["id"];
  EXPECT_EQ(created.Json()["subscriber"], subscriber_);
  EXPECT_EQ(created.Json()["events"], json({"account.status"}));
  // Again: the same subscription, its events replaced.
  auto again = Subscribe({{"subscriber", subscriber_}, {"events", {"account.status", "account.status"}}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["id"], id);
  EXPECT_EQ(again.Json()["events"], json({"account.status"}));
  auto listed = http().Get("/v1/notifications/subscriptions").Json()["items"];
  ASSERT_EQ(listed.size(), 1u) << listed;
  EXPECT_EQ(listed[0]["id"], id);

  EXPECT_EQ(http().Request("DELETE", "/v1/notifications/subscriptions/" + id).status, 204);
  EXPECT_EQ(http().Request("DELETE", "/v1/notifications/subscriptions/" + id).status, 404);
  EXPECT_TRUE(http().Get("/v1/notifications/subscriptions").Json()["items"].empty());
}

TEST_F(NotificationsTest, TheSubscriberHearsThatAnAccountWasBannedWithItsPhoneMasked) {
  ASSERT_EQ(Subscribe({{"subscriber", subscriber_}, {"events", {"account.status"}}}).status, 201);
  std::string masked = http().Get("/v1/accounts/" + account_).Json()["phone_masked"];
  ASSERT_FALSE(masked.empty());
  // Telegram bans Ann; the monitor's next check meets the ban.
  ASSERT_EQ(Control("POST", std::string("/users/") + kAnn + "/ban", {{"visible_error", true}}).status, 204);
  auto told = nina_->WaitForMessage([](const json& m) {
    return m.value("from_bot", false) && m.value("text", "").find("is now banned by Telegram") != std::string::npos;
  });
  ASSERT_FALSE(told.is_null()) << nina_->Messages();
  const std::string text = told["text"];
  EXPECT_NE(text.find("Ann"), std::string::npos) << text;
  EXPECT_NE(text.find(masked), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string(kAnn).substr(1)), std::string::npos) << "never the whole number: " << text;
  // Once: no revoke told after the ban.
  for (const auto& m : nina_->Messages()) {
    EXPECT_EQ(m.value("text", "").find("logged out"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace tgmux::testing
