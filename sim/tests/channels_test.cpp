// Channels: broadcast supergroups made through the control API. The owner posts, the
// subscribers get the posts from the channel itself and cannot write (tdlib-facts §7;
// DialogManager::can_send_message_to_dialog).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimChannels : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550901", "alice");
    bob_ = &LoggedIn("+15550902", "bob");
    CreateUser("+15550903", "Carol", {{"username", "carol"}});
    auto channel = sim_->Control("POST", "/channels", {{"title", "News"}, {"username", "news"},
                                                       {"owner", "+15550901"},
                                                       {"subscribers", {"+15550902", "@carol"}}});
    ASSERT_EQ(channel.status, 201) << channel.body.dump();
    chat_id_ = channel.body["chat_id"];
  }

  json SendText(ScriptedClient& from, const std::string& text) {
    return *from.Request({{"@type", "sendMessage"}, {"chat_id", chat_id_},
                          {"input_message_content", {{"@type", "inputMessageText"},
                                                     {"text", {{"@type", "formattedText"}, {"text", text}}}}}});
  }

  std::optional<json> NewPost(ScriptedClient& client) {
    return client.WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["chat_id"] == chat_id_ &&
             !o["message"].contains("sending_state");
    });
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t chat_id_ = 0;
};

TEST_F(SimChannels, SubscribersGetPostsFromTheChannel) {
  EXPECT_LT(chat_id_, -1000000000000LL);
  auto post = sim_->Control("POST", "/channels/@news/posts", {{"from", "+15550901"}, {"text", "first"}});
  ASSERT_EQ(post.status, 201) << post.body.dump();
  EXPECT_EQ(post.body["chat_id"], chat_id_);

  auto supergroup = bob_->WaitForType("updateSupergroup");
  ASSERT_TRUE(supergroup);
  EXPECT_TRUE((*supergroup)["supergroup"]["is_channel"].get<bool>());
  EXPECT_EQ((*supergroup)["supergroup"]["status"]["@type"], "chatMemberStatusMember");
  auto chat = bob_->WaitForType("updateNewChat");
  ASSERT_TRUE(chat);
  EXPECT_EQ((*chat)["chat"]["type"]["@type"], "chatTypeSupergroup");
  EXPECT_TRUE((*chat)["chat"]["type"]["is_channel"].get<bool>());
  EXPECT_EQ((*chat)["chat"]["title"], "News");
  auto message = NewPost(*bob_);
  ASSERT_TRUE(message);
  const json& m = (*message)["message"];
  EXPECT_EQ(m["sender_id"]["@type"], "messageSenderChat");
  EXPECT_EQ(m["sender_id"]["chat_id"], chat_id_);
  EXPECT_TRUE(m["is_channel_post"].get<bool>());
  EXPECT_FALSE(m["is_outgoing"].get<bool>());
  EXPECT_EQ(m["content"]["text"]["text"], "first");
  EXPECT_EQ(m["id"], post.body["message_id"]);  // one id sequence for the whole channel
  // A subscriber does not learn who wrote the post.
  std::int64_t alice_id = alice_->RequestOk({{"@type", "getMe"}})["id"];
  for (const auto& o : bob_->log()) {
    EXPECT_FALSE(TypeOf(o) == "updateUser" && o["user"]["id"] == alice_id) << o.dump();
  }

  auto own = NewPost(*alice_);
  ASSERT_TRUE(own);
  EXPECT_TRUE((*own)["message"]["is_outgoing"].get<bool>());
  EXPECT_TRUE((*own)["message"]["is_channel_post"].get<bool>());
  auto creator = alice_->WaitForType("updateSupergroup");
  ASSERT_TRUE(creator);
  EXPECT_EQ((*creator)["supergroup"]["status"]["@type"], "chatMemberStatusCreator");
  EXPECT_EQ((*creator)["supergroup"]["member_count"], 3);

  // Carol has no client running: the post waits in her chat.
  auto carol = sim_->Control("GET", "/users/+15550903/messages?with=" + std::to_string(chat_id_));
  ASSERT_EQ(carol.status, 200);
  ASSERT_EQ(carol.body["messages"].size(), 1u);
  EXPECT_EQ(carol.body["messages"][0]["text"], "first");
}

TEST_F(SimChannels, OnlyTheOwnerPosts) {
  sim_->Control("POST", "/channels/" + std::to_string(chat_id_) + "/posts", {{"from", "+15550901"}, {"text", "hello"}});
  ASSERT_TRUE(NewPost(*bob_));
  json refused = SendText(*bob_, "may I?");
  EXPECT_EQ(refused["@type"], "error");
  EXPECT_EQ(refused["code"], 400);
  EXPECT_EQ(refused["message"], "Need administrator rights in the channel chat");

  auto by_route = sim_->Control("POST", "/channels/@news/posts", {{"from", "+15550902"}, {"text", "x"}});
  EXPECT_EQ(by_route.status, 403);
  EXPECT_EQ(by_route.body["error"], "CHAT_WRITE_FORBIDDEN");
  auto by_messages = sim_->Control("POST", "/messages", {{"from", "+15550902"}, {"to", chat_id_}, {"text", "x"}});
  EXPECT_EQ(by_messages.status, 403);

  // The owner's own app posts like any send; subscribers get it from the channel.
  ASSERT_TRUE(NewPost(*alice_));
  json pending = SendText(*alice_, "from the app");
  EXPECT_EQ(pending["@type"], "message");
  EXPECT_EQ(pending["sender_id"]["@type"], "messageSenderChat");
  EXPECT_TRUE(pending["is_channel_post"].get<bool>());
  auto sent = alice_->WaitForType("updateMessageSendSucceeded");
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)["message"]["sender_id"]["@type"], "messageSenderChat");
  auto got = NewPost(*bob_);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["message"]["content"]["text"]["text"], "from the app");
  EXPECT_TRUE((*got)["message"]["is_channel_post"].get<bool>());
}

TEST_F(SimChannels, ControlErrors) {
  EXPECT_EQ(sim_->Control("POST", "/channels/@nothing/posts", {{"from", "+15550901"}, {"text", "x"}}).status, 404);
  EXPECT_EQ(sim_->Control("POST", "/channels", {{"title", "T"}}).status, 400);
  EXPECT_EQ(sim_->Control("POST", "/channels", {{"title", "T"}, {"owner", "+15550901"}, {"subscribers", {"@nobody"}}}).status,
            404);
  EXPECT_EQ(sim_->Control("POST", "/channels", {{"title", "T"}, {"owner", "+15550901"}, {"username", "news"}}).status, 409);
  // A plain group is no channel.
  auto group = sim_->Control("POST", "/groups", {{"title", "G"}, {"kind", "supergroup"}, {"members", {"+15550901"}}});
  std::int64_t group_id = group.body["chat_id"];
  EXPECT_EQ(sim_->Control("POST", "/channels/" + std::to_string(group_id) + "/posts",
                          {{"from", "+15550901"}, {"text", "x"}}).status,
            404);
}

}  // namespace
}  // namespace tgsim::testing
