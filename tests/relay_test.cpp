// End-to-end: the work-group relay (docs/relay.md). Ivan's account is relayed
// by the desk bot into the team's supergroup with topics; customers write to
// Ivan, each conversation gets its topic, and Olga, an operator, answers from
// the topic; the answer leaves from Ivan's account and is marked delivered.
// A busy group, a crash and many accounts: relay_load_test.cpp.
#include "tests/support/media_files.h"
#include "tests/support/relay_fixture.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

TEST_F(RelayTest, ACustomerGetsATopicAndAnOperatorsAnswerIsDeliveredFromTheAccount) {
  SetUpWorld();
  StartRelay();
  const std::int64_t first = Writes(kAnna, "Hello, is the sofa still available?");
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null()) << Topics();
  EXPECT_EQ(topic["name"], "Anna Petrova (@anna) · Ivan");
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(Mirrored("Hello, is the sofa still available?", topic_id)) << GroupMessages();

  // A reply is shown as a reply to the mirrored message it answers.
  auto reply = Control("POST", "/messages", {{"from", kAnna}, {"to", kIvan}, {"text", "And what does it cost?"},
                                             {"reply_to_message_id", first}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  ASSERT_TRUE(Mirrored("And what does it cost?", topic_id)) << GroupMessages();
  EXPECT_EQ(Topics().size(), 1u) << "the second message lands in the same topic: " << Topics();
  std::int64_t first_post = 0;
  for (const auto& m : GroupMessages(topic_id)) {
    const std::string text = m.value("text", "");
    if (text.find("sofa still available") != std::string::npos) first_post = m["message_id"];
    if (text.find("what does it cost") != std::string::npos) {
      EXPECT_NE(first_post, 0);
      EXPECT_EQ(m.value("reply_to_message_id", std::int64_t{0}), first_post) << m;
    }
  }

  const std::int64_t answer = OlgaPosts("Yes! 300 EUR.", topic_id);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "Yes! 300 EUR.") == 1; }, std::chrono::seconds(15)))
      << "the answer leaves from Ivan's account";
  EXPECT_TRUE(Reacted(answer)) << "delivered is a reaction: " << GroupMessage(answer);

  // The answer is not mirrored back into the topic: the next message is, and
  // nothing before it carries the answer's text.
  Writes(kAnna, "Great, thanks");
  ASSERT_TRUE(Mirrored("Great, thanks", topic_id)) << GroupMessages();
  EXPECT_EQ(Posts("300 EUR", topic_id), 0) << GroupMessages(topic_id);
  EXPECT_EQ(FromIvan(kAnna, "Yes! 300 EUR."), 1) << "sent once";

  auto dialogs = http().Get("/v1/dialogs?account_id=" + ivan_id_);
  ASSERT_EQ(dialogs.status, 200) << dialogs.body;
  const json items = dialogs.Json()["items"];
  ASSERT_EQ(items.size(), 1u) << items;
  EXPECT_EQ(items[0]["peer_chat_id"], anna_user_id_);
  EXPECT_EQ(items[0]["relay"]["topic_id"], topic_id);
  EXPECT_EQ(items[0]["title"], "Anna Petrova (@anna) · Ivan");

  auto shown = http().Get("/v1/accounts/" + ivan_id_ + "/relay");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.Json()["group_chat_id"], group_id_);
  EXPECT_EQ(shown.Json()["mode"], "topics");
  // Events after the last mirrored message (the answer's own message.sent,
  // which is not mirrored) may still be in the queue a moment: it drains.
  EXPECT_TRUE(WaitUntil([&] { return http().Get("/v1/accounts/" + ivan_id_ + "/relay").Json()["backlog"] == 0; },
                        std::chrono::seconds(10)))
      << http().Get("/v1/accounts/" + ivan_id_ + "/relay").body;
}

TEST_F(RelayTest, TheEmployeesOwnMessagesAreMirroredAndAnonymousAdministratorsAreNeverSentOut) {
  SetUpWorld();
  StartRelay();
  Writes(kBoris, "Do you deliver?");
  json topic = TopicNamed("Boris");
  ASSERT_FALSE(topic.is_null()) << Topics();
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(Mirrored("Do you deliver?", topic_id));

  // Ivan answers from his phone: mirrored, marked as his.
  auto own = Control("POST", "/messages", {{"from", kIvan}, {"to", kBoris}, {"text", "We do, on Fridays"}});
  ASSERT_EQ(own.status, 201) << own.body;
  ASSERT_TRUE(Mirrored("We do, on Fridays", topic_id)) << GroupMessages(topic_id);
  bool marked = false;
  for (const auto& m : GroupMessages(topic_id)) {
    const std::string text = m.value("text", "");
    if (text.find("We do, on Fridays") != std::string::npos) marked = text.find("Ivan (employee)") != std::string::npos;
  }
  EXPECT_TRUE(marked) << GroupMessages(topic_id);

  // An anonymous administrator writes in the topic (as the group): never sent to Boris.
  OlgaPosts("the team says hi", topic_id, 0, kVera, true);
  const std::int64_t answer = OlgaPosts("See you Friday", topic_id);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kBoris, "See you Friday") == 1; }, std::chrono::seconds(15)));
  EXPECT_TRUE(Reacted(answer));
  EXPECT_EQ(FromIvan(kBoris, "the team says hi"), 0) << "an anonymous administrator's message is never sent out";
}

TEST_F(RelayTest, TheBotMustBeAnAdministratorWhoMayManageTopics) {
  SetUpWorld(/*forum=*/true, /*admin=*/false);
  auto refused = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", group_id_}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.Json()["missing"], "administrator") << refused.body;
  EXPECT_NE(refused.Json()["detail"].get<std::string>().find("administrator"), std::string::npos) << refused.body;

  // An administrator without the right to manage topics.
  auto promoted = Control("POST", "/groups/" + std::to_string(group_id_) + "/admins",
                          {{"member", "@desk_bot"}, {"rights", {{"can_delete_messages", true}}}});
  ASSERT_EQ(promoted.status / 100, 2) << promoted.body;
  refused = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", group_id_}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.Json()["missing"], "manage_topics") << refused.body;

  // A group without topics: only replies mode.
  std::int64_t plain = MakeGroup("Plain", /*forum=*/false, /*admin=*/true);
  refused = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", plain}, {"mode", "topics"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.Json()["missing"], "topics") << refused.body;

  auto bad = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", 12345}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(http().Get("/v1/accounts/" + ivan_id_ + "/relay").status, 404) << "nothing was saved";
}

TEST_F(RelayTest, RepliesModeHeadsEachConversationAndTakesRepliesAsAnswers) {
  SetUpWorld(/*forum=*/false);
  StartRelay("replies");
  Writes(kAnna, "Is the lamp sold?");
  ASSERT_TRUE(Mirrored("Is the lamp sold?")) << GroupMessages();
  EXPECT_EQ(Posts("💬 Anna Petrova (@anna) · Ivan"), 1) << GroupMessages();
  std::int64_t post = 0, header = 0;
  for (const auto& m : GroupMessages()) {
    const std::string text = m.value("text", "");
    if (text.find("💬 Anna") != std::string::npos) header = m["message_id"];
    if (text.find("Is the lamp sold?") != std::string::npos) {
      post = m["message_id"];
      EXPECT_EQ(m.value("reply_to_message_id", std::int64_t{0}), header) << "posts answer the header: " << m;
    }
  }
  ASSERT_NE(post, 0);
  OlgaPosts("Not yet!", 0, post);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "Not yet!") == 1; }, std::chrono::seconds(15)));
  // A message that answers nothing is not sent anywhere.
  OlgaPosts("coffee, anyone?", 0);
  Writes(kAnna, "ok");
  ASSERT_TRUE(Mirrored("ok"));
  EXPECT_EQ(FromIvan(kAnna, "coffee, anyone?"), 0);
}


TEST_F(RelayTest, TheCustomersEditsAndDeletionsShowAndOperatorsEditAndWithdrawAnswers) {
  SetUpWorld();
  StartRelay();
  const std::int64_t asked = Writes(kAnna, "Is it blue?");
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(Mirrored("Is it blue?", topic_id));

  auto edited = Control("POST", std::string("/users/") + kAnna + "/edit",
                        {{"with", kIvan}, {"message_id", asked}, {"text", "Is it green?"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  ASSERT_TRUE(Mirrored("Is it green? (edited)", topic_id)) << GroupMessages(topic_id);
  EXPECT_EQ(Posts("Is it blue?", topic_id), 0) << "the bot edited its own post: " << GroupMessages(topic_id);

  auto deleted = Control("POST", std::string("/users/") + kAnna + "/delete", {{"with", kIvan}, {"message_ids", {asked}}});
  ASSERT_EQ(deleted.status, 204) << deleted.body;
  ASSERT_TRUE(Mirrored("The customer deleted this message", topic_id)) << GroupMessages(topic_id);

  // Olga answers, then edits and withdraws the answer with reply commands.
  const std::int64_t answer = OlgaPosts("It is red.", topic_id);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "It is red.") == 1; }, std::chrono::seconds(15)));
  ASSERT_TRUE(Reacted(answer));
  OlgaPosts("/edit It is dark red.", topic_id, answer);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "It is dark red.") == 1; }, std::chrono::seconds(15)));
  EXPECT_EQ(FromIvan(kAnna, "It is red."), 0);
  ASSERT_TRUE(Mirrored("Edited for the customer", topic_id)) << GroupMessages(topic_id);
  OlgaPosts("/delete", topic_id, answer);
  ASSERT_TRUE(Mirrored("Deleted for the customer", topic_id)) << GroupMessages(topic_id);
  EXPECT_EQ(FromIvan(kAnna, "It is dark red."), 0) << "withdrawn";
  EXPECT_EQ(Posts("It is red", topic_id), 0) << "commands and answers are never mirrored back";
}

TEST_F(RelayTest, TopicCommandsAndTheOperatorList) {
  SetUpWorld();
  auto put = PutRelay({{"bot_id", bot_id_}, {"group_chat_id", group_id_}, {"operators", {olga_user_id_}}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["operators"], json::array({olga_user_id_})) << put.body;
  Writes(kAnna, "hi");
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(Mirrored("hi", topic_id));

  OlgaPosts("/who", topic_id);
  ASSERT_TRUE(Mirrored("Conversation: Anna Petrova (@anna) · Ivan", topic_id)) << GroupMessages(topic_id);
  EXPECT_EQ(Posts("Account: Ivan (" + ivan_id_ + ")", topic_id), 1) << GroupMessages(topic_id);

  // Someone who is not an operator: told, nothing sent.
  auto promoted = Control("POST", "/groups/" + std::to_string(group_id_) + "/admins",
                          {{"member", kVera}, {"rights", json::object()}, {"is_anonymous", false}});
  ASSERT_EQ(promoted.status / 100, 2) << promoted.body;
  OlgaPosts("I am not an operator", topic_id, 0, kVera);
  ASSERT_TRUE(Mirrored("Only the relay's operators answer customers", topic_id)) << GroupMessages(topic_id);

  OlgaPosts("/close", topic_id);
  ASSERT_TRUE(Mirrored("Closed: answers here are not sent", topic_id)) << GroupMessages(topic_id);
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& t : Topics()) {
      if (t["forum_topic_id"] == topic_id) return t.value("is_closed", false);
    }
    return false;
  }, std::chrono::seconds(10))) << Topics();
  OlgaPosts("this waits", topic_id);
  ASSERT_TRUE(Mirrored("This conversation is closed", topic_id)) << GroupMessages(topic_id);
  OlgaPosts("/reopen", topic_id);
  ASSERT_TRUE(Mirrored("Reopened", topic_id)) << GroupMessages(topic_id);
  OlgaPosts("now it goes", topic_id);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "now it goes") == 1; }, std::chrono::seconds(15)));
  EXPECT_EQ(FromIvan(kAnna, "this waits"), 0);
  EXPECT_EQ(FromIvan(kAnna, "I am not an operator"), 0);
}

TEST_F(RelayTest, WithoutReactionsDeliveredIsAShortReply) {
  SetUpWorld(/*forum=*/true, /*admin=*/true, /*reactions=*/false);
  StartRelay();
  Writes(kAnna, "hello");
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  const std::int64_t answer = OlgaPosts("hello Anna", topic_id);
  ASSERT_TRUE(Mirrored("✓ Delivered", topic_id)) << GroupMessages(topic_id);
  for (const auto& m : GroupMessages(topic_id)) {
    if (m.value("text", "").find("✓ Delivered") != std::string::npos) {
      EXPECT_EQ(m.value("reply_to_message_id", std::int64_t{0}), answer) << m;
    }
  }
  EXPECT_TRUE(GroupMessage(answer).value("reactions", json::array()).empty());
}

TEST_F(RelayTest, AFileIsMirroredAsTheFileWithItsCaption) {
  SetUpWorld();
  StartRelay();
  const std::string png = PngBytes(40, 40, 99);
  auto sent = Control("POST", "/messages",
                      {{"from", kAnna}, {"to", kIvan}, {"text", "this one, **please**"},
                       {"media", {{"type", "photo"}, {"file_name", "sofa.png"}, {"mime_type", "image/png"},
                                  {"data", Base64(png)}}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  json post;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& m : GroupMessages(topic_id)) {
      if (m.value("from", "") == "@desk_bot" && m.contains("media")) post = m;
    }
    return !post.is_null();
  }, std::chrono::seconds(15))) << GroupMessages(topic_id);
  EXPECT_EQ(post["media"]["type"], "photo") << post;
  EXPECT_EQ(post["media"]["sha256"], Sha256Hex(png)) << "the same picture Anna sent";
  EXPECT_EQ(post["text"], "this one, **please**") << post;
  // An answer to the photo answers it for Anna.
  OlgaPosts("Reserved for you", topic_id, post["message_id"]);
  ASSERT_TRUE(WaitUntil([&] { return FromIvan(kAnna, "Reserved for you") == 1; }, std::chrono::seconds(15)));
  auto chat = Control("GET", std::string("/users/") + kAnna + "/messages?with=" + kIvan);
  for (const auto& m : chat.body["messages"]) {
    if (m.value("text", "") == "Reserved for you") {
      EXPECT_EQ(m.value("reply_to_message_id", std::int64_t{0}), sent.body["message_id"]) << m;
    }
  }
}

TEST_F(RelayTest, AClientGroupIsOneConversationWithItsAuthorsNamedWhileTheAccountAcceptsGroups) {
  SetUpWorld();
  StartRelay();
  auto client = Control("POST", "/groups", {{"title", "Client Co"}, {"kind", "basic"}, {"members", {kIvan, kBoris, kAnna}}});
  ASSERT_EQ(client.status, 201) << client.body;
  const std::int64_t client_id = client.body["chat_id"];
  auto post = [&](const std::string& from, const std::string& text) {
    auto sent = Control("POST", "/messages", {{"from", from}, {"to", client_id}, {"text", text}});
    ASSERT_EQ(sent.status, 201) << sent.body;
  };
  post(kBoris, "when is the delivery?");
  json topic = TopicNamed("Client Co");
  ASSERT_FALSE(topic.is_null()) << Topics();
  EXPECT_EQ(topic["name"], "Client Co · Ivan");
  const std::int64_t topic_id = topic["forum_topic_id"];
  ASSERT_TRUE(Mirrored("when is the delivery?", topic_id));
  EXPECT_EQ(Posts("Boris:\nwhen is the delivery?", topic_id), 1) << "the author is named: " << TopicText(topic_id);
  const std::int64_t answer = OlgaPosts("Tomorrow at 10", topic_id);
  ASSERT_TRUE(Reacted(answer));
  bool in_group = false;
  const json seen =
      Control("GET", std::string("/users/") + kBoris + "/messages?with=" + std::to_string(client_id)).body["messages"];
  for (const auto& m : seen) {
    in_group = in_group || (m.value("text", "") == "Tomorrow at 10" && m.value("from", "") == kIvan);
  }
  EXPECT_TRUE(in_group) << "the answer goes into the client group";

  // An account that does not accept groups has no group conversations relayed.
  auto patched = http().Request("PATCH", "/v1/accounts/" + ivan_id_, json{{"accepts_groups", false}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  post(kAnna, "are you there?");
  Writes(kAnna, "private question");
  json anna = TopicNamed("Anna Petrova");
  ASSERT_FALSE(anna.is_null());
  ASSERT_TRUE(Mirrored("private question", anna["forum_topic_id"]));
  EXPECT_EQ(Posts("are you there?"), 0) << TopicText(topic_id);
}

TEST_F(RelayTest, AnAnswerThatCannotBeSentSaysWhyInWords) {
  SetUpWorld();
  StartRelay();
  Writes(kAnna, "hello?");
  json topic = TopicNamed("Anna");
  ASSERT_FALSE(topic.is_null());
  const std::int64_t topic_id = topic["forum_topic_id"];
  auto fault = Control("POST", "/faults", {{"phone", kIvan}, {"method", "sendMessage"},
                                           {"error", {{"code", 403}, {"message", "USER_IS_BLOCKED"}}}});
  ASSERT_EQ(fault.status, 201) << fault.body;
  const std::int64_t answer = OlgaPosts("we are here", topic_id);
  ASSERT_TRUE(Mirrored("✗ Not delivered: This person has blocked the account", topic_id)) << TopicText(topic_id);
  for (const auto& m : GroupMessages(topic_id)) {
    if (m.value("text", "").find("Not delivered") != std::string::npos) {
      EXPECT_EQ(m.value("reply_to_message_id", std::int64_t{0}), answer) << m;
    }
  }
  EXPECT_EQ(FromIvan(kAnna, "we are here"), 0);
  EXPECT_TRUE(GroupMessage(answer).value("reactions", json::array()).empty());
}

}  // namespace
}  // namespace tgmux::testing
