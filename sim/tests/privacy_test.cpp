// Privacy "who can message me" (everybody / contacts): canSendMessageToUser as
// UserManager::can_send_message_to_user answers it, and a refused private message as
// TDLib reports the server's PRIVACY_PREMIUM_REQUIRED (403 turned into 400 by
// MessagesManager::process_send_message_fail_error).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimPrivacy : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550911", "alice");
    bob_ = &LoggedIn("+15550912", "bob");
    alice_id_ = alice_->RequestOk({{"@type", "getMe"}})["id"];
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
  }

  int SetPrivacy(const std::string& phone, const std::string& messages) {
    return sim_->Control("POST", "/users/" + phone + "/privacy", {{"messages", messages}}).status;
  }

  std::string CanSend(std::int64_t user_id, bool only_local) {
    return TypeOf(alice_->RequestOk({{"@type", "canSendMessageToUser"}, {"user_id", user_id}, {"only_local", only_local}}));
  }

  json SendText(ScriptedClient& from, std::int64_t chat_id, const std::string& text) {
    return from.RequestOk({{"@type", "sendMessage"}, {"chat_id", chat_id},
                           {"input_message_content", {{"@type", "inputMessageText"},
                                                      {"text", {{"@type", "formattedText"}, {"text", text}}}}}});
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t alice_id_ = 0, bob_id_ = 0;
};

TEST_F(SimPrivacy, ContactsOnlyRefusesStrangers) {
  ASSERT_EQ(SetPrivacy("+15550912", "contacts"), 200);
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}});
  bool restricts = false;
  for (const auto& o : alice_->log()) {
    if (TypeOf(o) == "updateUser" && o["user"]["id"] == bob_id_) restricts = o["user"]["restricts_new_chats"];
  }
  EXPECT_TRUE(restricts);

  EXPECT_EQ(CanSend(alice_id_, false), "canSendMessageToUserResultOk");
  EXPECT_EQ(CanSend(987654321, false), "canSendMessageToUserResultUserIsDeleted");
  EXPECT_EQ(CanSend(bob_id_, true), "canSendMessageToUserResultOk");  // nothing known locally yet
  EXPECT_EQ(CanSend(bob_id_, false), "canSendMessageToUserResultUserRestrictsNewChats");
  EXPECT_EQ(CanSend(bob_id_, true), "canSendMessageToUserResultUserRestrictsNewChats");  // remembered

  json pending = SendText(*alice_, bob_id_, "hi stranger");
  auto failed = alice_->WaitForType("updateMessageSendFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["old_message_id"], pending["id"]);
  EXPECT_EQ((*failed)["error"]["code"], 400);
  EXPECT_EQ((*failed)["error"]["message"], "PRIVACY_PREMIUM_REQUIRED");
  EXPECT_FALSE(bob_->WaitForType("updateNewMessage", 0.3));

  auto by_control = sim_->Control("POST", "/messages", {{"from", "+15550911"}, {"to", "+15550912"}, {"text", "x"}});
  EXPECT_EQ(by_control.status, 403);
  EXPECT_EQ(by_control.body["error"], "PRIVACY_PREMIUM_REQUIRED");
}

TEST_F(SimPrivacy, ContactsAndExistingChatsMayWrite) {
  ASSERT_EQ(SetPrivacy("+15550912", "contacts"), 200);
  // Bob saves Alice as a contact: she may write to him now.
  bob_->RequestOk({{"@type", "importContacts"},
                   {"contacts", {{{"@type", "importedContact"}, {"phone_number", "+15550911"}, {"first_name", "Al"}}}}});
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}});
  EXPECT_EQ(CanSend(bob_id_, false), "canSendMessageToUserResultOk");
  SendText(*alice_, bob_id_, "hello, contact");
  EXPECT_TRUE(alice_->WaitForType("updateMessageSendSucceeded"));
  auto got = bob_->WaitForType("updateNewMessage");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["message"]["content"]["text"]["text"], "hello, contact");

  // The setting restricts new chats only: Carol, who already talks to Bob, still may.
  CreateUser("+15550913", "Carol");
  CreateUser("+15550914", "Dave");
  ASSERT_EQ(SetPrivacy("+15550912", "everybody"), 200);
  ASSERT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550913"}, {"to", "+15550912"}, {"text", "a"}}).status, 201);
  ASSERT_EQ(SetPrivacy("+15550912", "contacts"), 200);
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550913"}, {"to", "+15550912"}, {"text", "b"}}).status, 201);
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550914"}, {"to", "+15550912"}, {"text", "c"}}).status, 403);
  // Bob himself writes to anyone.
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550912"}, {"to", "+15550914"}, {"text", "d"}}).status, 201);
}

TEST_F(SimPrivacy, ChangeReachesClientsAndIsValidated) {
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}});
  ASSERT_EQ(SetPrivacy("+15550912", "contacts"), 200);
  auto update = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateUser" && o["user"]["id"] == bob_id_ && o["user"]["restricts_new_chats"] == true;
  });
  EXPECT_TRUE(update);
  ASSERT_EQ(SetPrivacy("+15550912", "everybody"), 200);
  update = alice_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateUser" && o["user"]["id"] == bob_id_ && o["user"]["restricts_new_chats"] == false;
  });
  EXPECT_TRUE(update);
  EXPECT_EQ(CanSend(bob_id_, false), "canSendMessageToUserResultOk");

  EXPECT_EQ(SetPrivacy("+15550912", "friends"), 400);
  EXPECT_EQ(SetPrivacy("+15550999", "contacts"), 404);
  EXPECT_EQ(sim_->Control("POST", "/users/+15550912/privacy", json::object()).status, 400);
  // Also settable at creation.
  CreateUser("+15550915", "Eve", {{"messages", "contacts"}});
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550911"}, {"to", "+15550915"}, {"text", "x"}}).status, 403);
}

}  // namespace
}  // namespace tgsim::testing
