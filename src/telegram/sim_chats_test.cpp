// History, incoming messages, chat lists and read receipts against the
// simulator; other users act through its control API.
#include <map>

#include "telegram/sim_account_fixture.h"

namespace tgmux::telegram::testing {
namespace {

class TelegramSimChats : public SimAccountTest {
 protected:
  void SetUp() override {
    SimAccountTest::SetUp();
    alice_ = &LoggedIn("+15550801", "alice");
    bob_ = &LoggedIn("+15550802", "bob");
  }

  // `from` writes to `to` (a phone or a chat id) as another device would.
  std::int64_t Write(const std::string& from, const nlohmann::json& to, const std::string& text) {
    auto sent = sim_->Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body.dump();
    return sent.body.value("message_id", std::int64_t{0});
  }

  // How many new messages `account` reported, counted once a marker written
  // after them (by someone else, so that no chat under test changes) arrived:
  // a duplicate of an earlier one would have come before it.
  std::size_t SettledCount(SimAccount& account, std::size_t count) {
    account.messages.Wait(count - 1, 20s);
    sim_->Control("POST", "/users", {{"phone", kMarkerPhone}, {"first_name", "Marker"}});  // 409 once it exists
    Write(kMarkerPhone, account.phone, "marker");
    EXPECT_TRUE(account.messages.WaitFor([](const Message& m) { return m.text.text == "marker"; }, 20s));
    return account.messages.count() - 1;
  }

  static constexpr const char* kMarkerPhone = "+15550809";

  SimAccount* alice_ = nullptr;
  SimAccount* bob_ = nullptr;
};

TEST_F(TelegramSimChats, HistoryPagesMatchTheCloudExactly) {
  constexpr int kMessages = 310;
  for (int i = 0; i < kMessages; ++i) Write(bob_->phone, alice_->phone, "m" + std::to_string(i));
  EXPECT_EQ(SettledCount(*alice_, kMessages), static_cast<std::size_t>(kMessages));  // each once

  std::vector<std::int64_t> paged;
  std::vector<std::string> texts;
  std::int64_t from = 0;
  int pages = 0, short_pages = 0;
  while (pages++ < 100) {
    auto page = Await<std::vector<Message>>([&](auto done) {
      alice_->client->GetHistory(bob_->user_id, from, 100, done);
    });
    ASSERT_TRUE(page.ok()) << page.error().what();
    if (page.value().empty()) break;
    if (page.value().size() < 100) ++short_pages;
    for (const auto& message : page.value()) {
      if (!paged.empty()) {
        ASSERT_LT(message.message_id, paged.back());  // newest first, no repeats
      }
      paged.push_back(message.message_id);
      texts.push_back(message.text.text);
    }
    from = paged.back();
  }
  EXPECT_GE(short_pages, 1);  // TDLib's first page is short: paging must cope
  auto cloud = SimMessages(alice_->phone, bob_->phone);
  ASSERT_EQ(paged.size(), cloud.size());
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const auto& expected = cloud[cloud.size() - 1 - i];
    ASSERT_EQ(paged[i], expected["message_id"].get<std::int64_t>()) << i;
    ASSERT_EQ(texts[i], expected["text"].get<std::string>()) << i;
  }
}

TEST_F(TelegramSimChats, IncomingPrivateAndGroupMessagesAreReportedOnce) {
  auto basic = sim_->Control("POST", "/groups", {{"title", "Team"}, {"kind", "basic"},
                                                 {"members", {alice_->phone, bob_->phone}}});
  auto super = sim_->Control("POST", "/groups", {{"title", "Big"}, {"kind", "supergroup"},
                                                 {"members", {alice_->phone, bob_->phone}}});
  ASSERT_EQ(basic.status, 201);
  ASSERT_EQ(super.status, 201);
  Write(bob_->phone, alice_->phone, "private");
  Write(bob_->phone, basic.body["chat_id"], "in basic");
  Write(bob_->phone, super.body["chat_id"], "in super");
  ASSERT_EQ(SettledCount(*alice_, 3), 3u);
  auto in_basic = alice_->WaitMessage("in basic");
  ASSERT_TRUE(in_basic);
  EXPECT_EQ(in_basic->chat_id, basic.body["chat_id"].get<std::int64_t>());
  EXPECT_EQ(in_basic->sender.user_id, bob_->user_id);
  EXPECT_EQ(alice_->WaitMessage("in super")->chat_id, super.body["chat_id"].get<std::int64_t>());

  // The chat list knows them all, with types, titles and unread counts.
  ASSERT_TRUE(Await<bool>([&](auto done) { alice_->client->LoadChats(50, done); }).ok());
  auto chats = Await<std::vector<Chat>>([&](auto done) { alice_->client->GetChats(50, done); });
  ASSERT_TRUE(chats.ok()) << chats.error().what();
  std::map<std::int64_t, Chat> by_id;
  for (const auto& chat : chats.value()) by_id[chat.chat_id] = chat;
  ASSERT_TRUE(by_id.contains(bob_->user_id));
  EXPECT_EQ(by_id[bob_->user_id].type, ChatType::kPrivate);
  EXPECT_EQ(by_id[bob_->user_id].username, "bob");
  EXPECT_EQ(by_id[bob_->user_id].unread_count, 1);
  ASSERT_TRUE(by_id[bob_->user_id].last_message);
  EXPECT_EQ(by_id[bob_->user_id].last_message->text.text, "private");
  EXPECT_EQ(by_id[basic.body["chat_id"]].type, ChatType::kGroup);
  EXPECT_EQ(by_id[basic.body["chat_id"]].title, "Team");
  EXPECT_EQ(by_id[super.body["chat_id"]].type, ChatType::kSupergroup);
}

TEST_F(TelegramSimChats, ReadReceiptsBothWays) {
  // Bob's message read by Alice: Bob's side sees it read.
  Write(bob_->phone, alice_->phone, "read me");
  auto incoming = alice_->WaitMessage("read me");
  ASSERT_TRUE(incoming);
  auto before = Await<Chat>([&](auto done) { alice_->client->GetChat(incoming->chat_id, done); });
  ASSERT_TRUE(before.ok()) << before.error().what();
  EXPECT_EQ(before.value().unread_count, 1);
  ASSERT_TRUE((Await<Ok>([&](auto done) {
                 alice_->client->ViewMessages(incoming->chat_id, {incoming->message_id}, true, done);
               }).ok()));
  auto inbox = alice_->inbox.WaitFor([](const SimAccount::Read& r) { return r.unread == 0; });
  ASSERT_TRUE(inbox);
  EXPECT_EQ(inbox->last_read, incoming->message_id);
  EXPECT_TRUE(bob_->outbox.WaitFor([&](const SimAccount::Read& r) { return r.chat_id == alice_->user_id; }));
  EXPECT_EQ(SimMessages(bob_->phone, alice_->phone)[0]["is_read"], true);
  EXPECT_EQ(Await<Chat>([&](auto done) { alice_->client->GetChat(incoming->chat_id, done); }).value().unread_count, 0);

  // Alice's message read by Bob on another device: Alice is told.
  std::int64_t chat = Await<std::int64_t>([&](auto done) { alice_->client->ResolveRecipient("@bob", done); }).value();
  auto mine = Await<Message>([&](auto done) { alice_->client->SendText(chat, {"did you read?"}, 0, false, done); });
  ASSERT_TRUE(mine.ok()) << mine.error().what();
  ASSERT_EQ(sim_->Control("POST", "/users/" + bob_->phone + "/read", {{"with", alice_->phone}}).status, 204);
  auto outbox = alice_->outbox.WaitFor([&](const SimAccount::Read& r) { return r.last_read == mine.value().message_id; });
  ASSERT_TRUE(outbox);
  EXPECT_EQ(outbox->chat_id, chat);
}

}  // namespace
}  // namespace tgmux::telegram::testing
