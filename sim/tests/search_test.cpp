// searchChatMessages and searchMessages as TDLib 1.8.65 answers them: word-prefix
// matching, paging by from_message_id/offset and by next_offset, sender and chat-type
// filters, and TDLib's errors in its order (MessagesManager::search_dialog_messages,
// MessageQueryManager::search_messages). Every answer is checked against the pinned
// schema by the fixture (foundChatMessages, foundMessages).
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

class SimSearch : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    alice_ = &LoggedIn("+15550801", "alice");
    bob_ = &LoggedIn("+15550802", "bob");
    CreateUser("+15550803", "carol", {{"username", "carol"}});
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
    alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@bob"}});
    carol_id_ = alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@carol"}})["id"];
  }

  // Someone writes to `to` (a phone or a chat id); waits until Alice has it.
  void Write(const std::string& from, const json& to, const std::string& text) {
    auto sent = sim_->Control("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}});
    ASSERT_EQ(sent.status, 201) << sent.body.dump();
    ASSERT_TRUE(alice_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateNewMessage" && o["message"]["content"]["text"]["text"] == text;
    }));
  }

  json InChat(std::int64_t chat_id, const std::string& query, json extra = json::object()) {
    json request = {{"@type", "searchChatMessages"}, {"chat_id", chat_id}, {"query", query}, {"limit", 100}};
    request.update(extra);
    return alice_->RequestOk(request);
  }
  json Everywhere(const std::string& query, json extra = json::object()) {
    json request = {{"@type", "searchMessages"}, {"query", query}, {"limit", 100}};
    request.update(extra);
    return alice_->RequestOk(request);
  }
  std::string ErrorOf(json request) {
    auto answer = alice_->Request(request);
    EXPECT_TRUE(answer && TypeOf(*answer) == "error") << (answer ? answer->dump() : "no answer");
    return answer ? answer->value("message", "") : "";
  }
  static std::vector<std::string> Texts(const json& found) {
    std::vector<std::string> texts;
    for (const auto& m : found["messages"]) texts.push_back(m["content"]["text"]["text"]);
    return texts;
  }

  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t bob_id_ = 0, carol_id_ = 0;
};

TEST_F(SimSearch, MatchesWordPrefixesWithoutCaseInAnyOrder) {
  Write("+15550802", "+15550801", "Hello, World!");
  Write("+15550802", "+15550801", "say hello to Ёлка and Straße");
  Write("+15550802", "+15550801", "othello is a play");
  Write("+15550802", "+15550801", "the word-list");
  EXPECT_EQ(Texts(InChat(bob_id_, "hel")), (std::vector<std::string>{"say hello to Ёлка and Straße", "Hello, World!"}));
  EXPECT_EQ(Texts(InChat(bob_id_, "WORLD hello")), (std::vector<std::string>{"Hello, World!"}));
  EXPECT_EQ(Texts(InChat(bob_id_, "ёлк STRASSE")), (std::vector<std::string>{}));  // no full folding
  EXPECT_EQ(Texts(InChat(bob_id_, "ЁЛК straß")), (std::vector<std::string>{"say hello to Ёлка and Straße"}));
  EXPECT_EQ(Texts(InChat(bob_id_, "ello")), (std::vector<std::string>{}));  // a prefix, not a substring
  EXPECT_EQ(Texts(InChat(bob_id_, "list")), (std::vector<std::string>{"the word-list"}));
  json found = InChat(bob_id_, "hello");
  EXPECT_EQ(found["total_count"], 2);
  EXPECT_EQ(found["messages"][0]["chat_id"], bob_id_);
  EXPECT_EQ(found["messages"][0]["content"]["@type"], "messageText");
}

TEST_F(SimSearch, ChatSearchPagesByFromMessageIdAndOffset) {
  for (int i = 0; i < 7; ++i) Write("+15550802", "+15550801", "note " + std::to_string(i));
  Write("+15550802", "+15550801", "unrelated");
  std::vector<std::string> texts;
  std::vector<std::int64_t> ids;
  std::int64_t from = 0;
  for (int page = 0; page < 10; ++page) {
    json found = InChat(bob_id_, "note", {{"from_message_id", from}, {"limit", 3}});
    EXPECT_EQ(found["total_count"], 7);
    if (found["messages"].empty()) {
      EXPECT_EQ(found["next_from_message_id"], 0);  // nothing listed: no more
      break;
    }
    // TDLib hands out the last listed id even on the last, short page.
    EXPECT_EQ(found["next_from_message_id"], found["messages"].back()["id"]);
    for (const auto& m : found["messages"]) {
      texts.push_back(m["content"]["text"]["text"]);
      ids.push_back(m["id"]);
    }
    from = found["next_from_message_id"];
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"note 6", "note 5", "note 4", "note 3", "note 2", "note 1", "note 0"}));
  // A negative offset starts newer: the message from_message_id itself and newer ones.
  json around = InChat(bob_id_, "note", {{"from_message_id", ids[3]}, {"offset", -2}, {"limit", 3}});
  EXPECT_EQ(Texts(around), (std::vector<std::string>{"note 4", "note 3", "note 2"}));
  // A local id rounds up to the next server id; a huge one means "from the newest".
  json rounded = InChat(bob_id_, "note", {{"from_message_id", ids[3] - (1 << 20) + 2}, {"limit", 1}});
  EXPECT_EQ(Texts(rounded), (std::vector<std::string>{"note 2"}));
  json newest = InChat(bob_id_, "note", {{"from_message_id", std::int64_t{1} << 52}, {"limit", 1}});
  EXPECT_EQ(Texts(newest), (std::vector<std::string>{"note 6"}));
  EXPECT_EQ(InChat(bob_id_, "note", {{"limit", 1000}})["messages"].size(), 7u);  // capped at 100, not refused
}

TEST_F(SimSearch, ChatSearchBySenderAndWithoutQuery) {
  std::int64_t team = sim_->Control("POST", "/groups", {{"title", "Team"}, {"kind", "supergroup"},
                                                       {"members", {"+15550801", "+15550802", "+15550803"}}})
                          .body["chat_id"];
  Write("+15550802", team, "bob says plan");
  Write("+15550803", team, "carol says plan");
  Write("+15550802", team, "bob again");
  json by_bob = InChat(team, "", {{"sender_id", {{"@type", "messageSenderUser"}, {"user_id", bob_id_}}}});
  EXPECT_EQ(Texts(by_bob), (std::vector<std::string>{"bob again", "bob says plan"}));
  json plan_by_carol = InChat(team, "plan", {{"sender_id", {{"@type", "messageSenderUser"}, {"user_id", carol_id_}}}});
  EXPECT_EQ(Texts(plan_by_carol), (std::vector<std::string>{"carol says plan"}));
  // Nothing to look for is the server's SEARCH_QUERY_EMPTY, which TDLib answers as "found nothing".
  json nothing = InChat(team, "");
  EXPECT_EQ(nothing["total_count"], 0);
  EXPECT_TRUE(nothing["messages"].empty());
  EXPECT_EQ(nothing["next_from_message_id"], 0);
  // Failed sends live only in TDLib's message database.
  EXPECT_TRUE(InChat(team, "", {{"filter", {{"@type", "searchMessagesFilterFailedToSend"}}}})["messages"].empty());
}

TEST_F(SimSearch, ChatSearchErrorsInTdlibsOrder) {
  auto search = [&](json fields) {
    json request = {{"@type", "searchChatMessages"}, {"chat_id", bob_id_}, {"query", "x"}, {"limit", 10}};
    request.update(fields);
    return ErrorOf(request);
  };
  EXPECT_EQ(search({{"limit", 0}, {"chat_id", 0}}), "Parameter limit must be positive");
  EXPECT_EQ(search({{"offset", -10}}), "Parameter limit must be greater than -offset");
  EXPECT_EQ(search({{"limit", 200}, {"offset", -100}}), "Parameter limit must be greater than -offset");  // capped first
  EXPECT_EQ(search({{"offset", 1}}), "Parameter offset must be non-positive");
  EXPECT_EQ(search({{"from_message_id", -1}}), "Parameter from_message_id must be identifier of a chat message or 0");
  EXPECT_EQ(search({{"from_message_id", 3}}), "Parameter from_message_id must be identifier of a chat message or 0");
  EXPECT_EQ(search({{"chat_id", 0}}), "Chat not found");
  EXPECT_EQ(search({{"chat_id", 987654}}), "Chat not found");
  EXPECT_EQ(search({{"sender_id", {{"@type", "messageSenderUser"}, {"user_id", -5}}}}),
            "Invalid user identifier specified");
  EXPECT_EQ(search({{"sender_id", {{"@type", "messageSenderUser"}, {"user_id", 987654}}}}),
            "Unknown user identifier specified");
  EXPECT_EQ(search({{"sender_id", {{"@type", "messageSenderChat"}, {"chat_id", -987654}}}}),
            "Unknown chat identifier specified");
  EXPECT_EQ(search({{"topic_id", {{"@type", "messageTopicForum"}, {"forum_topic_id", 2}}}}), "Chat is not a forum");
  EXPECT_EQ(search({{"filter", {{"@type", "searchMessagesFilterUnreadMention"}}}}),
            "Non-empty query is unsupported with the specified filter");
  EXPECT_EQ(search({{"query", ""}, {"filter", {{"@type", "searchMessagesFilterUnreadReaction"}}},
                    {"sender_id", {{"@type", "messageSenderUser"}, {"user_id", bob_id_}}}}),
            "Filtering by sender is unsupported with the specified filter");
}

TEST_F(SimSearch, GlobalSearchAcrossChatsPagesByNextOffset) {
  std::int64_t team = sim_->Control("POST", "/groups", {{"title", "Team"}, {"kind", "basic"},
                                                       {"members", {"+15550801", "+15550803"}}})
                          .body["chat_id"];
  Write("+15550802", "+15550801", "invoice one");
  Write("+15550803", team, "invoice two");
  Write("+15550803", "+15550801", "invoice three");
  Write("+15550802", "+15550801", "nothing here");
  Write("+15550803", team, "invoice four");
  json all = Everywhere("INVOICE");
  EXPECT_EQ(all["total_count"], 4);
  ASSERT_EQ(all["messages"].size(), 4u);
  // Newest first by (date, chat_id, message_id).
  for (std::size_t i = 1; i < all["messages"].size(); ++i) {
    const json& a = all["messages"][i - 1];
    const json& b = all["messages"][i];
    auto key = [](const json& m) {
      return std::tuple(m["date"].get<std::int64_t>(), m["chat_id"].get<std::int64_t>(), m["id"].get<std::int64_t>());
    };
    EXPECT_GT(key(a), key(b));
  }
  const json& last = all["messages"].back();
  EXPECT_EQ(all["next_offset"], std::to_string(last["date"].get<std::int64_t>()) + "," +
                                    std::to_string(last["chat_id"].get<std::int64_t>()) + "," +
                                    std::to_string(last["id"].get<std::int64_t>() >> 20));
  std::vector<std::string> paged;
  std::string offset;
  for (int page = 0; page < 10; ++page) {
    json found = Everywhere("invoice", {{"offset", offset}, {"limit", 3}});
    if (found["messages"].empty()) {
      EXPECT_EQ(found["next_offset"], "");
      break;
    }
    for (const auto& text : Texts(found)) paged.push_back(text);
    offset = found["next_offset"];
  }
  EXPECT_EQ(paged, Texts(all));
  // Chat kinds, dates and chat lists narrow the search.
  json in_groups = Everywhere("invoice", {{"chat_type_filter", {{"@type", "searchMessagesChatTypeFilterGroup"}}}});
  EXPECT_EQ(Texts(in_groups), (std::vector<std::string>{"invoice four", "invoice two"}));
  json in_private = Everywhere("invoice", {{"chat_type_filter", {{"@type", "searchMessagesChatTypeFilterPrivate"}}}});
  EXPECT_EQ(in_private["messages"].size(), 2u);
  EXPECT_TRUE(Everywhere("invoice", {{"chat_type_filter", {{"@type", "searchMessagesChatTypeFilterChannel"}}}})["messages"].empty());
  std::int64_t newest = all["messages"][0]["date"];
  EXPECT_TRUE(Everywhere("invoice", {{"min_date", newest + 1}})["messages"].empty());
  EXPECT_EQ(Everywhere("invoice", {{"min_date", newest}, {"max_date", newest + 100}})["messages"].size(),
            static_cast<std::size_t>(std::count_if(all["messages"].begin(), all["messages"].end(),
                                                   [&](const json& m) { return m["date"] == newest; })));
  EXPECT_EQ(Everywhere("invoice", {{"chat_list", {{"@type", "chatListMain"}}}})["messages"].size(), 4u);
  EXPECT_TRUE(Everywhere("invoice", {{"chat_list", {{"@type", "chatListArchive"}}}})["messages"].empty());
  // An empty query without a filter finds nothing, without asking the server.
  json nothing = Everywhere("");
  EXPECT_EQ(nothing["total_count"], 0);
  EXPECT_EQ(nothing["next_offset"], "");
}

TEST_F(SimSearch, GlobalSearchAnnouncesChatsBeforeItsMessagesUseThem) {
  std::int64_t crew = sim_->Control("POST", "/groups", {{"title", "Crew"}, {"kind", "supergroup"},
                                                       {"members", {"+15550801", "+15550803"}}})
                          .body["chat_id"];
  // A second client of Alice's has loaded no chats: it first meets the group in the search.
  ASSERT_EQ(sim_->Control("POST", "/messages", {{"from", "+15550803"}, {"to", crew}, {"text", "quarterly report"}}).status,
            201);
  ScriptedClient& again = LoggedIn("+15550801", "alice");
  json found = again.RequestOk({{"@type", "searchMessages"}, {"query", "report"}, {"limit", 10}});
  ASSERT_EQ(found["messages"].size(), 1u);
  EXPECT_EQ(found["messages"][0]["chat_id"], crew);
  std::size_t announced = 0, answered = 0;
  for (std::size_t i = 0; i < again.log().size(); ++i) {
    const json& o = again.log()[i];
    if (TypeOf(o) == "updateNewChat" && o["chat"]["id"] == crew && announced == 0) announced = i + 1;
    if (TypeOf(o) == "foundMessages") answered = i + 1;
  }
  EXPECT_GT(announced, 0u);
  EXPECT_LT(announced, answered);
  // The chat may now be searched on its own.
  EXPECT_EQ(again.RequestOk({{"@type", "searchChatMessages"}, {"chat_id", crew}, {"query", "quart"}, {"limit", 5}})
                ["messages"].size(),
            1u);
}

TEST_F(SimSearch, GlobalSearchErrorsInTdlibsOrder) {
  auto search = [&](json fields) {
    json request = {{"@type", "searchMessages"}, {"query", "x"}, {"limit", 10}};
    request.update(fields);
    return ErrorOf(request);
  };
  EXPECT_EQ(search({{"chat_list", {{"@type", "chatListFolder"}, {"chat_folder_id", 2}}}, {"limit", 0}}),
            "Wrong chat list specified");
  EXPECT_EQ(search({{"limit", -1}, {"offset", "junk"}}), "Parameter limit must be positive");
  for (const char* offset : {"junk", "1,2", "0,5001,1", "1700000000,987654,1", "1700000000,5001,0", "+1,5001,1"}) {
    EXPECT_EQ(search({{"offset", offset}}), "Invalid offset specified") << offset;
  }
  EXPECT_EQ(search({{"filter", {{"@type", "searchMessagesFilterPinned"}}}}), "The filter is not supported");
  EXPECT_EQ(search({{"filter", {{"@type", "searchMessagesFilterMention"}}}}), "The filter is not supported");
  // A folder id TDLib does not take for a folder means the main list.
  EXPECT_EQ(Everywhere("x", {{"chat_list", {{"@type", "chatListFolder"}, {"chat_folder_id", 1}}}})["total_count"], 0);
}

TEST_F(SimSearch, UrlAndMentionFilters) {
  std::int64_t team = sim_->Control("POST", "/groups", {{"title", "Team"}, {"kind", "supergroup"},
                                                       {"members", {"+15550801", "+15550803"}}})
                          .body["chat_id"];
  Write("+15550803", team, "docs at https://example.com/guide");
  Write("+15550803", team, "ping @alice about docs");
  Write("+15550803", team, "ping @alicex about docs");
  json urls = InChat(team, "docs", {{"filter", {{"@type", "searchMessagesFilterUrl"}}}});
  EXPECT_EQ(Texts(urls), (std::vector<std::string>{"docs at https://example.com/guide"}));
  json mentions = InChat(team, "", {{"filter", {{"@type", "searchMessagesFilterMention"}}}});
  EXPECT_EQ(Texts(mentions), (std::vector<std::string>{"ping @alice about docs"}));
  json photos = Everywhere("docs", {{"filter", {{"@type", "searchMessagesFilterPhoto"}}}});
  EXPECT_TRUE(photos["messages"].empty());
}

TEST_F(SimSearch, BotsMayNotSearch) {
  std::string token = sim_->Control("POST", "/bots", {{"username", "search_bot"}, {"first_name", "S"}}).body["token"];
  ScriptedClient& bot = StartedClient();
  bot.RequestOk({{"@type", "checkAuthenticationBotToken"}, {"token", token}});
  ASSERT_TRUE(bot.WaitForAuthState("authorizationStateReady"));
  auto answer = bot.Request({{"@type", "searchMessages"}, {"query", "x"}, {"limit", 1}});
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["message"], "The method is not available to bots");
}

}  // namespace
}  // namespace tgsim::testing
