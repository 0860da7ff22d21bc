// End-to-end: 200 people link their accounts through one bot at once. Every
// one ends linked and owned by the right person, and none is told twice
// (bench/bot_conversations measures how fast).
#include <set>

#include "tests/support/bot_chat.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr int kPeople = 200;

class BotCrowdTest : public LinkedGatewayTest {
 protected:
  // Waits until every chat has a reply holding `needle` after its last message.
  bool AllSay(std::vector<BotChat>& chats, const std::string& needle, std::chrono::seconds timeout) {
    std::vector<bool> done(chats.size(), false);
    return WaitUntil(
        [&] {
          bool all = true;
          for (std::size_t i = 0; i < chats.size(); ++i) {
            if (done[i]) continue;
            for (const auto& m : chats[i].Replies()) {
              if (m.value("text", "").find(needle) != std::string::npos) done[i] = true;
            }
            all = all && done[i];
          }
          return all;
        },
        timeout);
  }
};

TEST_F(BotCrowdTest, TwoHundredPeopleLinkThroughOneBotAtOnce) {
  StartGateway({{"TGMUX_LIMIT_LOGINS_TENANT", "1000/60"}});
  auto made = Control("POST", "/bots", {{"username", "crowd_bot"}, {"first_name", "Crowd"}});
  ASSERT_EQ(made.status, 201);
  ASSERT_EQ(http().Post("/v1/bots", {{"token", made.body["token"]}, {"features", {"accounts"}}}).status, 201);

  std::vector<BotChat> people;
  std::map<std::string, std::int64_t> ids;
  for (int i = 0; i < kPeople; ++i) {
    std::string phone = "+1555100" + std::to_string(1000 + i);
    ids[phone] = CreateUser(phone, "Person" + std::to_string(i))["user_id"];
    people.emplace_back(*sim_, "crowd_bot", phone);
  }
  for (auto& p : people) p.Send("/account");
  ASSERT_TRUE(AllSay(people, "How do you want to link", std::chrono::seconds(60)));
  for (auto& p : people) p.Press("Phone number");
  ASSERT_TRUE(AllSay(people, "international format", std::chrono::seconds(60)));
  for (auto& p : people) p.ShareOwnNumber();
  ASSERT_TRUE(AllSay(people, "Telegram has sent a login code", std::chrono::seconds(60)));
  for (auto& p : people) p.Send(p.SpacedCode());
  ASSERT_TRUE(AllSay(people, "Linked: Person", std::chrono::seconds(90)));

  json accounts = json::array();
  std::string cursor;
  do {
    auto page = http().Get("/v1/accounts?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor)).Json();
    for (const auto& a : page["items"]) accounts.push_back(a);
    cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
  } while (!cursor.empty());
  ASSERT_EQ(accounts.size(), static_cast<std::size_t>(kPeople));
  std::set<std::int64_t> owners;
  for (const auto& a : accounts) {
    EXPECT_EQ(a["owner_telegram_user_id"], a["telegram_user_id"]) << "each owns their own account: " << a;
    owners.insert(a["owner_telegram_user_id"].get<std::int64_t>());
  }
  EXPECT_EQ(owners.size(), static_cast<std::size_t>(kPeople));
  for (auto& p : people) {
    int linked = 0;
    for (const auto& m : p.Messages()) linked += m.value("text", "").rfind("Linked: ", 0) == 0 ? 1 : 0;
    EXPECT_EQ(linked, 1) << p.phone() << " is told once: " << p.Messages();
  }
}

}  // namespace
}  // namespace tgmux::testing
