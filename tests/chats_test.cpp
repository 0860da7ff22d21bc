// End-to-end: reading an account's chats and messages against the simulator:
// the chat list with types, unread counts and cursor paging; history pages
// that match what Telegram holds exactly; unread messages and mark read as
// the senders see it; edits and deletions as the peer sees them; bad input.
#include <set>

#include "tests/support/linked_gateway.h"
#include "tests/support/list_pages.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15557001122";
constexpr const char* kBob = "+15557003344";
constexpr const char* kCarol = "+15557005566";
constexpr const char* kDave = "+15557007788";

class ChatsTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_REGISTRATION", "open"}});
    CreateUser(kAnn, "Ann");
    bob_ = CreateUser(kBob, "Bob", {{"username", "bob"}})["user_id"];
    carol_ = CreateUser(kCarol, "Carol")["user_id"];
    dave_ = CreateUser(kDave, "Dave")["user_id"];
    account_ = Link(kAnn)["id"];
  }

  std::string Acc(const std::string& rest) { return "/v1/accounts/" + account_ + rest; }
  std::string ChatPath(std::int64_t chat_id, const std::string& rest = "") {
    return Acc("/chats/" + std::to_string(chat_id) + rest);
  }
  // Someone writes (a phone or a group's chat id); the message id as the sender sees it.
  std::int64_t Write(const std::string& from, const json& to, const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body.dump();
    return sent.body.value("message_id", std::int64_t{0});
  }
  std::int64_t Group(const std::string& title, const std::string& kind, const std::vector<std::string>& members) {
    auto made = Control("POST", "/groups", {{"title", title}, {"kind", kind}, {"members", members}});
    EXPECT_EQ(made.status, 201) << made.body.dump();
    return made.body["chat_id"];
  }
  // What `phone` sees of its chat with `with` (a phone or a chat id), oldest first.
  json Seen(const std::string& phone, const std::string& with) {
    std::string peer = with[0] == '+' ? "%2B" + with.substr(1) : with;
    return Control("GET", "/users/" + phone + "/messages?with=" + peer).body["messages"];
  }
  json GetOk(const std::string& target) {
    auto answer = http().Get(target);
    EXPECT_EQ(answer.status, 200) << target << ": " << answer.body;
    return answer.status == 200 ? answer.Json() : json::object();
  }
  // Every page of a list, following next_cursor; the pages as they came.
  std::vector<json> Pages(const std::string& first, const std::string& cursor = "") {
    return FollowPages(http(), first, cursor);
  }
  static std::vector<std::int64_t> Ids(const std::vector<json>& pages, const std::string& field) {
    return ItemIds(pages, field);
  }

  std::string account_;
  std::int64_t bob_ = 0, carol_ = 0, dave_ = 0;
};

TEST_F(ChatsTest, ChatListShowsTypesAndUnreadCountsAndPagesByCursor) {
  Write(kBob, kAnn, "bob 1");
  Write(kBob, kAnn, "bob 2");
  Write(kCarol, kAnn, "carol 1");
  std::int64_t team = Group("Team", "basic", {kAnn, kBob});
  Write(kBob, team, "team hello");
  std::int64_t crew = Group("Crew", "supergroup", {kAnn, kCarol});
  for (int i = 0; i < 3; ++i) Write(kCarol, crew, "crew " + std::to_string(i));
  Write(kAnn, kDave, "ann to dave");

  auto all = GetOk(Acc("/chats?limit=100"));
  ASSERT_EQ(all["items"].size(), 5u) << all;
  EXPECT_TRUE(all["next_cursor"].is_null());
  std::map<std::int64_t, json> by_id;
  for (const auto& chat : all["items"]) by_id[chat["chat_id"]] = chat;
  ASSERT_EQ(by_id.size(), 5u);
  EXPECT_EQ(by_id[bob_]["type"], "private");
  EXPECT_EQ(by_id[bob_]["title"], "Bob");
  EXPECT_EQ(by_id[bob_]["username"], "bob");
  EXPECT_EQ(by_id[bob_]["unread_count"], 2);
  EXPECT_EQ(by_id[bob_]["last_message"]["text"], "bob 2");
  EXPECT_EQ(by_id[carol_]["unread_count"], 1);
  EXPECT_EQ(by_id[team]["type"], "group");
  EXPECT_EQ(by_id[team]["title"], "Team");
  EXPECT_EQ(by_id[team]["unread_count"], 1);
  EXPECT_EQ(by_id[crew]["type"], "supergroup");
  EXPECT_EQ(by_id[crew]["unread_count"], 3);
  EXPECT_EQ(by_id[crew]["last_message"]["text"], "crew 2");
  EXPECT_EQ(by_id[dave_]["unread_count"], 0);
  EXPECT_EQ(by_id[dave_]["last_message"]["is_outgoing"], true);

  // Pages of two give the same chats in the same order, each once, and end with a null cursor.
  auto pages = Pages(Acc("/chats?limit=2"));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[2]["items"].size(), 1u);
  EXPECT_EQ(Ids(pages, "chat_id"), Ids({all}, "chat_id"));

  auto unread = Pages(Acc("/chats?limit=1&unread_only=true"));
  auto unread_ids = Ids(unread, "chat_id");
  EXPECT_EQ(std::set<std::int64_t>(unread_ids.begin(), unread_ids.end()),
            (std::set<std::int64_t>{bob_, carol_, team, crew}));
  EXPECT_EQ(unread_ids.size(), 4u);

  // A chat that moves to the top between pages is not shown twice.
  auto first = GetOk(Acc("/chats?limit=2"));
  std::int64_t last_chat = all["items"][4]["chat_id"];
  std::map<std::int64_t, std::pair<std::string, json>> writer = {
      {bob_, {kBob, kAnn}}, {carol_, {kCarol, kAnn}}, {dave_, {kDave, kAnn}}, {team, {kBob, team}}, {crew, {kCarol, crew}}};
  Write(writer[last_chat].first, writer[last_chat].second, "moving up");
  EXPECT_NE(GetOk(Acc("/chats?limit=100"))["items"][4]["chat_id"], last_chat) << "the chat did not move";
  auto rest = Pages(Acc("/chats?limit=2"), first["next_cursor"].get<std::string>());
  std::vector<std::int64_t> seen = Ids({first}, "chat_id");
  for (auto id : Ids(rest, "chat_id")) seen.push_back(id);
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), seen.size()) << "a chat shown twice";
}

TEST_F(ChatsTest, HistoryPagesMatchTheSimulatorExactly) {
  constexpr int kCount = 530;
  for (int i = 0; i < kCount; ++i) {
    bool ours = i % 10 == 3;
    Write(ours ? kAnn : kBob, ours ? kBob : kAnn, "message " + std::to_string(i));
  }
  auto held = Seen(kAnn, kBob);
  ASSERT_EQ(held.size(), static_cast<std::size_t>(kCount));
  std::vector<std::int64_t> expected;
  for (auto it = held.rbegin(); it != held.rend(); ++it) expected.push_back((*it)["message_id"]);

  auto pages = Pages(ChatPath(bob_, "/messages?limit=100"));
  ASSERT_EQ(pages.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pages[i]["items"].size(), 100u) << "page " << i;
  EXPECT_EQ(pages[5]["items"].size(), 30u);
  EXPECT_EQ(Ids(pages, "message_id"), expected);
  EXPECT_EQ(pages[0]["items"][0]["text"], "message 529");
  EXPECT_EQ(pages[5]["items"][29]["text"], "message 0");
  EXPECT_EQ(pages[0]["items"][6]["is_outgoing"], true);  // message 523 is Ann's
  EXPECT_EQ(pages[0]["items"][0]["from"]["user_id"], bob_);

  // Odd page sizes and an explicit `before` give the same sequence.
  auto small = Pages(ChatPath(bob_, "/messages?limit=37"));
  EXPECT_EQ(Ids(small, "message_id"), expected);
  auto after = GetOk(ChatPath(bob_, "/messages?limit=5&before=" + std::to_string(expected[10])));
  std::vector<std::int64_t> five(expected.begin() + 11, expected.begin() + 16);
  EXPECT_EQ(Ids({after}, "message_id"), five);
  auto next = GetOk(ChatPath(bob_, "/messages?limit=5&cursor=" + after["next_cursor"].get<std::string>()));
  EXPECT_EQ(Ids({next}, "message_id"), std::vector<std::int64_t>(expected.begin() + 16, expected.begin() + 21));
}

TEST_F(ChatsTest, UnreadListsIncomingMessagesThenReadMarksThemReadForTheSender) {
  Write(kBob, kAnn, "already read");
  auto first_read = http().Post(ChatPath(bob_, "/read"), json::object());
  ASSERT_EQ(first_read.status, 200) << first_read.body;
  for (int i = 1; i <= 3; ++i) Write(kBob, kAnn, "bob " + std::to_string(i));
  Write(kCarol, kAnn, "carol 1");
  Write(kAnn, kCarol, "ann answers");
  Write(kCarol, kAnn, "carol 2");

  auto unread = GetOk(Acc("/unread"));
  ASSERT_EQ(unread["items"].size(), 2u) << unread;
  std::map<std::int64_t, json> by_id;
  for (const auto& chat : unread["items"]) by_id[chat["chat_id"]] = chat;
  const json& bob = by_id[bob_];
  EXPECT_EQ(bob["title"], "Bob");
  EXPECT_EQ(bob["type"], "private");
  EXPECT_EQ(bob["unread_count"], 3);
  ASSERT_EQ(bob["messages"].size(), 3u) << bob;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bob["messages"][i]["text"], "bob " + std::to_string(i + 1));
  const json& carol = by_id[carol_];
  ASSERT_EQ(carol["messages"].size(), 2u) << carol;
  EXPECT_EQ(carol["messages"][0]["text"], "carol 1");
  EXPECT_EQ(carol["messages"][1]["text"], "carol 2");
  EXPECT_EQ(carol["messages"][0]["is_outgoing"], false);

  // One chat a page, in the chat list's order, each once, then no cursor.
  auto pages = Pages(Acc("/unread?limit=1"));
  ASSERT_EQ(pages.size(), 2u);
  auto paged = Ids(pages, "chat_id");
  EXPECT_EQ(std::set<std::int64_t>(paged.begin(), paged.end()), (std::set<std::int64_t>{carol_, bob_}));
  EXPECT_EQ(paged, Ids({unread}, "chat_id"));

  // All of Bob's chat: Bob sees every message read.
  auto read = http().Post(ChatPath(bob_, "/read"), json::object());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.Json()["chat_id"], bob_);
  EXPECT_EQ(read.Json()["unread_count"], 0);
  EXPECT_EQ(read.Json()["last_read_inbox_message_id"], bob["messages"][2]["message_id"]);
  for (const auto& message : Seen(kBob, kAnn)) EXPECT_EQ(message["is_read"], true) << message;

  // Carol's chat up to her first message only.
  auto partly = http().Post(ChatPath(carol_, "/read"), {{"up_to_message_id", carol["messages"][0]["message_id"]}});
  ASSERT_EQ(partly.status, 200) << partly.body;
  EXPECT_EQ(partly.Json()["unread_count"], 1);
  auto carol_sees = Seen(kCarol, kAnn);
  ASSERT_EQ(carol_sees.size(), 3u);
  EXPECT_EQ(carol_sees[0]["is_read"], true);
  EXPECT_EQ(carol_sees[2]["text"], "carol 2");
  EXPECT_EQ(carol_sees[2]["is_read"], false);

  auto left = GetOk(Acc("/unread"));
  ASSERT_EQ(left["items"].size(), 1u) << left;
  ASSERT_EQ(left["items"][0]["messages"].size(), 1u);
  EXPECT_EQ(left["items"][0]["messages"][0]["text"], "carol 2");
  EXPECT_EQ(GetOk(Acc("/chats?unread_only=true"))["items"].size(), 1u);
}

TEST_F(ChatsTest, EditChangesTheTextThePeerSees) {
  std::int64_t ours = Write(kAnn, kBob, "draft");
  std::int64_t theirs = Write(kBob, kAnn, "bob's own words");
  auto edited = http().Request("PATCH", ChatPath(bob_, "/messages/" + std::to_string(ours)),
                               json{{"text", "**final** text"}, {"parse_mode", "markdown"}}.dump());
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.Json()["message_id"], ours);
  EXPECT_EQ(edited.Json()["text"], "final text");
  EXPECT_EQ(edited.Json()["entities"][0]["type"], "bold");
  EXPECT_TRUE(edited.Json()["edit_date"].is_string()) << edited.body;

  auto bob = Seen(kBob, kAnn);
  ASSERT_EQ(bob.size(), 2u);
  EXPECT_EQ(bob[0]["text"], "final text");
  EXPECT_TRUE(bob[0].contains("edit_date")) << bob[0];
  auto history = GetOk(ChatPath(bob_, "/messages"));
  EXPECT_EQ(history["items"][1]["text"], "final text");

  auto not_ours = http().Request("PATCH", ChatPath(bob_, "/messages/" + std::to_string(theirs)),
                                 json{{"text", "rewritten"}}.dump());
  EXPECT_EQ(not_ours.status, 403) << not_ours.body;
  EXPECT_EQ(Seen(kBob, kAnn)[1]["text"], "bob's own words");
  auto missing = http().Request("PATCH", ChatPath(bob_, "/messages/999948576"), json{{"text", "x"}}.dump());
  EXPECT_EQ(missing.status, 404) << missing.body;
}

TEST_F(ChatsTest, DeleteForEveryoneOrOnlyForThisAccount) {
  std::int64_t gone = Write(kAnn, kBob, "oops");
  std::int64_t kept = Write(kAnn, kBob, "my copy only");
  auto revoked = http().Request("DELETE", ChatPath(bob_, "/messages/" + std::to_string(gone)));
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  auto bob = Seen(kBob, kAnn);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["text"], "my copy only");

  auto mine = http().Request("DELETE", ChatPath(bob_, "/messages/" + std::to_string(kept) + "?revoke=false"));
  EXPECT_EQ(mine.status, 204) << mine.body;
  bob = Seen(kBob, kAnn);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["text"], "my copy only");
  EXPECT_TRUE(GetOk(ChatPath(bob_, "/messages"))["items"].empty());
  EXPECT_TRUE(Seen(kAnn, kBob).empty());
}

TEST_F(ChatsTest, BadInputGetsClearClientErrors) {
  std::int64_t ours = Write(kAnn, kBob, "hello");
  auto expect = [](const HttpResponse& answer, int status, const std::string& code, const std::string& mention) {
    EXPECT_EQ(answer.status, status) << answer.body;
    if (answer.status != status) return;
    EXPECT_EQ(answer.Json()["code"], code) << answer.body;
    EXPECT_NE(answer.Json()["detail"].get<std::string>().find(mention), std::string::npos) << answer.body;
  };
  expect(http().Get(Acc("/chats/bob/messages")), 400, "invalid_request", "chat_id");
  expect(http().Request("PATCH", ChatPath(bob_, "/messages/1x"), json{{"text", "x"}}.dump()), 400,
         "invalid_request", "message_id");
  expect(http().Request("PATCH", ChatPath(bob_, "/messages/" + std::to_string(ours)),
                        json{{"text", std::string(4097, 'x')}}.dump()),
         400, "invalid_request", "4096");
  expect(http().Request("PATCH", ChatPath(bob_, "/messages/" + std::to_string(ours)), json{{"text", ""}}.dump()), 400,
         "invalid_request", "text");
  expect(http().Request("PATCH", ChatPath(bob_, "/messages/" + std::to_string(ours)),
                        json{{"text", "x"}, {"parse_mode", "bbcode"}}.dump()),
         400, "invalid_request", "parse_mode");
  expect(http().Get(Acc("/chats?limit=0")), 400, "invalid_request", "limit");
  expect(http().Get(Acc("/chats?limit=101")), 400, "invalid_request", "limit");
  expect(http().Get(Acc("/chats?cursor=nonsense")), 400, "invalid_request", "cursor");
  expect(http().Get(Acc("/chats?unread_only=maybe")), 400, "invalid_request", "unread_only");
  expect(http().Get(ChatPath(bob_, "/messages?before=-5")), 400, "invalid_request", "before");
  expect(http().Get(ChatPath(bob_, "/messages?cursor=abc")), 400, "invalid_request", "cursor");
  expect(http().Get(ChatPath(bob_, "/messages?cursor=5&before=5")), 400, "invalid_request", "cursor");
  expect(http().Get(ChatPath(bob_, "/messages?limit=500")), 400, "invalid_request", "limit");
  expect(http().Get(Acc("/unread?limit=x")), 400, "invalid_request", "limit");
  expect(http().Get(Acc("/unread?cursor=nonsense")), 400, "invalid_request", "cursor");
  expect(http().Post(ChatPath(bob_, "/read"), {{"up_to_message_id", "last"}}), 400, "invalid_request",
         "up_to_message_id");
  expect(http().Get(ChatPath(987654321, "/messages")), 404, "peer_not_found", "987654321");
  expect(http().Post(ChatPath(-4242, "/read"), json::object()), 404, "peer_not_found", "-4242");
  EXPECT_EQ(Seen(kBob, kAnn)[0]["text"], "hello");

  // Another tenant's owner: the account does not exist for them.
  std::string other = gateway_->Anonymous()
                          .Post("/v1/auth/register", {{"email", "owner@b.test"}, {"password", "tenant-b-pw-1"}})
                          .Json()["access_token"];
  auto foreign = gateway_->Anonymous().Request("GET", Acc("/chats"), "", {{"Authorization", "Bearer " + other}});
  expect(foreign, 404, "not_found", account_);

  // A disabled account is not connected.
  ASSERT_EQ(http().Request("PATCH", Acc(""), json{{"disabled", true}}.dump()).status, 200);
  expect(http().Get(Acc("/chats")), 409, "account_not_ready", "disabled");
}

}  // namespace
}  // namespace tgmux::testing
