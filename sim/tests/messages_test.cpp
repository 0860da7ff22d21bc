// Chats and messages between clients and the control API (tdlib-facts §7;
// checklist items 11–13).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimMessages : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550501", "alice");
    bob_ = &LoggedIn("+15550502", "bob");
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
    alice_id_ = alice_->RequestOk({{"@type", "getMe"}})["id"];
  }

  json SendText(ScriptedClient& from, std::int64_t chat_id, const std::string& text) {
    return from.RequestOk({{"@type", "sendMessage"}, {"chat_id", chat_id},
                           {"input_message_content", {{"@type", "inputMessageText"},
                                                      {"text", {{"@type", "formattedText"}, {"text", text}}}}}});
  }

  // Alice opens her chat with Bob the way an app must: find him, then create the chat.
  void AliceKnowsBob() {
    alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@bob"}});
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t alice_id_ = 0, bob_id_ = 0;
};

TEST_F(SimMessages, SendOrderTemporaryIdsAndServerIds) {
  auto unknown = alice_->Request({{"@type", "sendMessage"}, {"chat_id", bob_id_}});
  EXPECT_EQ((*unknown)["message"], "Chat not found");  // updateNewChat must come first
  AliceKnowsBob();
  json pending = SendText(*alice_, bob_id_, "hello");
  std::int64_t temp_id = pending["id"];
  EXPECT_EQ(temp_id % 8, 1);  // yet-unsent ids are positive with type bits 1
  EXPECT_EQ(pending["sending_state"]["@type"], "messageSendingStatePending");
  auto succeeded = alice_->WaitForType("updateMessageSendSucceeded");
  ASSERT_TRUE(succeeded);
  EXPECT_EQ((*succeeded)["old_message_id"], temp_id);
  std::int64_t server_id = (*succeeded)["message"]["id"];
  EXPECT_EQ(server_id % (1 << 20), 0);
  EXPECT_FALSE((*succeeded)["message"].contains("sending_state"));
  // The updateNewMessage of the pending message came before the response.
  std::size_t new_message = 0, response = 0;
  for (std::size_t i = 0; i < alice_->log().size(); ++i) {
    const auto& o = alice_->log()[i];
    if (TypeOf(o) == "updateNewMessage" && o["message"]["id"] == temp_id) new_message = i;
    if (TypeOf(o) == "message" && o["id"] == temp_id) response = i;
  }
  EXPECT_LT(new_message, response);
  auto incoming = bob_->WaitForType("updateNewMessage");
  ASSERT_TRUE(incoming);
  EXPECT_EQ((*incoming)["message"]["chat_id"], alice_id_);
  EXPECT_FALSE((*incoming)["message"]["is_outgoing"]);
  auto unread = bob_->WaitForType("updateChatReadInbox");
  EXPECT_EQ((*unread)["unread_count"], 1);
}

TEST_F(SimMessages, HistoryIsNewestFirstAndPaginates) {
  AliceKnowsBob();
  for (int i = 0; i < 5; ++i) {
    auto sent = sim_->Control("POST", "/messages", {{"from", "+15550502"}, {"to", "+15550501"}, {"text", "m" + std::to_string(i)}});
    ASSERT_EQ(sent.status, 201);
  }
  auto first = alice_->RequestOk({{"@type", "getChatHistory"}, {"chat_id", bob_id_}, {"limit", 10}});
  ASSERT_GE(first["messages"].size(), 1u);  // may be fewer than asked
  std::vector<std::string> texts;
  std::int64_t from = 0;
  for (int page = 0; page < 10; ++page) {
    auto history = alice_->RequestOk({{"@type", "getChatHistory"}, {"chat_id", bob_id_},
                                      {"from_message_id", from}, {"limit", 2}});
    if (history["messages"].empty()) break;
    for (const auto& m : history["messages"]) {
      if (from != 0) {
        EXPECT_LT(m["id"].get<std::int64_t>(), from);  // exclusive, decreasing
      }
      from = m["id"];
      texts.push_back(m["content"]["text"]["text"]);
    }
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"m4", "m3", "m2", "m1", "m0"}));
}

TEST_F(SimMessages, ViewingMarksReadOnlyWhenItShould) {
  AliceKnowsBob();
  SendText(*alice_, bob_id_, "read me");
  auto incoming = bob_->WaitForType("updateNewMessage");
  std::int64_t id = (*incoming)["message"]["id"];
  bob_->RequestOk({{"@type", "viewMessages"}, {"chat_id", alice_id_}, {"message_ids", {id}}});
  EXPECT_FALSE(alice_->WaitForType("updateChatReadOutbox", 0.3));  // only a view, not a read
  bob_->RequestOk({{"@type", "openChat"}, {"chat_id", alice_id_}});
  bob_->RequestOk({{"@type", "viewMessages"}, {"chat_id", alice_id_}, {"message_ids", {id}}});
  auto inbox = bob_->WaitFor([](const json& o) { return TypeOf(o) == "updateChatReadInbox" && o["unread_count"] == 0; });
  ASSERT_TRUE(inbox);
  EXPECT_EQ((*inbox)["last_read_inbox_message_id"], id);
  auto outbox = alice_->WaitForType("updateChatReadOutbox");
  ASSERT_TRUE(outbox);
  EXPECT_EQ((*outbox)["chat_id"], bob_id_);
  auto seen = sim_->Control("GET", "/users/+15550501/messages?with=%2B15550502");
  EXPECT_TRUE(seen.body["messages"][0]["is_read"]);
}

TEST_F(SimMessages, EditReachesBothSides) {
  AliceKnowsBob();
  SendText(*alice_, bob_id_, "draft");
  std::int64_t id = (*alice_->WaitForType("updateMessageSendSucceeded"))["message"]["id"];
  bob_->WaitForType("updateNewMessage");
  auto edited = alice_->RequestOk({{"@type", "editMessageText"}, {"chat_id", bob_id_}, {"message_id", id},
                                   {"input_message_content", {{"@type", "inputMessageText"},
                                                              {"text", {{"@type", "formattedText"}, {"text", "final"}}}}}});
  EXPECT_EQ(edited["content"]["text"]["text"], "final");
  EXPECT_GT(edited["edit_date"].get<int>(), 0);
  EXPECT_TRUE(alice_->WaitForType("updateMessageContent"));
  auto content = bob_->WaitForType("updateMessageContent");
  ASSERT_TRUE(content);
  EXPECT_EQ((*content)["new_content"]["text"]["text"], "final");
  EXPECT_TRUE(bob_->WaitForType("updateMessageEdited"));
  auto bob_view = sim_->Control("GET", "/users/+15550502/messages?with=%2B15550501");
  EXPECT_EQ(bob_view.body["messages"][0]["text"], "final");
  EXPECT_TRUE(bob_view.body["messages"][0].contains("edit_date"));
}

TEST_F(SimMessages, DeleteWithAndWithoutRevoke) {
  AliceKnowsBob();
  SendText(*alice_, bob_id_, "one");
  std::int64_t one = (*alice_->WaitForType("updateMessageSendSucceeded"))["message"]["id"];
  SendText(*alice_, bob_id_, "two");
  std::int64_t two = (*alice_->WaitForType("updateMessageSendSucceeded"))["message"]["id"];
  alice_->RequestOk({{"@type", "deleteMessages"}, {"chat_id", bob_id_}, {"message_ids", {one}}, {"revoke", false}});
  auto mine = alice_->WaitForType("updateDeleteMessages");
  ASSERT_TRUE(mine);
  EXPECT_TRUE((*mine)["is_permanent"]);
  EXPECT_FALSE((*mine)["from_cache"]);
  EXPECT_EQ(sim_->Control("GET", "/users/+15550502/messages?with=%2B15550501").body["messages"].size(), 2u);
  alice_->RequestOk({{"@type", "deleteMessages"}, {"chat_id", bob_id_}, {"message_ids", {two}}, {"revoke", true}});
  auto theirs = bob_->WaitForType("updateDeleteMessages");
  ASSERT_TRUE(theirs);
  auto left = sim_->Control("GET", "/users/+15550502/messages?with=%2B15550501").body["messages"];
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["text"], "one");
}

// Someone without a running app edits and deletes their own message: the
// other side's app hears it as from any edit and deletion.
TEST_F(SimMessages, ControlEditsAndDeletesOnesOwnMessage) {
  sim_->Control("POST", "/users", {{"phone", "+15550503"}, {"first_name", "Carol"}});
  auto sent = sim_->Control("POST", "/messages", {{"from", "+15550503"}, {"to", "+15550501"}, {"text", "draft"}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::int64_t id = sent.body["message_id"];
  ASSERT_TRUE(alice_->WaitForType("updateNewMessage"));
  auto edited = sim_->Control("POST", "/users/+15550503/edit", {{"with", "+15550501"}, {"message_id", id}, {"text", "final"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  auto content = alice_->WaitForType("updateMessageContent");
  ASSERT_TRUE(content);
  EXPECT_EQ((*content)["new_content"]["text"]["text"], "final");
  // Only one's own message, and only one that exists.
  auto theirs = sim_->Control("GET", "/users/+15550501/messages?with=%2B15550503").body["messages"][0]["message_id"];
  EXPECT_EQ(sim_->Control("POST", "/users/+15550501/edit", {{"with", "+15550503"}, {"message_id", theirs}, {"text", "x"}}).status, 400);
  EXPECT_EQ(sim_->Control("POST", "/users/+15550503/edit", {{"with", "+15550501"}, {"message_id", id + (1 << 20)}, {"text", "x"}}).status, 404);
  auto deleted = sim_->Control("POST", "/users/+15550503/delete", {{"with", "+15550501"}, {"message_ids", {id}}});
  ASSERT_EQ(deleted.status, 204) << deleted.body;
  ASSERT_TRUE(alice_->WaitForType("updateDeleteMessages"));
  EXPECT_TRUE(sim_->Control("GET", "/users/+15550501/messages?with=%2B15550503").body["messages"].empty());
}

TEST_F(SimMessages, ControlReadShowsOutgoingRead) {
  AliceKnowsBob();
  SendText(*alice_, bob_id_, "hi");
  std::int64_t id = (*alice_->WaitForType("updateMessageSendSucceeded"))["message"]["id"];
  ASSERT_EQ(sim_->Control("POST", "/users/+15550502/read", {{"with", "+15550501"}}).status, 204);
  auto outbox = alice_->WaitForType("updateChatReadOutbox");
  ASSERT_TRUE(outbox);
  EXPECT_EQ((*outbox)["last_read_outbox_message_id"], id);
}

TEST_F(SimMessages, GroupMessagesCountUnread) {
  auto group = sim_->Control("POST", "/groups", {{"title", "Team"}, {"kind", "supergroup"},
                                                 {"members", {"+15550501", "+15550502"}}});
  ASSERT_EQ(group.status, 201);
  std::int64_t chat_id = group.body["chat_id"];
  EXPECT_LT(chat_id, -1000000000000LL);
  for (const char* text : {"a", "b"}) {
    sim_->Control("POST", "/messages", {{"from", "+15550502"}, {"to", chat_id}, {"text", text}});
  }
  auto chat = alice_->WaitForType("updateNewChat");
  ASSERT_TRUE(chat);
  EXPECT_EQ((*chat)["chat"]["type"]["@type"], "chatTypeSupergroup");
  auto counted = alice_->WaitFor([](const json& o) { return TypeOf(o) == "updateChatReadInbox" && o["unread_count"] == 2; });
  EXPECT_TRUE(counted);
}

TEST_F(SimMessages, LoadChatsThenNotFoundAndGetChats) {
  sim_->Control("POST", "/messages", {{"from", "+15550502"}, {"to", "+15550501"}, {"text", "x"}});
  alice_->WaitForType("updateNewMessage");
  CreateUser("+15550503", "carol");
  sim_->Control("POST", "/messages", {{"from", "+15550503"}, {"to", "+15550501"}, {"text", "y"}});
  alice_->RequestOk({{"@type", "loadChats"}, {"chat_list", {{"@type", "chatListMain"}}}, {"limit", 10}});
  EXPECT_TRUE(alice_->WaitForType("updateChatPosition"));
  auto done = alice_->Request({{"@type", "loadChats"}, {"limit", 10}});
  EXPECT_EQ((*done)["code"], 404);
  EXPECT_EQ((*done)["message"], "Not Found");
  auto chats = alice_->RequestOk({{"@type", "getChats"}, {"limit", 10}});
  ASSERT_EQ(chats["chat_ids"].size(), 2u);
  // updateNewChat arrived for every chat id before it was used.
  for (const auto& id : chats["chat_ids"]) {
    bool announced = false;
    for (const auto& o : alice_->log()) announced |= TypeOf(o) == "updateNewChat" && o["chat"]["id"] == id;
    EXPECT_TRUE(announced) << id;
  }
  EXPECT_EQ(alice_->Request({{"@type", "searchPublicChat"}, {"username", "nobody_here"}})->value("message", ""),
            "USERNAME_NOT_OCCUPIED");
}

}  // namespace
}  // namespace tgsim::testing
