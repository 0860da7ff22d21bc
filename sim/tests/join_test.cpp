// Joining and leaving groups and channels, invite links and the PEER_FLOOD spam limit,
// as TDLib 1.8.65 answers them (DialogParticipantManager::join_dialog / leave_dialog,
// DialogInviteLinkManager, LinkManager::get_dialog_invite_link_hash).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimJoin : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550931", "alice");
    bob_ = &LoggedIn("+15550932", "bob");
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
  }

  // A group made by the control API; returns its 201 body.
  json Group(const std::string& title, const std::string& kind, json members, const std::string& username = "") {
    json body = {{"title", title}, {"kind", kind}, {"members", members}};
    if (!username.empty()) body["username"] = username;
    auto result = sim_->Control("POST", "/groups", body);
    EXPECT_EQ(result.status, 201) << result.body.dump();
    return result.body;
  }

  void Post(std::int64_t chat_id, const std::string& text) {
    auto result = sim_->Control("POST", "/messages", {{"from", "+15550931"}, {"to", chat_id}, {"text", text}});
    ASSERT_EQ(result.status, 201) << result.body.dump();
  }

  std::optional<json> NewMessage(ScriptedClient& client, std::int64_t chat_id, double timeout = 5) {
    return client.WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["chat_id"] == chat_id;
    }, timeout);
  }

  std::optional<json> Position(ScriptedClient& client, std::int64_t chat_id) {
    return client.WaitFor([&](const json& o) { return TypeOf(o) == "updateChatPosition" && o["chat_id"] == chat_id; });
  }

  static json Bare(json object) {  // without @extra and @client_id
    object.erase("@extra");
    object.erase("@client_id");
    return object;
  }

  json Error(ScriptedClient& client, json request) {
    auto answer = client.Request(std::move(request));
    EXPECT_TRUE(answer);
    return answer.value_or(json::object());
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t bob_id_ = 0;
};

TEST_F(SimJoin, PublicGroupByUsernameThenItsMessages) {
  std::int64_t chat_id = Group("Public", "supergroup", {"+15550931"}, "publicgrp")["chat_id"];
  json chat = bob_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@publicgrp"}});
  EXPECT_EQ(chat["id"], chat_id);
  EXPECT_TRUE(chat["positions"].empty());  // not in bob's list
  auto announced = bob_->WaitForType("updateSupergroup");
  ASSERT_TRUE(announced);
  EXPECT_EQ((*announced)["supergroup"]["status"]["@type"], "chatMemberStatusLeft");
  Post(chat_id, "before");
  EXPECT_FALSE(NewMessage(*bob_, chat_id, 0.3));

  json joined = bob_->RequestOk({{"@type", "joinChat"}, {"chat_id", chat_id}});
  EXPECT_EQ(Bare(joined), json({{"@type", "chatJoinResultSuccess"}, {"chat_id", chat_id}}));
  auto member = bob_->WaitForType("updateSupergroup");
  ASSERT_TRUE(member);
  EXPECT_EQ((*member)["supergroup"]["status"]["@type"], "chatMemberStatusMember");
  EXPECT_EQ((*member)["supergroup"]["member_count"], 2);
  auto position = Position(*bob_, chat_id);
  ASSERT_TRUE(position);
  EXPECT_NE((*position)["position"]["order"], "0");

  Post(chat_id, "after");
  auto message = NewMessage(*bob_, chat_id);
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)["message"]["content"]["text"]["text"], "after");

  // A member of a supergroup joining again: success at once.
  EXPECT_EQ(bob_->RequestOk({{"@type", "joinChat"}, {"chat_id", chat_id}})["@type"], "chatJoinResultSuccess");
}

TEST_F(SimJoin, PublicChannelByUsername) {
  auto channel = sim_->Control("POST", "/channels", {{"title", "News"}, {"username", "newsfeed"}, {"owner", "+15550931"}});
  ASSERT_EQ(channel.status, 201);
  std::int64_t chat_id = channel.body["chat_id"];
  EXPECT_EQ(bob_->RequestOk({{"@type", "searchPublicChat"}, {"username", "newsfeed"}})["id"], chat_id);
  bob_->RequestOk({{"@type", "joinChat"}, {"chat_id", chat_id}});
  sim_->Control("POST", "/channels/@newsfeed/posts", {{"from", "+15550931"}, {"text", "post"}});
  auto post = NewMessage(*bob_, chat_id);
  ASSERT_TRUE(post);
  EXPECT_TRUE((*post)["message"]["is_channel_post"].get<bool>());
}

TEST_F(SimJoin, JoinErrors) {
  json unknown = Error(*bob_, {{"@type", "joinChat"}, {"chat_id", -1001234567890LL}});
  EXPECT_EQ(unknown["code"], 400);
  EXPECT_EQ(unknown["message"], "Chat not found");
  std::int64_t alice_id = alice_->RequestOk({{"@type", "getMe"}})["id"];
  bob_->RequestOk({{"@type", "searchPublicChat"}, {"username", "alice"}});
  EXPECT_EQ(Error(*bob_, {{"@type", "joinChat"}, {"chat_id", alice_id}})["message"], "Can't join private chats");
  EXPECT_EQ(Error(*bob_, {{"@type", "leaveChat"}, {"chat_id", alice_id}})["message"], "Can't leave private chats");
  // A private group bob is not in cannot be found by him at all.
  Group("Hidden", "supergroup", {"+15550931"}, "");
  EXPECT_EQ(Error(*bob_, {{"@type", "searchPublicChat"}, {"username", "hidden"}})["message"], "USERNAME_NOT_OCCUPIED");
}

TEST_F(SimJoin, LeftPrivateSupergroupIsRefused) {
  std::int64_t chat_id = Group("Secret", "supergroup", {"+15550931", "+15550932"})["chat_id"];
  bob_->RequestOk({{"@type", "loadChats"}, {"limit", 10}});
  ASSERT_TRUE(Position(*bob_, chat_id));
  EXPECT_EQ(bob_->RequestOk({{"@type", "leaveChat"}, {"chat_id", chat_id}})["@type"], "ok");
  auto left = bob_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateSupergroup" && o["supergroup"]["status"]["@type"] == "chatMemberStatusLeft";
  });
  ASSERT_TRUE(left);
  auto gone = Position(*bob_, chat_id);
  ASSERT_TRUE(gone);
  EXPECT_EQ((*gone)["position"]["order"], "0");
  Post(chat_id, "without bob");
  EXPECT_FALSE(NewMessage(*bob_, chat_id, 0.3));
  EXPECT_EQ(bob_->RequestOk({{"@type", "leaveChat"}, {"chat_id", chat_id}})["@type"], "ok");  // again: ok

  json refused = Error(*bob_, {{"@type", "joinChat"}, {"chat_id", chat_id}});
  EXPECT_EQ(refused["code"], 400);
  EXPECT_EQ(refused["message"], "CHANNEL_PRIVATE");
}

TEST_F(SimJoin, BasicGroupLeaveAndReturn) {
  std::int64_t chat_id = Group("Basic", "basic", {"+15550931", "+15550932"})["chat_id"];
  bob_->RequestOk({{"@type", "loadChats"}, {"limit", 10}});
  ASSERT_TRUE(Position(*bob_, chat_id));
  json again = Error(*bob_, {{"@type", "joinChat"}, {"chat_id", chat_id}});
  EXPECT_EQ(again["code"], 400);
  EXPECT_EQ(again["message"], "USER_ALREADY_PARTICIPANT");  // the server's answer to addChatUser

  bob_->RequestOk({{"@type", "leaveChat"}, {"chat_id", chat_id}});
  auto left = bob_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateBasicGroup" && o["basic_group"]["status"]["@type"] == "chatMemberStatusLeft";
  });
  ASSERT_TRUE(left);
  EXPECT_EQ((*left)["basic_group"]["member_count"], 1);
  Post(chat_id, "bob is gone");
  EXPECT_FALSE(NewMessage(*bob_, chat_id, 0.3));

  // One who left a basic group may return (messages.addChatUser with inputUserSelf).
  EXPECT_EQ(bob_->RequestOk({{"@type", "joinChat"}, {"chat_id", chat_id}})["@type"], "chatJoinResultSuccess");
  Post(chat_id, "welcome back");
  auto message = NewMessage(*bob_, chat_id);
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)["message"]["content"]["text"]["text"], "welcome back");
}

TEST_F(SimJoin, InviteLinks) {
  json group = Group("Club", "supergroup", {"+15550931"});
  std::int64_t chat_id = group["chat_id"];
  std::string link = group["invite_link"];
  ASSERT_EQ(link.rfind("https://t.me/+", 0), 0u) << link;
  std::string hash = link.substr(14);

  json outside = bob_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", link}});
  json expected = {{"@type", "chatInviteLinkInfo"}, {"chat_id", 0}, {"accessible_for", 0},
                   {"type", {{"@type", "inviteLinkChatTypeSupergroup"}}}, {"title", "Club"},
                   {"accent_color_id", 5}, {"description", ""}, {"member_count", 1},
                   {"member_user_ids", json::array()}, {"creates_join_request", false},
                   {"is_public", false}};
  EXPECT_EQ(Bare(outside), expected);
  json inside = alice_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", "tg://join?invite=" + hash}});
  EXPECT_EQ(inside["chat_id"], chat_id);
  EXPECT_EQ(inside["member_count"], 1);

  json joined = bob_->RequestOk({{"@type", "joinChatByInviteLink"}, {"invite_link", "https://telegram.me/joinchat/" + hash}});
  EXPECT_EQ(joined["@type"], "chatJoinResultSuccess");
  EXPECT_EQ(joined["chat_id"], chat_id);
  auto chat = bob_->WaitForType("updateNewChat");
  ASSERT_TRUE(chat);
  EXPECT_EQ((*chat)["chat"]["id"], chat_id);
  Post(chat_id, "hello newcomer");
  ASSERT_TRUE(NewMessage(*bob_, chat_id));
  json twice = Error(*bob_, {{"@type", "joinChatByInviteLink"}, {"invite_link", link}});
  EXPECT_EQ(twice["code"], 400);
  EXPECT_EQ(twice["message"], "USER_ALREADY_PARTICIPANT");
  EXPECT_EQ(bob_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", link}})["chat_id"], chat_id);

  // Revoked: the old link is dead, the new one works.
  auto fresh = sim_->Control("POST", "/groups/" + std::to_string(chat_id) + "/invite-link");
  ASSERT_EQ(fresh.status, 200);
  EXPECT_NE(fresh.body["invite_link"], link);
  ScriptedClient& carol = LoggedIn("+15550933", "carol");
  // Bob's client still has what the server told it about the old link, as TDLib.
  EXPECT_EQ(bob_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", link}})["chat_id"], chat_id);
  for (const char* method : {"checkChatInviteLink", "joinChatByInviteLink"}) {
    json expired = Error(carol, {{"@type", method}, {"invite_link", link}});
    EXPECT_EQ(expired["code"], 400);
    EXPECT_EQ(expired["message"], "INVITE_HASH_EXPIRED");
  }
  EXPECT_EQ(carol.RequestOk({{"@type", "joinChatByInviteLink"}, {"invite_link", fresh.body["invite_link"]}})["chat_id"],
            chat_id);
  EXPECT_EQ(sim_->Control("POST", "/groups/-100999/invite-link").status, 404);
}

TEST_F(SimJoin, InviteLinkKinds) {
  auto channel = sim_->Control("POST", "/channels", {{"title", "Feed"}, {"username", "feed"}, {"owner", "+15550931"}});
  ASSERT_EQ(channel.status, 201);
  json info = bob_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", channel.body["invite_link"]}});
  EXPECT_EQ(info["type"]["@type"], "inviteLinkChatTypeChannel");
  EXPECT_TRUE(info["is_public"].get<bool>());
  EXPECT_EQ(info["chat_id"], 0);
  json basic = Group("Small", "basic", {"+15550931"});
  info = bob_->RequestOk({{"@type", "checkChatInviteLink"}, {"invite_link", basic["invite_link"]}});
  EXPECT_EQ(info["type"]["@type"], "inviteLinkChatTypeBasicGroup");
  EXPECT_FALSE(info["is_public"].get<bool>());
}

TEST_F(SimJoin, MalformedInviteLinks) {
  for (const char* link : {"", "hello", "https://example.com/+AbCdEf", "https://t.me/alice", "https://t.me/+12345",
                           "https://t.me/+Ab$cd", "tg://resolve?domain=alice"}) {
    for (const char* method : {"checkChatInviteLink", "joinChatByInviteLink"}) {
      json wrong = Error(*bob_, {{"@type", method}, {"invite_link", link}});
      EXPECT_EQ(wrong["code"], 400) << link;
      EXPECT_EQ(wrong["message"], "Wrong invite link") << link;
    }
  }
  json unknown = Error(*bob_, {{"@type", "checkChatInviteLink"}, {"invite_link", "https://t.me/+AAAAAAAAAAAAAAAA"}});
  EXPECT_EQ(unknown["message"], "INVITE_HASH_EXPIRED");
}

TEST_F(SimJoin, PeerFloodStopsNewPrivateChats) {
  auto on = sim_->Control("POST", "/users/+15550931/peer-flood", {{"on", true}});
  ASSERT_EQ(on.status, 200);
  EXPECT_EQ(on.body["on"], true);
  EXPECT_EQ(sim_->Control("POST", "/users/+15550931/peer-flood", json::object()).status, 400);
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}});
  auto send = [&](const std::string& text) {
    return alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bob_id_},
                              {"input_message_content", {{"@type", "inputMessageText"},
                                                         {"text", {{"@type", "formattedText"}, {"text", text}}}}}});
  };
  json pending = send("buy now");
  auto failed = alice_->WaitForType("updateMessageSendFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["old_message_id"], pending["id"]);
  EXPECT_EQ((*failed)["error"], json({{"@type", "error"}, {"code", 400}, {"message", "PEER_FLOOD"}}));
  EXPECT_EQ((*failed)["message"]["sending_state"]["error"]["message"], "PEER_FLOOD");
  EXPECT_FALSE(bob_->WaitForType("updateNewMessage", 0.3));

  // Once bob has written, the chat exists and alice may answer.
  ASSERT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550932"}, {"to", "+15550931"}, {"text", "hi"}}).status, 201);
  send("hello bob");
  EXPECT_TRUE(alice_->WaitForType("updateMessageSendSucceeded"));
}

}  // namespace
}  // namespace tgsim::testing
