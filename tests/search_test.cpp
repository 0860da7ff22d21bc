// End-to-end: GET /v1/accounts/{id}/messages/search against the simulator:
// a received message found by one word, within one chat and across chats,
// pages that together hold every match exactly once and end with a null
// cursor, and 400s that name the bad field.
#include <algorithm>
#include <set>

#include "tests/support/linked_gateway.h"
#include "tests/support/list_pages.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15557301122";
constexpr const char* kBob = "+15557303344";
constexpr const char* kCarol = "+15557305566";

class SearchTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
    CreateUser(kAnn, "Ann");
    bob_ = CreateUser(kBob, "Bob", {{"username", "bob"}})["user_id"];
    CreateUser(kCarol, "Carol");
    account_ = Link(kAnn)["id"];
  }

  std::string Search(const std::string& parameters) { return "/v1/accounts/" + account_ + "/messages/search?" + parameters; }
  // Someone writes to Ann (a phone) or into a group (its chat id).
  void Write(const std::string& from, const json& to, const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}});
    ASSERT_EQ(sent.status, 201) << sent.body.dump();
  }
  std::int64_t Group(const std::string& title, const std::vector<std::string>& members) {
    auto made = Control("POST", "/groups", {{"title", title}, {"kind", "supergroup"}, {"members", members}});
    EXPECT_EQ(made.status, 201) << made.body.dump();
    return made.body["chat_id"];
  }
  static std::vector<std::string> Texts(const std::vector<json>& pages) {
    std::vector<std::string> texts;
    for (const auto& page : pages) {
      for (const auto& item : page["items"]) texts.push_back(item["text"]);
    }
    return texts;
  }
  // The problem's message for a 400 at `target`.
  std::string BadRequest(const std::string& target) {
    auto answer = http().Get(target);
    EXPECT_EQ(answer.status, 400) << target << ": " << answer.body;
    if (answer.status != 400) return "";
    EXPECT_EQ(answer.Json()["code"], "invalid_request");
    return answer.Json().value("detail", "");
  }

  std::string account_;
  std::int64_t bob_ = 0;
};

TEST_F(SearchTest, FindsAReceivedMessageByOneWord) {
  Write(kBob, kAnn, "The quarterly Report is ready");
  Write(kBob, kAnn, "lunch at noon?");
  auto found = http().Get(Search("query=REPORT"));
  ASSERT_EQ(found.status, 200) << found.body;
  json items = found.Json()["items"];
  ASSERT_EQ(items.size(), 1u) << found.body;
  EXPECT_EQ(items[0]["text"], "The quarterly Report is ready");
  EXPECT_EQ(items[0]["chat_id"], bob_);
  EXPECT_EQ(items[0]["from"]["user_id"], bob_);
  EXPECT_EQ(items[0]["is_outgoing"], false);
  EXPECT_TRUE(found.Json()["next_cursor"].is_null());
  // Word beginnings, several words in any order; not the middle of a word.
  EXPECT_EQ(Texts(FollowPages(http(), Search("query=read%20quart"))), std::vector<std::string>{"The quarterly Report is ready"});
  EXPECT_TRUE(Texts(FollowPages(http(), Search("query=eport"))).empty());
}

TEST_F(SearchTest, PagesWithinOneChatAndAcrossChats) {
  std::int64_t team = Group("Team", {kAnn, kCarol});
  for (int i = 0; i < 7; ++i) Write(kBob, kAnn, "invoice " + std::to_string(i) + " from bob");
  for (int i = 0; i < 3; ++i) Write(kCarol, team, "invoice " + std::to_string(i) + " in team");
  Write(kBob, kAnn, "no match here");

  // Across chats: 10 matches in pages of 4, newest first, each once.
  auto everywhere = FollowPages(http(), Search("query=invoice&limit=4"));
  ASSERT_EQ(everywhere.size(), 3u);
  EXPECT_EQ(everywhere[0]["items"].size(), 4u);
  EXPECT_EQ(everywhere[2]["items"].size(), 2u);
  auto texts = Texts(everywhere);
  EXPECT_EQ(texts.size(), 10u);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), 10u);
  std::vector<std::string> dates;  // RFC 3339 in UTC: their text sorts as their time
  for (const auto& page : everywhere) {
    for (const auto& item : page["items"]) dates.push_back(item["date"]);
  }
  EXPECT_TRUE(std::is_sorted(dates.rbegin(), dates.rend()));

  // Within Bob's chat: only his 7, newest first, in pages of 3.
  auto with_bob = FollowPages(http(), Search("query=invoice&limit=3&chat_id=" + std::to_string(bob_)));
  ASSERT_EQ(with_bob.size(), 3u);
  std::vector<std::string> expected;
  for (int i = 6; i >= 0; --i) expected.push_back("invoice " + std::to_string(i) + " from bob");
  EXPECT_EQ(Texts(with_bob), expected);
  for (auto chat : ItemIds(with_bob, "chat_id")) EXPECT_EQ(chat, bob_);

  // Exactly one full page: no cursor to a page that would be empty.
  auto in_team = FollowPages(http(), Search("query=invoice&limit=3&chat_id=" + std::to_string(team)));
  ASSERT_EQ(in_team.size(), 1u);
  EXPECT_EQ(Texts(in_team), (std::vector<std::string>{"invoice 2 in team", "invoice 1 in team", "invoice 0 in team"}));

  // A cursor belongs to its search: not across chats, not in another chat.
  std::string chat_cursor = with_bob[0]["next_cursor"];
  std::string global_cursor = everywhere[0]["next_cursor"];
  EXPECT_NE(BadRequest(Search("query=invoice&cursor=" + chat_cursor)).find("cursor"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=invoice&chat_id=" + std::to_string(team) + "&cursor=" + chat_cursor)).find("cursor"),
            std::string::npos);
  EXPECT_NE(BadRequest(Search("query=invoice&chat_id=" + std::to_string(bob_) + "&cursor=" + global_cursor)).find("cursor"),
            std::string::npos);
}

TEST_F(SearchTest, BadInputIs400NamingTheField) {
  Write(kBob, kAnn, "hello");
  EXPECT_NE(BadRequest(Search("limit=5")).find("query"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=%20%20")).find("query"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=" + std::string(300, 'a'))).find("query"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=%FF")).find("query"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&limit=0")).find("limit"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&limit=101")).find("limit"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&chat_id=bob")).find("chat_id"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&chat_id=0")).find("chat_id"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&cursor=nonsense")).find("cursor"), std::string::npos);
  EXPECT_NE(BadRequest(Search("query=hello&cursor=gzz")).find("cursor"), std::string::npos);
  // A well-formed cursor whose offset Telegram refuses is still the cursor's fault.
  EXPECT_NE(BadRequest(Search("query=hello&cursor=g6a756e6b")).find("cursor"), std::string::npos);
  // A chat the account does not have.
  auto unknown = http().Get(Search("query=hello&chat_id=424242"));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.Json()["code"], "peer_not_found");
  // Nothing went wrong for good input meanwhile.
  EXPECT_EQ(http().Get(Search("query=hello")).Json()["items"].size(), 1u);
}

}  // namespace
}  // namespace tgmux::testing
