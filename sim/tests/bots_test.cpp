// Bots and the people who talk to them: private chats both ways, reply markup,
// callback queries, shared contacts, commands, edits, flood limits, and login codes
// that leak into a chat.
#include <fstream>

#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

std::string MessageOf(const std::optional<json>& o) { return o ? o->value("message", "") : "<timeout>"; }

json InlineKeyboard() {
  json yes = {{"@type", "inlineKeyboardButton"}, {"text", "Yes"},
              {"type", {{"@type", "inlineKeyboardButtonTypeCallback"}, {"data", "eWVz"}}}};  // "yes"
  json site = {{"@type", "inlineKeyboardButton"}, {"text", "Site"},
               {"type", {{"@type", "inlineKeyboardButtonTypeUrl"}, {"url", "https://example.com/"}}}};
  return {{"@type", "replyMarkupInlineKeyboard"}, {"rows", {{yes, site}}}};
}

class SimBots : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    auto created = sim_->Control("POST", "/bots", {{"username", "term_bot"}, {"first_name", "Terminal"}});
    ASSERT_EQ(created.status, 201);
    bot_id_ = created.body["user_id"];
    token_ = created.body["token"];
    bot_ = &StartedClient();
    bot_->RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", created.body["token"]}});
    ASSERT_TRUE(bot_->WaitForAuthState("authorizationStateReady"));
    alice_ = &LoggedIn("+15550901", "alice");
    alice_id_ = alice_->RequestOk({{"@type", "getMe"}})["id"];
  }

  // Alice writes to the bot through the control API; the bot sees it arrive.
  json PersonWrites(const std::string& text) {
    auto sent = sim_->Control("POST", "/bots/term_bot/messages", {{"from", "+15550901"}, {"text", text}});
    EXPECT_EQ(sent.status, 201) << sent.body.dump();
    auto arrived = bot_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["content"].value("@type", "") == "messageText" &&
             o["message"]["content"]["text"]["text"] == text;
    });
    EXPECT_TRUE(arrived);
    return arrived ? (*arrived)["message"] : json();
  }

  json BotSends(const std::string& text, json markup = nullptr) {
    json request = {{"@type", "sendMessage"}, {"chat_id", alice_id_}, {"input_message_content", Text(text)}};
    if (!markup.is_null()) request["reply_markup"] = markup;
    json pending = bot_->RequestOk(request);
    auto done = bot_->WaitFor([&](const json& o) {
      return (TypeOf(o) == "updateMessageSendSucceeded" || TypeOf(o) == "updateMessageSendFailed") &&
             o["old_message_id"] == pending["id"];
    });
    EXPECT_TRUE(done);
    return done ? *done : json();
  }

  json AliceReceives(const std::string& text) {
    auto got = alice_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["content"].contains("text") &&
             o["message"]["content"]["text"]["text"] == text;
    });
    EXPECT_TRUE(got) << text;
    return got ? (*got)["message"] : json();
  }

  ScriptedClient* bot_ = nullptr;
  ScriptedClient* alice_ = nullptr;
  std::int64_t bot_id_ = 0, alice_id_ = 0;
  std::string token_;
};

TEST_F(SimBots, BotCannotWriteFirstButAnswersOnceStarted) {
  bot_->RequestOk({{"@type", "createPrivateChat"}, {"user_id", alice_id_}, {"force", true}});
  json failed = BotSends("hello?");
  EXPECT_EQ(TypeOf(failed), "updateMessageSendFailed");
  EXPECT_EQ(failed["error"]["code"], 403);
  EXPECT_EQ(failed["error"]["message"], "Bot can't initiate conversation with a user");

  // Nor to another bot, ever.
  auto other = sim_->Control("POST", "/bots", {{"username", "other_bot"}, {"first_name", "Other"}});
  std::int64_t other_id = other.body["user_id"];
  bot_->RequestOk({{"@type", "createPrivateChat"}, {"user_id", other_id}, {"force", true}});
  json pending = bot_->RequestOk({{"@type", "sendMessage"}, {"chat_id", other_id}, {"input_message_content", Text("hi bot")}});
  auto to_bot = bot_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateMessageSendFailed" && o["old_message_id"] == pending["id"];
  });
  ASSERT_TRUE(to_bot);
  EXPECT_EQ((*to_bot)["error"]["message"], "The bot can't send messages to the bot");

  // Alice finds the bot and starts it from her own app.
  json chat = alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@term_bot"}});
  EXPECT_EQ(chat["id"], bot_id_);
  EXPECT_EQ(chat["type"]["@type"], "chatTypePrivate");
  alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bot_id_}, {"input_message_content", Text("/start")}});
  auto start = bot_->WaitForType("updateNewMessage");
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["message"]["chat_id"], alice_id_);
  EXPECT_EQ((*start)["message"]["sender_id"]["user_id"], alice_id_);
  EXPECT_FALSE((*start)["message"]["is_outgoing"]);

  EXPECT_EQ(TypeOf(BotSends("welcome")), "updateMessageSendSucceeded");
  json seen = AliceReceives("welcome");
  EXPECT_EQ(seen["chat_id"], bot_id_);
  EXPECT_EQ(seen["sender_id"]["user_id"], bot_id_);
  EXPECT_FALSE(seen["is_outgoing"]);
}

TEST_F(SimBots, InlineButtonGivesTheBotACallbackQuery) {
  PersonWrites("/start");
  json sent = BotSends("Proceed?", InlineKeyboard());
  ASSERT_EQ(TypeOf(sent), "updateMessageSendSucceeded");
  EXPECT_EQ(sent["message"]["reply_markup"]["@type"], "replyMarkupInlineKeyboard");  // the bot sees its own
  json seen = AliceReceives("Proceed?");
  ASSERT_EQ(seen["reply_markup"]["rows"][0].size(), 2u);
  EXPECT_EQ(seen["reply_markup"]["rows"][0][0]["type"]["data"], "eWVz");
  EXPECT_EQ(seen["reply_markup"]["rows"][0][1]["type"]["url"], "https://example.com/");
  auto view = sim_->Control("GET", "/bots/term_bot/chat?with=%2B15550901");
  ASSERT_EQ(view.status, 200);
  json last = view.body["messages"].back();
  EXPECT_TRUE(last["from_bot"]);
  EXPECT_EQ(last["reply_markup"]["inline"][0][0], json({{"text", "Yes"}, {"data", "yes"}}));

  auto pressed = sim_->Control("POST", "/bots/term_bot/press", {{"from", "+15550901"}, {"text", "Yes"}});
  ASSERT_EQ(pressed.status, 201) << pressed.body.dump();
  auto query = bot_->WaitForType("updateNewCallbackQuery");
  ASSERT_TRUE(query);
  EXPECT_EQ((*query)["id"], pressed.body["callback_query_id"]);
  EXPECT_EQ((*query)["sender_user_id"], alice_id_);
  EXPECT_EQ((*query)["chat_id"], alice_id_);
  EXPECT_EQ((*query)["message_id"], sent["message"]["id"]);
  EXPECT_EQ((*query)["payload"], json({{"@type", "callbackQueryPayloadData"}, {"data", "eWVz"}}));
  bot_->RequestOk({{"@type", "answerCallbackQuery"}, {"callback_query_id", (*query)["id"]}, {"text", "Done"}});
  auto answer = sim_->Control("GET", "/bots/term_bot/callback-queries/" + pressed.body["callback_query_id"].get<std::string>());
  EXPECT_EQ(answer.body["text"], "Done");
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "answerCallbackQuery"}, {"callback_query_id", "12345"}})),
            "QUERY_ID_INVALID");
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "answerCallbackQuery"}, {"callback_query_id", (*query)["id"]}})),
            "Only bots can use the method");
  EXPECT_EQ(sim_->Control("POST", "/bots/term_bot/press", {{"from", "+15550901"}, {"text", "Nope"}}).status, 404);
  auto url = sim_->Control("POST", "/bots/term_bot/press", {{"from", "+15550901"}, {"text", "Site"}});
  EXPECT_EQ(url.body["url"], "https://example.com/");
}

TEST_F(SimBots, PhoneButtonSharesTheSendersOwnContact) {
  PersonWrites("/start");
  json share = {{"@type", "keyboardButton"}, {"text", "Share my number"},
                {"type", {{"@type", "keyboardButtonTypeRequestPhoneNumber"}}}};
  json keyboard = {{"@type", "replyMarkupShowKeyboard"}, {"rows", {{share}}}, {"one_time", true},
                   {"resize_keyboard", true}, {"input_field_placeholder", "tap below"}};
  json sent = BotSends("Link your account", keyboard);
  EXPECT_FALSE(sent["message"]["reply_markup"]["is_personal"]);
  json seen = AliceReceives("Link your account");
  EXPECT_EQ(seen["reply_markup"]["@type"], "replyMarkupShowKeyboard");
  EXPECT_TRUE(seen["reply_markup"]["is_personal"]);  // an incoming keyboard in a private chat
  EXPECT_TRUE(seen["reply_markup"]["one_time"]);
  EXPECT_EQ(seen["reply_markup"]["rows"][0][0]["type"]["@type"], "keyboardButtonTypeRequestPhoneNumber");

  auto pressed = sim_->Control("POST", "/bots/term_bot/press", {{"from", "+15550901"}, {"text", "Share my number"}});
  ASSERT_EQ(pressed.status, 201);
  auto contact = bot_->WaitFor([](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageContact";
  });
  ASSERT_TRUE(contact);
  json c = (*contact)["message"]["content"]["contact"];
  EXPECT_EQ(c["phone_number"], "15550901");
  EXPECT_EQ(c["first_name"], "alice");
  EXPECT_EQ(c["user_id"], alice_id_);

  // Any other contact, sent from the app: the user id is what was given (0: none).
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "term_bot"}});
  json zed = {{"@type", "contact"}, {"phone_number", "+15559999"}, {"first_name", "Zed"}, {"user_id", 0}};
  json content = {{"@type", "inputMessageContact"}, {"contact", zed}};
  alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bot_id_}, {"input_message_content", content}});
  auto other = bot_->WaitFor([](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageContact";
  });
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)["message"]["content"]["contact"]["user_id"], 0);
  content["contact"]["user_id"] = 777;  // a user this client never saw
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "sendMessage"}, {"chat_id", bot_id_}, {"input_message_content", content}})),
            "User not found");

  BotSends("Thanks", {{"@type", "replyMarkupRemoveKeyboard"}});
  EXPECT_EQ(AliceReceives("Thanks")["reply_markup"]["@type"], "replyMarkupRemoveKeyboard");
  auto view = sim_->Control("GET", "/bots/term_bot/chat?with=%2B15550901");
  EXPECT_EQ(view.body["messages"].back()["reply_markup"], json({{"remove", true}}));
}

TEST_F(SimBots, CommandsAreForBotsOnly) {
  json commands = {{{"@type", "botCommand"}, {"command", "/start"}, {"description", "Begin"}},
                   {{"@type", "botCommand"}, {"command", "link"}, {"description", "Link an account"}}};
  bot_->RequestOk({{"@type", "setCommands"}, {"commands", commands}});
  json got = bot_->RequestOk({{"@type", "getCommands"}});
  EXPECT_EQ(got["bot_user_id"], bot_id_);
  ASSERT_EQ(got["commands"].size(), 2u);
  EXPECT_EQ(got["commands"][0]["command"], "start");
  auto set = [&](json command, std::string language = "") {
    return MessageOf(bot_->Request({{"@type", "setCommands"}, {"language_code", language},
                                    {"commands", json::array({command})}}));
  };
  EXPECT_EQ(set({{"@type", "botCommand"}, {"command", "x"}, {"description", " "}}),
            "Command description must be non-empty");
  EXPECT_EQ(set({{"@type", "botCommand"}, {"command", "/"}, {"description", "d"}}), "Command must be non-empty");
  EXPECT_EQ(set({{"@type", "botCommand"}, {"command", std::string(33, 'a')}, {"description", "d"}}),
            "Command length must not exceed 32");
  EXPECT_EQ(set({{"@type", "botCommand"}, {"command", "Big"}, {"description", "d"}}), "BOT_COMMAND_INVALID");
  EXPECT_EQ(set({{"@type", "botCommand"}, {"command", "ok"}, {"description", "d"}}, "english"),
            "Invalid language code specified");
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "setCommands"}, {"commands", commands}})),
            "Only bots can use the method");
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "getCommands"}})), "Only bots can use the method");
  // What a bot may not do at all.
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "getChatHistory"}, {"chat_id", alice_id_}, {"limit", 10}})),
            "The method is not available to bots");
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "loadChats"}, {"limit", 10}})), "The method is not available to bots");
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "searchChatMessages"}, {"chat_id", alice_id_}})),
            "The method is not available to bots");
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "setBotUpdatesStatus"}})), "Only bots can use the method");
}

TEST_F(SimBots, BotEditsItsMessageAndDeletesThePersons) {
  json start = PersonWrites("/start");
  json sent = BotSends("Step 1", InlineKeyboard());
  AliceReceives("Step 1");
  std::int64_t message_id = sent["message"]["id"];
  json next = {{"@type", "replyMarkupInlineKeyboard"}, {"rows", {{{{"@type", "inlineKeyboardButton"}, {"text", "Next"},
      {"type", {{"@type", "inlineKeyboardButtonTypeCallback"}, {"data", "bmV4dA=="}}}}}}}};
  json edited = bot_->RequestOk({{"@type", "editMessageText"}, {"chat_id", alice_id_}, {"message_id", message_id},
                                 {"input_message_content", Text("Step 2")}, {"reply_markup", next}});
  EXPECT_EQ(edited["content"]["text"]["text"], "Step 2");
  auto content = alice_->WaitForType("updateMessageContent");
  ASSERT_TRUE(content);
  EXPECT_EQ(content->at("new_content")["text"]["text"], "Step 2");
  auto markup = alice_->WaitForType("updateMessageEdited");
  ASSERT_TRUE(markup);
  EXPECT_EQ((*markup)["reply_markup"]["rows"][0][0]["text"], "Next");
  std::int64_t alice_message_id = (*markup)["message_id"];

  // Markup alone: no updateMessageContent; no markup given removes the keyboard.
  bot_->RequestOk({{"@type", "editMessageReplyMarkup"}, {"chat_id", alice_id_}, {"message_id", message_id}});
  auto removed = alice_->WaitFor([](const json& o) {
    return TypeOf(o) == "updateMessageEdited" || TypeOf(o) == "updateMessageContent";
  });
  ASSERT_TRUE(removed);
  EXPECT_EQ(TypeOf(*removed), "updateMessageEdited");
  EXPECT_FALSE(removed->contains("reply_markup"));
  auto view = sim_->Control("GET", "/bots/term_bot/chat?with=%2B15550901");
  EXPECT_FALSE(view.body["messages"].back().contains("reply_markup"));
  EXPECT_TRUE(view.body["messages"].back().contains("edit_date"));
  // The same markup again changes nothing: the server says so.
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "editMessageReplyMarkup"}, {"chat_id", alice_id_},
                                     {"message_id", message_id}})),
            "MESSAGE_NOT_MODIFIED");
  EXPECT_EQ(MessageOf(alice_->Request({{"@type", "editMessageReplyMarkup"}, {"chat_id", bot_id_},
                                       {"message_id", alice_message_id}})),
            "Only bots can use the method");

  bot_->RequestOk({{"@type", "deleteMessages"}, {"chat_id", alice_id_}, {"message_ids", {start["id"]}},
                   {"revoke", true}});
  auto deleted = alice_->WaitForType("updateDeleteMessages");
  ASSERT_TRUE(deleted);
  EXPECT_EQ((*deleted)["chat_id"], bot_id_);
  EXPECT_EQ((*deleted)["message_ids"].size(), 1u);
  view = sim_->Control("GET", "/bots/term_bot/chat?with=%2B15550901");
  ASSERT_EQ(view.body["messages"].size(), 2u);
  EXPECT_EQ(view.body["messages"][0]["text"], "/start");
  EXPECT_TRUE(view.body["messages"][0]["deleted"]);
  EXPECT_FALSE(view.body["messages"][1].contains("deleted"));
}

TEST_F(SimBots, BotReplacesTheMediaOfItsMessage) {
  PersonWrites("/start");
  std::string dir = TempDir();
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return json{{"@type", "inputFileLocal"}, {"path", dir + "/" + name}};
  };
  auto document = [](const json& file, const std::string& caption) {
    return json{{"@type", "inputMessageDocument"}, {"document", {{"@type", "inputDocument"}, {"document", file}}},
                {"caption", {{"@type", "formattedText"}, {"text", caption}}}};
  };
  json pending = bot_->RequestOk({{"@type", "sendMessage"}, {"chat_id", alice_id_}, {"reply_markup", InlineKeyboard()},
                                  {"input_message_content", document(write("v1.txt", "first"), "version 1")}});
  auto sent = bot_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateMessageSendSucceeded" && o["old_message_id"] == pending["id"];
  });
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)["message"]["reply_markup"]["@type"], "replyMarkupInlineKeyboard");
  auto seen = alice_->WaitFor([](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["@type"] == "messageDocument";
  });
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["message"]["reply_markup"]["rows"][0][0]["text"], "Yes");

  std::int64_t message_id = (*sent)["message"]["id"];
  EXPECT_EQ(MessageOf(bot_->Request({{"@type", "editMessageMedia"}, {"chat_id", alice_id_}, {"message_id", message_id},
                                     {"input_message_content", Text("no")}})),
            "Unsupported input message content type");
  json edited = bot_->RequestOk({{"@type", "editMessageMedia"}, {"chat_id", alice_id_}, {"message_id", message_id},
                                 {"input_message_content", document(write("v2.txt", "second"), "version 2")}});
  EXPECT_EQ(edited["content"]["document"]["file_name"], "v2.txt");
  EXPECT_FALSE(edited.contains("reply_markup"));  // none given: the keyboard is gone
  auto content = alice_->WaitForType("updateMessageContent");
  ASSERT_TRUE(content);
  EXPECT_EQ((*content)["new_content"]["document"]["file_name"], "v2.txt");
  EXPECT_EQ((*content)["new_content"]["caption"]["text"], "version 2");
  auto view = sim_->Control("GET", "/bots/term_bot/chat?with=%2B15550901");
  EXPECT_EQ(view.body["messages"].back()["media"]["file_name"], "v2.txt");
}

TEST_F(SimBots, FloodLimitsDelayThenRefuse) {
  PersonWrites("/start");
  // Normal pace within the default burst passes.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(TypeOf(BotSends("ok " + std::to_string(i))), "updateMessageSendSucceeded");

  // A short FLOOD_WAIT is latency, as TDLib resends by itself ...
  auto limits = sim_->Control("POST", "/limits", {{"bot_per_chat_per_second", 2}, {"bot_per_chat_burst", 1}});
  ASSERT_EQ(limits.status, 200);
  EXPECT_EQ(TypeOf(BotSends("slow 1")), "updateMessageSendSucceeded");
  EXPECT_EQ(TypeOf(BotSends("slow 2")), "updateMessageSendSucceeded");

  // ... beyond a bot's budget of 8 s (a user's is 60) it fails the message with 429.
  ASSERT_EQ(sim_->Control("POST", "/limits", {{"bot_per_chat_per_second", 0.1}}).status, 200);
  json over_budget = BotSends("ten seconds away");
  ASSERT_EQ(TypeOf(over_budget), "updateMessageSendFailed") << over_budget.dump();
  EXPECT_EQ(over_budget["error"]["code"], 429);
  ASSERT_EQ(sim_->Control("POST", "/limits", {{"bot_per_chat_per_second", 0.01}}).status, 200);
  json failed = BotSends("too fast");
  ASSERT_EQ(TypeOf(failed), "updateMessageSendFailed");
  EXPECT_EQ(failed["error"]["code"], 429);
  EXPECT_EQ(failed["error"]["message"].get<std::string>().rfind("Too Many Requests: retry after ", 0), 0u);
  EXPECT_TRUE(failed["message"]["sending_state"]["can_retry"]);
  EXPECT_EQ(sim_->Control("POST", "/limits", {{"bot_per_second", -1}}).status, 400);
}

TEST_F(SimBots, GroupLimitIsPerMinute) {
  auto group = sim_->Control("POST", "/groups", {{"title", "Ops"}, {"members", {"+15550901", "@term_bot"}}});
  ASSERT_EQ(group.status, 201) << group.body.dump();
  std::int64_t chat_id = group.body["chat_id"];
  ASSERT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550901"}, {"to", chat_id}, {"text", "/status"}}).status, 201);
  ASSERT_TRUE(bot_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateNewMessage" && o["message"]["chat_id"] == chat_id;
  }));
  ASSERT_EQ(sim_->Control("POST", "/limits", {{"bot_group_per_minute", 0.5}}).status, 200);
  auto send = [&](const std::string& text) {
    json pending = bot_->RequestOk({{"@type", "sendMessage"}, {"chat_id", chat_id}, {"input_message_content", Text(text)}});
    auto done = bot_->WaitFor([&](const json& o) {
      return (TypeOf(o) == "updateMessageSendSucceeded" || TypeOf(o) == "updateMessageSendFailed") &&
             o["old_message_id"] == pending["id"];
    });
    return done ? *done : json();
  };
  EXPECT_EQ(TypeOf(send("all good")), "updateMessageSendSucceeded");
  json failed = send("again");
  ASSERT_EQ(TypeOf(failed), "updateMessageSendFailed");
  EXPECT_EQ(failed["error"]["message"], "Too Many Requests: retry after 120");
}

TEST_F(SimBots, LoginCodeSentVerbatimExpires) {
  alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "term_bot"}});
  auto send = [&](const std::string& text) {
    json pending = alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bot_id_}, {"input_message_content", Text(text)}});
    EXPECT_TRUE(alice_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateMessageSendSucceeded" && o["old_message_id"] == pending["id"];
    }));
  };
  // Spaced or dashed digits leave the code usable.
  ScriptedClient& second = StartedClient();
  second.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550901"}});
  std::string code = LastCode("+15550901");
  std::string spaced, dashed;
  for (char c : code) {
    spaced += spaced.empty() ? std::string(1, c) : std::string(" ") + c;
    dashed += dashed.empty() ? std::string(1, c) : std::string("-") + c;
  }
  send("my code is " + spaced);
  send(dashed);
  second.RequestOk({{"@type", "checkAuthenticationCode"}, {"code", code}});
  EXPECT_TRUE(second.WaitForAuthState("authorizationStateReady"));

  // Verbatim, it expires.
  ScriptedClient& third = StartedClient();
  third.RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+15550901"}});
  code = LastCode("+15550901");
  send("code: " + code);
  EXPECT_EQ(MessageOf(third.Request({{"@type", "checkAuthenticationCode"}, {"code", code}})), "PHONE_CODE_EXPIRED");
}

TEST_F(SimBots, RevokedTokenEndsEverySessionOfTheBot) {
  ScriptedClient& second = StartedClient();
  second.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", token_}});
  ASSERT_TRUE(second.WaitForAuthState("authorizationStateReady"));

  auto revoked = sim_->Control("POST", "/bots/term_bot/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body.dump();
  std::string token = revoked.body.value("token", "");
  EXPECT_NE(token, token_);
  EXPECT_EQ(token.substr(0, token.find(':')), std::to_string(bot_id_));
  // As for a user whose session was terminated: logging out, then closed.
  for (ScriptedClient* client : {bot_, &second}) {
    EXPECT_TRUE(client->WaitForAuthState("authorizationStateLoggingOut"));
    EXPECT_TRUE(client->WaitForAuthState("authorizationStateClosed"));
  }
  // Alice's session is not the bot's: it stays.
  EXPECT_EQ(TypeOf(alice_->RequestOk({{"@type", "getMe"}})), "user");

  ScriptedClient& with_old = StartedClient();
  EXPECT_EQ(MessageOf(with_old.Request({{"@type", "checkAuthenticationBotToken"}, {"token", token_}})),
            "ACCESS_TOKEN_INVALID");
  ScriptedClient& with_new = StartedClient();
  with_new.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", token}});
  EXPECT_TRUE(with_new.WaitForAuthState("authorizationStateReady"));

  EXPECT_EQ(sim_->Control("POST", "/bots/nobody_bot/revoke").status, 404);
  EXPECT_EQ(sim_->Control("POST", "/bots/alice/revoke").status, 404);  // a person, not a bot
}

}  // namespace
}  // namespace tgsim::testing
