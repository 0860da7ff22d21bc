// Forum supergroups as a work-group relay uses them: a bot administrator opens one topic
// per conversation and posts there, operators answer inside the topics; administrators'
// rights, bots' privacy mode, reactions, closed topics, the group flood limit, anonymous
// administrators and the state file (ForumTopicManager, DialogParticipantManager,
// MessageReaction.cpp of TDLib 1.8.65).
#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

json InTopic(std::int64_t topic_id) { return {{"@type", "messageTopicForum"}, {"forum_topic_id", topic_id}}; }

class SimForum : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    auto created = sim_->Control("POST", "/bots", {{"username", "relay_bot"}, {"first_name", "Relay"}});
    ASSERT_EQ(created.status, 201);
    bot_id_ = created.body["user_id"];
    bot_ = &StartedClient();
    bot_->RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", created.body["token"]}});
    ASSERT_TRUE(bot_->WaitForAuthState("authorizationStateReady"));
    olga_ = &LoggedIn("+15550951", "olga");
    mike_ = &LoggedIn("+15550952", "mike");
    mike_id_ = mike_->RequestOk({{"@type", "getMe"}})["id"];
    chat_id_ = Group("Support", {"+15550951", "+15550952", "@relay_bot"});
  }

  std::int64_t Group(const std::string& title, json members, json extra = json::object()) {
    json body = {{"title", title}, {"kind", "supergroup"}, {"forum", true}, {"members", members}};
    body.update(extra);
    auto made = sim_->Control("POST", "/groups", body);
    EXPECT_EQ(made.status, 201) << made.body.dump();
    return made.body.value("chat_id", std::int64_t{0});
  }

  void Promote(const std::string& member, json rights, bool anonymous = false) {
    auto result = sim_->Control("POST", "/groups/" + std::to_string(chat_id_) + "/admins",
                                {{"member", member}, {"rights", rights}, {"is_anonymous", anonymous}});
    ASSERT_EQ(result.status, 200) << result.body.dump();
  }

  std::optional<json> CreateTopic(ScriptedClient& client, const std::string& name) {
    return client.Request({{"@type", "createForumTopic"}, {"chat_id", chat_id_}, {"name", name}});
  }

  // A topic made by the bot, which must have the right.
  std::int64_t BotTopic(const std::string& name) {
    auto info = CreateTopic(*bot_, name);
    EXPECT_TRUE(info && TypeOf(*info) == "forumTopicInfo") << (info ? info->dump() : "<timeout>");
    return info ? info->value("forum_topic_id", std::int64_t{0}) : 0;
  }

  // The final state of a send: updateMessageSendSucceeded or updateMessageSendFailed.
  json Send(ScriptedClient& client, json request) {
    request["@type"] = "sendMessage";
    request["chat_id"] = chat_id_;
    json pending = client.RequestOk(request);
    auto done = client.WaitFor([&](const json& o) {
      return (TypeOf(o) == "updateMessageSendSucceeded" || TypeOf(o) == "updateMessageSendFailed") &&
             o["old_message_id"] == pending["id"];
    });
    EXPECT_TRUE(done);
    return done.value_or(json::object());
  }

  json Post(const std::string& from, const std::string& text, json extra = json::object()) {
    json body = {{"from", from}, {"to", chat_id_}, {"text", text}};
    body.update(extra);
    auto result = sim_->Control("POST", "/messages", body);
    EXPECT_EQ(result.status, 201) << result.body.dump();
    return result.body;
  }

  std::optional<json> Receives(ScriptedClient& client, const std::string& text, double timeout = 5) {
    return client.WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["chat_id"] == chat_id_ &&
             o["message"]["content"].contains("text") && o["message"]["content"]["text"]["text"] == text;
    }, timeout);
  }

  static std::string ErrorOf(const std::optional<json>& answer) {
    if (!answer) return "<timeout>";
    return TypeOf(*answer) == "error" ? std::to_string(answer->value("code", 0)) + " " + answer->value("message", "")
                                      : TypeOf(*answer);
  }

  ScriptedClient* bot_ = nullptr;
  ScriptedClient* olga_ = nullptr;
  ScriptedClient* mike_ = nullptr;
  std::int64_t bot_id_ = 0, mike_id_ = 0, chat_id_ = 0;
};

TEST_F(SimForum, AdminBotOpensTopicPostsAndMembersSeeIt) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  json info = *CreateTopic(*bot_, "Customer #1");
  ASSERT_EQ(TypeOf(info), "forumTopicInfo") << info.dump();
  std::int64_t topic = info["forum_topic_id"];
  EXPECT_EQ(info["name"], "Customer #1");
  EXPECT_FALSE(info["is_general"].get<bool>());
  EXPECT_TRUE(info["is_outgoing"].get<bool>());
  EXPECT_EQ(info["creator_id"]["user_id"], bot_id_);

  // Members see the service message: its server id is the topic's id, and it is in the topic.
  auto created = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageForumTopicCreated";
  });
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["message"]["id"], topic << 20);
  EXPECT_EQ((*created)["message"]["topic_id"], InTopic(topic));
  EXPECT_EQ((*created)["message"]["content"]["name"], "Customer #1");
  auto supergroup = mike_->WaitFor([&](const json& o) { return TypeOf(o) == "updateSupergroup"; });
  ASSERT_TRUE(supergroup);
  EXPECT_TRUE((*supergroup)["supergroup"]["is_forum"].get<bool>());

  json sent = Send(*bot_, {{"topic_id", InTopic(topic)}, {"input_message_content", Text("Hello from the customer")}});
  ASSERT_EQ(TypeOf(sent), "updateMessageSendSucceeded") << sent.dump();
  auto got = Receives(*mike_, "Hello from the customer");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["message"]["topic_id"], InTopic(topic));
  EXPECT_EQ((*got)["message"]["sender_id"]["user_id"], bot_id_);
  EXPECT_FALSE((*got)["message"].contains("reply_to"));  // the topic is not shown as a reply

  // A message without a topic lands in General (1).
  Post("+15550951", "general chatter");
  auto general = Receives(*mike_, "general chatter");
  ASSERT_TRUE(general);
  EXPECT_EQ((*general)["message"]["topic_id"], InTopic(1));

  json topics = mike_->RequestOk({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 10}});
  ASSERT_EQ(topics["topics"].size(), 2u);  // the newest activity first: General, then the topic
  EXPECT_EQ(topics["total_count"], 2);
  bool listed = false;
  for (const auto& t : topics["topics"]) {
    if (t["info"]["forum_topic_id"] == topic) {
      listed = true;
      EXPECT_EQ(t["info"]["name"], "Customer #1");
      EXPECT_EQ(t["last_message"]["content"]["text"]["text"], "Hello from the customer");
    }
  }
  EXPECT_TRUE(listed);
  json matching = mike_->RequestOk({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"query", "CUSTOMER"}, {"limit", 10}});
  ASSERT_EQ(matching["topics"].size(), 1u);
  EXPECT_EQ(matching["next_offset_forum_topic_id"], topic);
  json first_page = mike_->RequestOk({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 1}});
  ASSERT_EQ(first_page["topics"].size(), 1u);
  json second_page = mike_->RequestOk({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 1},
                                       {"offset_forum_topic_id", first_page["next_offset_forum_topic_id"]}});
  ASSERT_EQ(second_page["topics"].size(), 1u);
  EXPECT_NE(second_page["topics"][0]["info"]["forum_topic_id"], first_page["topics"][0]["info"]["forum_topic_id"]);
  EXPECT_EQ(ErrorOf(mike_->Request({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 0}})),
            "400 Invalid limit specified");
  EXPECT_TRUE(mike_->WaitForType("updateForumTopicInfo"));
  EXPECT_TRUE(mike_->WaitFor([&](const json& o) { return TypeOf(o) == "updateForumTopic" && o["forum_topic_id"] == topic; }));
  json one = bot_->RequestOk({{"@type", "getForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", topic}});
  EXPECT_EQ(one["info"]["name"], "Customer #1");
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 10}})),
            "400 The method is not available to bots");

  auto listed_by_control = sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/topics");
  ASSERT_EQ(listed_by_control.status, 200);
  EXPECT_EQ(listed_by_control.body["topics"],
            json::parse(R"([{"forum_topic_id":)" + std::to_string(topic) +
                        R"(,"name":"Customer #1","is_closed":false,"creator_user_id":)" + std::to_string(bot_id_) + "}]"));
  auto seen = sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/messages?as=%2B15550952&topic_id=" +
                                       std::to_string(topic));
  ASSERT_EQ(seen.status, 200);
  ASSERT_EQ(seen.body["messages"].size(), 2u);
  EXPECT_EQ(seen.body["messages"][0]["service"], "forum_topic_created");
  EXPECT_EQ(seen.body["messages"][1]["from"], "@relay_bot");
  EXPECT_EQ(seen.body["messages"][1]["topic_id"], topic);
}

TEST_F(SimForum, TopicsNeedTheRight) {
  EXPECT_EQ(ErrorOf(CreateTopic(*bot_, "x")), "400 Not enough rights to create a topic");
  EXPECT_EQ(ErrorOf(CreateTopic(*mike_, "x")), "400 Chat not found");  // mike's app has not seen the group yet
  Promote("@relay_bot", {{"can_delete_messages", true}, {"can_pin_messages", true}});
  EXPECT_EQ(ErrorOf(CreateTopic(*bot_, "x")), "400 Not enough rights to create a topic");
  Promote("@relay_bot", {{"can_manage_topics", true}});
  EXPECT_EQ(ErrorOf(CreateTopic(*bot_, "   ")), "400 Name must be non-empty");
  auto long_name = CreateTopic(*bot_, std::string(200, 'n'));
  ASSERT_TRUE(long_name);
  EXPECT_EQ((*long_name)["name"], std::string(128, 'n'));  // clean_name cuts it to 128
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "toggleForumTopicIsClosed"}, {"chat_id", chat_id_},
                                   {"forum_topic_id", 999}, {"is_closed", true}})),
            "400 TOPIC_ID_INVALID");
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "getForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", 999}})),
            "404 Not Found");

  std::int64_t plain = sim_->Control("POST", "/groups", {{"title", "Plain"}, {"kind", "supergroup"},
                                                         {"members", {"+15550951", "@relay_bot"}}}).body["chat_id"];
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "createForumTopic"}, {"chat_id", plain}, {"name", "x"}})),
            "400 The chat is not a forum");
  EXPECT_EQ(sim_->Control("POST", "/groups", {{"title", "B"}, {"kind", "basic"}, {"forum", true},
                                              {"members", {"+15550951"}}}).status,
            400);
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550951"}, {"to", plain}, {"text", "x"}, {"topic_id", 2}}).status,
            400);
}

TEST_F(SimForum, GetChatMemberReportsRights) {
  Promote("@relay_bot", {{"can_manage_topics", true}, {"can_delete_messages", true}});
  json bot = bot_->RequestOk({{"@type", "getChatMember"}, {"chat_id", chat_id_},
                              {"member_id", {{"@type", "messageSenderUser"}, {"user_id", bot_id_}}}});
  ASSERT_EQ(bot["status"]["@type"], "chatMemberStatusAdministrator") << bot.dump();
  const json& rights = bot["status"]["rights"];
  EXPECT_TRUE(rights["can_manage_topics"].get<bool>());
  EXPECT_TRUE(rights["can_delete_messages"].get<bool>());
  EXPECT_FALSE(rights["can_pin_messages"].get<bool>());
  EXPECT_FALSE(rights["is_anonymous"].get<bool>());
  EXPECT_EQ(rights.size(), 18u);  // @type and the 17 fields of 1.8.65

  Post("+15550952", "/hello");  // the bot learns mike and olga from the group
  ASSERT_TRUE(Receives(*bot_, "/hello"));
  json olga_id = olga_->RequestOk({{"@type", "getMe"}})["id"];
  bot_->RequestOk({{"@type", "getUser"}, {"user_id", mike_id_}});
  json mike = bot_->RequestOk({{"@type", "getChatMember"}, {"chat_id", chat_id_},
                               {"member_id", {{"@type", "messageSenderUser"}, {"user_id", mike_id_}}}});
  EXPECT_EQ(mike["status"]["@type"], "chatMemberStatusMember");
  json admins = bot_->RequestOk({{"@type", "getChatAdministrators"}, {"chat_id", chat_id_}});
  ASSERT_EQ(admins["administrators"].size(), 2u);
  EXPECT_EQ(admins["administrators"][0]["user_id"], olga_id);
  EXPECT_TRUE(admins["administrators"][0]["is_owner"].get<bool>());
  EXPECT_EQ(admins["administrators"][1]["user_id"], bot_id_);
  json creator = bot_->RequestOk({{"@type", "getChatMember"}, {"chat_id", chat_id_},
                                  {"member_id", {{"@type", "messageSenderUser"}, {"user_id", olga_id}}}});
  EXPECT_EQ(creator["status"]["@type"], "chatMemberStatusCreator");

  // Someone who is not (or no longer) a member: Telegram's USER_NOT_PARTICIPANT, which
  // TDLib answers as chatMemberStatusLeft.
  ASSERT_TRUE(Receives(*mike_, "/hello"));
  mike_->RequestOk({{"@type", "leaveChat"}, {"chat_id", chat_id_}});
  json left = bot_->RequestOk({{"@type", "getChatMember"}, {"chat_id", chat_id_},
                               {"member_id", {{"@type", "messageSenderUser"}, {"user_id", mike_id_}}}});
  EXPECT_EQ(left["status"]["@type"], "chatMemberStatusLeft");
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "getChatMember"}, {"chat_id", chat_id_},
                                   {"member_id", {{"@type", "messageSenderUser"}, {"user_id", 777}}}})),
            "400 Member not found");

  // Demoted: an ordinary member again, and the bot's own app hears of it.
  Promote("@relay_bot", nullptr);
  auto demoted = bot_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateSupergroup" && o["supergroup"]["status"]["@type"] == "chatMemberStatusMember";
  });
  EXPECT_TRUE(demoted);
  EXPECT_EQ(sim_->Control("POST", "/groups/" + std::to_string(chat_id_) + "/admins",
                          {{"member", "+15550952"}, {"rights", json::object()}}).status,
            400);  // mike left
  EXPECT_EQ(sim_->Control("POST", "/groups/-1009/admins", {{"member", "@relay_bot"}, {"rights", nullptr}}).status, 404);
  EXPECT_EQ(sim_->Control("POST", "/groups/" + std::to_string(chat_id_) + "/admins",
                          {{"member", "@relay_bot"}, {"rights", {{"can_fly", true}}}}).status,
            400);
  CreateUser("+15550959", "Stranger");
  EXPECT_EQ(sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/messages?as=%2B15550959").status, 404);
}

TEST_F(SimForum, OperatorAnswersInTopicAndAdminBotReceivesIt) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  std::int64_t topic = BotTopic("Customer #2");
  json bot_message = Send(*bot_, {{"topic_id", InTopic(topic)}, {"input_message_content", Text("where is my order?")}});
  std::int64_t bot_message_id = bot_message["message"]["id"];
  auto at_mike = Receives(*mike_, "where is my order?");
  ASSERT_TRUE(at_mike);

  // The operator answers through the control API, replying to the bot's message.
  json posted = Post("+15550952", "on its way", {{"topic_id", topic}, {"reply_to_message_id", (*at_mike)["message"]["id"]}});
  auto got = Receives(*bot_, "on its way");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["message"]["topic_id"], InTopic(topic));
  EXPECT_EQ((*got)["message"]["sender_id"]["user_id"], mike_id_);
  EXPECT_EQ((*got)["message"]["reply_to"]["message_id"], bot_message_id);

  // The bot replies inside the topic; members see the reply.
  json reply = Send(*bot_, {{"topic_id", InTopic(topic)},
                            {"reply_to", {{"@type", "inputMessageReplyToMessage"}, {"message_id", (*got)["message"]["id"]}}},
                            {"input_message_content", Text("thanks!")}});
  ASSERT_EQ(TypeOf(reply), "updateMessageSendSucceeded");
  auto replied = Receives(*mike_, "thanks!");
  ASSERT_TRUE(replied);
  EXPECT_EQ((*replied)["message"]["reply_to"]["@type"], "messageReplyToMessage");
  EXPECT_EQ((*replied)["message"]["reply_to"]["message_id"], posted["message_id"]);

  // The bot edits its own message in the topic.
  json edited = bot_->RequestOk({{"@type", "editMessageText"}, {"chat_id", chat_id_}, {"message_id", bot_message_id},
                                 {"input_message_content", Text("where is my parcel?")}});
  EXPECT_EQ(edited["topic_id"], InTopic(topic));
  auto content = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateMessageContent" && o["new_content"]["text"]["text"] == "where is my parcel?";
  });
  EXPECT_TRUE(content);
}

TEST_F(SimForum, BotInPrivacyModeSeesCommandsMentionsAndReplies) {
  json bot_post = Send(*bot_, {{"input_message_content", Text("I am the relay")}});  // General
  ASSERT_EQ(TypeOf(bot_post), "updateMessageSendSucceeded");
  auto at_mike = Receives(*mike_, "I am the relay");
  ASSERT_TRUE(at_mike);
  json plain = Post("+15550952", "just chatting");
  Post("+15550952", "hey @Relay_Bot look");
  Post("+15550952", "a reply", {{"reply_to_message_id", (*at_mike)["message"]["id"]}});
  json command = Post("+15550952", "/status");
  ASSERT_TRUE(Receives(*bot_, "/status"));  // the last one: everything before it has arrived
  EXPECT_TRUE(Receives(*bot_, "hey @Relay_Bot look", 0));
  EXPECT_TRUE(Receives(*bot_, "a reply", 0));
  for (const auto& o : bot_->log()) {
    EXPECT_FALSE(TypeOf(o) == "updateNewMessage" && o["message"]["content"].contains("text") &&
                 o["message"]["content"]["text"]["text"] == "just chatting")
        << "a bot in privacy mode got a plain message";
  }
  // Edits reach the bot for the messages it has, and only those.
  for (const json* edited : {&plain, &command}) {
    mike_->RequestOk({{"@type", "editMessageText"}, {"chat_id", chat_id_}, {"message_id", (*edited)["message_id"]},
                      {"input_message_content", Text((*edited)["message_id"].dump() + " edited")}});
  }
  auto content = bot_->WaitFor([&](const json& o) { return TypeOf(o) == "updateMessageContent"; });
  ASSERT_TRUE(content);
  EXPECT_EQ(content->at("new_content")["text"]["text"], command["message_id"].dump() + " edited");
  EXPECT_TRUE(bot_->WaitForType("updateMessageEdited"));
  EXPECT_FALSE(bot_->WaitForType("updateMessageContent", 0.3));
  // An administrator bot gets everything, except what other bots write.
  Promote("@relay_bot", json::object());
  ASSERT_EQ(sim_->Control("POST", "/bots", {{"username", "other_bot"}, {"first_name", "Other"}}).status, 201);
  auto joined = sim_->Control("POST", "/groups", {{"title", "Bots"}, {"kind", "supergroup"},
                                                  {"members", {"+15550952", "@relay_bot", "@other_bot"}}});
  ASSERT_EQ(joined.status, 201);
  ASSERT_EQ(sim_->Control("POST", "/messages", {{"from", "@other_bot"}, {"to", joined.body["chat_id"]}, {"text", "/from a bot"}}).status,
            201);
  Post("+15550952", "plain again");
  EXPECT_TRUE(Receives(*bot_, "plain again"));
  for (const auto& o : bot_->log()) {
    EXPECT_FALSE(TypeOf(o) == "updateNewMessage" && o["message"]["chat_id"] == joined.body["chat_id"])
        << "a bot got another bot's message";
  }
}

TEST_F(SimForum, DeletionsByOthersAreNotToldToBots) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  mike_->RequestOk({{"@type", "loadChats"}, {"limit", 20}});  // mike's app learns the group
  json sent = Send(*mike_, {{"input_message_content", Text("oops")}});
  std::int64_t id = sent["message"]["id"];
  ASSERT_TRUE(Receives(*bot_, "oops"));
  mike_->RequestOk({{"@type", "deleteMessages"}, {"chat_id", chat_id_}, {"message_ids", {id}}, {"revoke", true}});
  auto at_olga = olga_->WaitFor([&](const json& o) { return TypeOf(o) == "updateDeleteMessages"; });
  ASSERT_TRUE(at_olga);  // people are told
  Send(*mike_, {{"input_message_content", Text("after")}});
  ASSERT_TRUE(Receives(*bot_, "after"));
  for (const auto& o : bot_->log()) EXPECT_NE(TypeOf(o), "updateDeleteMessages") << o.dump();
  auto seen = sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/messages?as=@relay_bot");
  ASSERT_EQ(seen.status, 200);
  EXPECT_TRUE(seen.body["messages"][0].value("deleted", false));
}

TEST_F(SimForum, DeletingOthersMessagesNeedsTheRight) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  std::int64_t topic = BotTopic("Spam");
  json posted = Post("+15550952", "buy now", {{"topic_id", topic}});
  ASSERT_TRUE(Receives(*bot_, "buy now"));
  auto remove = [&](std::int64_t id) {
    return ErrorOf(bot_->Request({{"@type", "deleteMessages"}, {"chat_id", chat_id_}, {"message_ids", {id}}, {"revoke", true}}));
  };
  EXPECT_EQ(remove(posted["message_id"]), "400 Message can't be deleted");
  EXPECT_EQ(remove(topic << 20), "400 Message can't be deleted");  // a topic's first message stays
  Promote("@relay_bot", {{"can_manage_topics", true}, {"can_delete_messages", true}});
  EXPECT_EQ(remove(posted["message_id"]), "ok");
  auto gone = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateDeleteMessages" && o["message_ids"][0] == posted["message_id"];
  });
  EXPECT_TRUE(gone);
}

TEST_F(SimForum, ReactionsWhenTheGroupAllowsThem) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  Post("+15550952", "please confirm");
  auto got = Receives(*bot_, "please confirm");
  ASSERT_TRUE(got);
  std::int64_t id = (*got)["message"]["id"];
  json thumbs = {{"@type", "reactionTypeEmoji"}, {"emoji", "\xF0\x9F\x91\x8D"}};
  json ok = bot_->RequestOk({{"@type", "setMessageReactions"}, {"chat_id", chat_id_}, {"message_id", id},
                             {"reaction_types", {thumbs}}, {"is_big", false}});
  EXPECT_EQ(TypeOf(ok), "ok");
  auto info = mike_->WaitFor([&](const json& o) { return TypeOf(o) == "updateMessageInteractionInfo"; });
  ASSERT_TRUE(info);
  const json& reaction = (*info)["interaction_info"]["reactions"]["reactions"][0];
  EXPECT_EQ(reaction["type"], thumbs);
  EXPECT_EQ(reaction["total_count"], 1);
  auto seen = sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/messages?as=%2B15550952");
  EXPECT_EQ(seen.body["messages"].back()["reactions"], json::parse(R"([{"emoji":"\ud83d\udc4d","count":1}])"));
  EXPECT_EQ(ErrorOf(mike_->Request({{"@type", "setMessageReactions"}, {"chat_id", chat_id_}, {"message_id", id},
                                    {"reaction_types", {thumbs}}})),
            "400 Only bots can use the method");

  ASSERT_EQ(sim_->Control("POST", "/groups/" + std::to_string(chat_id_) + "/reactions", {{"allowed", false}}).status, 200);
  auto changed = mike_->WaitForType("updateChatAvailableReactions");
  ASSERT_TRUE(changed);
  EXPECT_EQ((*changed)["available_reactions"],
            json({{"@type", "chatAvailableReactionsSome"}, {"reactions", json::array()}, {"max_reaction_count", 11}}));
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "setMessageReactions"}, {"chat_id", chat_id_}, {"message_id", id},
                                   {"reaction_types", {thumbs}}})),
            "400 REACTION_INVALID");
  EXPECT_EQ(ErrorOf(mike_->Request({{"@type", "addMessageReaction"}, {"chat_id", chat_id_}, {"message_id", id},
                                    {"reaction_type", thumbs}})),
            "400 The reaction isn't available for the message");
}

TEST_F(SimForum, RenamedTopicReachesThoseWhoLoadedIt) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  std::int64_t topic = BotTopic("Old name");
  ASSERT_TRUE(mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageForumTopicCreated";
  }));
  mike_->RequestOk({{"@type", "getForumTopics"}, {"chat_id", chat_id_}, {"limit", 10}});
  ASSERT_TRUE(mike_->WaitForType("updateForumTopicInfo"));
  EXPECT_EQ(ErrorOf(mike_->Request({{"@type", "editForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", topic},
                                    {"name", "mine now"}})),
            "400 Not enough rights to edit the topic");

  EXPECT_EQ(TypeOf(bot_->RequestOk({{"@type", "editForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", topic},
                                    {"name", "New name"}})),
            "ok");
  auto edited = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageForumTopicEdited";
  });
  ASSERT_TRUE(edited);
  EXPECT_EQ((*edited)["message"]["content"],
            json({{"@type", "messageForumTopicEdited"}, {"name", "New name"}, {"edit_icon_custom_emoji_id", false},
                  {"icon_custom_emoji_id", "0"}}));
  EXPECT_EQ((*edited)["message"]["topic_id"], InTopic(topic));
  auto info = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateForumTopicInfo" && o["info"]["forum_topic_id"] == topic && o["info"]["name"] == "New name";
  });
  EXPECT_TRUE(info);
  // Olga's app never loaded the topic: the service message, no topic info. Bots never get it.
  ASSERT_TRUE(olga_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageForumTopicEdited";
  }));
  for (const auto* client : {olga_, bot_}) {
    for (const auto& o : client->log()) EXPECT_NE(TypeOf(o), "updateForumTopicInfo") << o.dump();
  }
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "editForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", topic},
                                   {"name", "New name"}})),
            "400 TOPIC_NOT_MODIFIED");
  EXPECT_EQ(TypeOf(*bot_->Request({{"@type", "editForumTopic"}, {"chat_id", chat_id_}, {"forum_topic_id", topic}})), "ok");
  EXPECT_EQ(sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/topics").body["topics"][0]["name"], "New name");
}

TEST_F(SimForum, ClosedTopicRefusesMembers) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  std::int64_t topic = BotTopic("Done");
  bot_->RequestOk({{"@type", "toggleForumTopicIsClosed"}, {"chat_id", chat_id_}, {"forum_topic_id", topic}, {"is_closed", true}});
  auto toggled = mike_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageForumTopicIsClosedToggled";
  });
  ASSERT_TRUE(toggled);
  EXPECT_TRUE((*toggled)["message"]["content"]["is_closed"].get<bool>());
  EXPECT_EQ(ErrorOf(bot_->Request({{"@type", "toggleForumTopicIsClosed"}, {"chat_id", chat_id_},
                                   {"forum_topic_id", topic}, {"is_closed", true}})),
            "400 TOPIC_NOT_MODIFIED");  // bots get the server's error, users an ok

  json refused = Send(*mike_, {{"topic_id", InTopic(topic)}, {"input_message_content", Text("one more thing")}});
  ASSERT_EQ(TypeOf(refused), "updateMessageSendFailed");
  EXPECT_EQ(refused["error"], json({{"@type", "error"}, {"code", 400}, {"message", "TOPIC_CLOSED"}}));
  auto by_control = sim_->Control("POST", "/messages", {{"from", "+15550952"}, {"to", chat_id_}, {"text", "x"}, {"topic_id", topic}});
  EXPECT_EQ(by_control.status, 403);
  EXPECT_EQ(by_control.body["error"], "TOPIC_CLOSED");
  // Whoever manages topics still writes there.
  EXPECT_EQ(TypeOf(Send(*bot_, {{"topic_id", InTopic(topic)}, {"input_message_content", Text("closing note")}})),
            "updateMessageSendSucceeded");
  EXPECT_EQ(sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/topics").body["topics"][0]["is_closed"], true);
}

TEST_F(SimForum, GroupLimitCoversEveryTopic) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  std::int64_t first = BotTopic("A"), second = BotTopic("B");
  auto waits = [&] { return sim_->Control("POST", "/limits", json::object()).body["bot_flood_waits"].get<int>(); };
  int before = waits();
  std::vector<json> pending;
  for (int i = 0; i < 20; ++i) {
    pending.push_back(bot_->RequestOk({{"@type", "sendMessage"}, {"chat_id", chat_id_},
                                       {"topic_id", InTopic(i % 2 ? first : second)},
                                       {"input_message_content", Text("m" + std::to_string(i))}}));
  }
  ASSERT_TRUE(Receives(*mike_, "m19"));
  EXPECT_EQ(waits(), before);  // 20 a minute go through
  // The 21st, into either topic, finds the group's bucket empty: FLOOD_WAIT_3, which
  // TDLib waits out silently (≤ 60 s) before it resends.
  json late = Send(*bot_, {{"topic_id", InTopic(first)}, {"input_message_content", Text("m20")}});
  EXPECT_EQ(TypeOf(late), "updateMessageSendSucceeded");
  EXPECT_GE(waits(), before + 1);
  // With the limit lowered to one message per 5 minutes the wait is over a minute, and
  // the send fails with retry_after.
  ASSERT_EQ(sim_->Control("POST", "/limits", {{"bot_group_per_minute", 0.2}}).status, 200);
  json failed = Send(*bot_, {{"topic_id", InTopic(second)}, {"input_message_content", Text("m21")}});
  ASSERT_EQ(TypeOf(failed), "updateMessageSendFailed");
  EXPECT_EQ(failed["error"]["code"], 429);
  EXPECT_GT(failed["message"]["sending_state"]["retry_after"].get<int>(), 60);
  EXPECT_EQ(failed["message"]["topic_id"], InTopic(second));
}

TEST_F(SimForum, AnonymousAdministratorPostsAsTheGroup) {
  Promote("@relay_bot", {{"can_manage_topics", true}});
  EXPECT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550952"}, {"to", chat_id_}, {"text", "x"}, {"as_chat", true}}).status,
            403);
  Promote("+15550952", {{"can_delete_messages", true}}, /*anonymous=*/true);
  Post("+15550952", "from the team", {{"as_chat", true}});
  auto got = Receives(*bot_, "from the team");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["message"]["sender_id"], json({{"@type", "messageSenderChat"}, {"chat_id", chat_id_}}));
  EXPECT_FALSE((*got)["message"]["is_channel_post"].get<bool>());
  auto seen = sim_->Control("GET", "/groups/" + std::to_string(chat_id_) + "/messages?as=@relay_bot");
  EXPECT_EQ(seen.body["messages"].back()["from_chat_id"], chat_id_);
  EXPECT_EQ(seen.body["messages"].back()["from_user_id"], 0);
  // A bot may be the sender of a control message too.
  Post("@relay_bot", "posted for the bot");
  EXPECT_TRUE(Receives(*mike_, "posted for the bot"));
}

TEST_F(SimForum, TopicsAdminsAndReactionsSurviveARestart) {
  std::string state = TempDir() + "/cloud.json";
  auto first = std::make_unique<TgsimProcess>(TGSIM_BINARY, std::vector<std::string>{"--state", state});
  ::setenv("TDSIM_ADDR", first->address().c_str(), 1);
  ASSERT_EQ(first->Control("POST", "/users", {{"phone", "+15550961"}, {"first_name", "Pat"}}).status, 201);
  auto created = first->Control("POST", "/bots", {{"username", "keep_bot"}, {"first_name", "Keep"}});
  auto group = first->Control("POST", "/groups", {{"title", "Kept"}, {"kind", "supergroup"}, {"forum", true},
                                                  {"reactions", false}, {"members", {"+15550961", "@keep_bot"}}});
  ASSERT_EQ(group.status, 201);
  std::string chat = std::to_string(group.body["chat_id"].get<std::int64_t>());
  ASSERT_EQ(first->Control("POST", "/groups/" + chat + "/admins", {{"member", "@keep_bot"}, {"rights", {{"can_manage_topics", true}}},
                                                                   {"is_anonymous", true}}).status,
            200);
  ScriptedClient& bot = StartedClient();
  bot.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", created.body["token"]}});
  ASSERT_TRUE(bot.WaitForAuthState("authorizationStateReady"));
  json info = bot.RequestOk({{"@type", "createForumTopic"}, {"chat_id", group.body["chat_id"]}, {"name", "Kept topic"}});
  bot.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(bot.WaitForAuthState("authorizationStateClosed"));
  first.reset();

  TgsimProcess second(TGSIM_BINARY, {"--state", state});
  auto topics = second.Control("GET", "/groups/" + chat + "/topics");
  ASSERT_EQ(topics.status, 200);
  ASSERT_EQ(topics.body["topics"].size(), 1u);
  EXPECT_EQ(topics.body["topics"][0]["forum_topic_id"], info["forum_topic_id"]);
  EXPECT_EQ(topics.body["topics"][0]["name"], "Kept topic");
  // Still an anonymous administrator, and the topic still takes posts.
  EXPECT_EQ(second.Control("POST", "/messages", {{"from", "@keep_bot"}, {"to", group.body["chat_id"]}, {"text", "x"},
                                                 {"topic_id", info["forum_topic_id"]}, {"as_chat", true}}).status,
            201);
  auto seen = second.Control("GET", "/groups/" + chat + "/messages?as=%2B15550961");
  ASSERT_EQ(seen.body["messages"].size(), 2u);
  EXPECT_EQ(seen.body["messages"][1]["topic_id"], info["forum_topic_id"]);
  EXPECT_EQ(seen.body["messages"][1]["from_chat_id"], group.body["chat_id"]);

  // The bot's app against the restarted tgsim: still a forum without reactions, still an
  // administrator who manages topics.
  ::setenv("TDSIM_ADDR", second.address().c_str(), 1);
  ScriptedClient& again = StartedClient();
  again.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", created.body["token"]}});
  ASSERT_TRUE(again.WaitForAuthState("authorizationStateReady"));
  json chat_object = again.RequestOk({{"@type", "getChat"}, {"chat_id", group.body["chat_id"]}});
  EXPECT_EQ(chat_object["available_reactions"]["@type"], "chatAvailableReactionsSome");
  json me = again.RequestOk({{"@type", "getChatMember"}, {"chat_id", group.body["chat_id"]},
                             {"member_id", {{"@type", "messageSenderUser"}, {"user_id", created.body["user_id"]}}}});
  EXPECT_TRUE(me["status"]["rights"]["can_manage_topics"].get<bool>());
  EXPECT_TRUE(me["status"]["rights"]["is_anonymous"].get<bool>());
  json topic = again.RequestOk({{"@type", "getForumTopic"}, {"chat_id", group.body["chat_id"]},
                                {"forum_topic_id", info["forum_topic_id"]}});
  EXPECT_EQ(topic["info"]["name"], "Kept topic");
  again.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(again.WaitForAuthState("authorizationStateClosed"));
}

}  // namespace
}  // namespace tgsim::testing

namespace tgsim::testing {
namespace {

// getSupergroup: what a bot asks before it relays into a group (is it a forum?).
TEST_F(SimForum, GetSupergroupSaysWhetherItIsAForum) {
  const std::int64_t supergroup_id = -chat_id_ - 1000000000000LL;
  json group = bot_->RequestOk({{"@type", "getSupergroup"}, {"supergroup_id", supergroup_id}});
  EXPECT_EQ(group["@type"], "supergroup");
  EXPECT_EQ(group["id"], supergroup_id);
  EXPECT_TRUE(group["is_forum"].get<bool>());
  EXPECT_FALSE(group["is_channel"].get<bool>());
  auto unknown = bot_->Request({{"@type", "getSupergroup"}, {"supergroup_id", supergroup_id + 1000}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["message"], "Supergroup not found");
  auto invalid = bot_->Request({{"@type", "getSupergroup"}, {"supergroup_id", 0}});
  ASSERT_TRUE(invalid);
  EXPECT_EQ((*invalid)["message"], "Invalid supergroup identifier specified");
}

}  // namespace
}  // namespace tgsim::testing
