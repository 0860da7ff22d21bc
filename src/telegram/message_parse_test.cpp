#include "telegram/message_parse.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "telegram/chat_cache.h"
#include "telegram/td_json_reader.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// A message as TDLib 1.8.65 writes it (trimmed to the fields that matter, plus
// one it does not know, which must be ignored).
json TextMessage() {
  return json::parse(R"({"@type":"message","id":2097152,"sender_id":{"@type":"messageSenderUser","user_id":77},
    "chat_id":77,"is_outgoing":false,"is_pinned":false,"date":1700000000,"edit_date":1700000100,
    "reply_to":{"@type":"messageReplyToMessage","chat_id":77,"message_id":1048576},
    "media_album_id":"0","future_field":{"x":1},
    "content":{"@type":"messageText","text":{"@type":"formattedText","text":"hi \ud83d\ude00 bold",
      "entities":[{"@type":"textEntity","offset":6,"length":4,"type":{"@type":"textEntityTypeBold"}},
                  {"@type":"textEntity","offset":0,"length":2,"type":{"@type":"textEntityTypeTextUrl","url":"https://a.example"}}]}}})");
}

TEST(TelegramMessagesParse, TextMessageWithEntitiesAndReply) {
  auto message = ParseMessage(TextMessage());
  ASSERT_TRUE(message);
  EXPECT_EQ(message->chat_id, 77);
  EXPECT_EQ(message->message_id, 2097152);
  EXPECT_EQ(message->sender.user_id, 77);
  EXPECT_FALSE(message->is_outgoing);
  EXPECT_EQ(message->date, 1700000000);
  EXPECT_EQ(message->edit_date, 1700000100);
  EXPECT_EQ(message->reply_to_message_id, 1048576);
  EXPECT_EQ(message->content_type, "text");
  EXPECT_EQ(message->text.text, "hi \xF0\x9F\x98\x80 bold");
  ASSERT_EQ(message->text.entities.size(), 2u);
  EXPECT_EQ(message->text.entities[0].type, "bold");
  EXPECT_EQ(message->text.entities[0].offset, 6);
  EXPECT_EQ(message->text.entities[1].type, "text_url");
  EXPECT_EQ(message->text.entities[1].url, "https://a.example");
}

TEST(TelegramMessagesParse, OtherContentAndChatSenders) {
  json message = TextMessage();
  message["content"] = {{"@type", "messagePhoto"}};
  message["sender_id"] = {{"@type", "messageSenderChat"}, {"chat_id", -1001234}};
  auto parsed = ParseMessage(message);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->content_type, "photo");
  EXPECT_TRUE(parsed->text.text.empty());
  EXPECT_EQ(parsed->sender.user_id, 0);
  EXPECT_EQ(parsed->sender.chat_id, -1001234);
  EXPECT_FALSE(ParseMessage(json{{"@type", "chat"}}));
}

TEST(TelegramMessagesParse, FormattedTextGoesBackAsTdlibExpectsIt) {
  FormattedText text{"a b c", {{"bold", 0, 1}, {"text_url", 2, 1, "https://x.example"}, {"mention_name", 4, 1, "", 9}}};
  json out = FormattedTextJson(text);
  EXPECT_EQ(out["@type"], "formattedText");
  EXPECT_EQ(out["entities"][0]["type"], json({{"@type", "textEntityTypeBold"}}));
  EXPECT_EQ(out["entities"][1]["type"]["@type"], "textEntityTypeTextUrl");
  EXPECT_EQ(out["entities"][1]["type"]["url"], "https://x.example");
  EXPECT_EQ(out["entities"][2]["type"]["user_id"], 9);
  EXPECT_EQ(ParseFormattedText(out), text);
}

TEST(TelegramMessagesParse, ChatTypesOrderAndUnreadState) {
  json chat = json::parse(R"({"@type":"chat","id":-1001700000001,
    "type":{"@type":"chatTypeSupergroup","supergroup_id":1700000001,"is_channel":true},"title":"News",
    "positions":[{"@type":"chatPosition","list":{"@type":"chatListArchive"},"order":"5"},
                 {"@type":"chatPosition","list":{"@type":"chatListMain"},"order":"7301385934045577215"}],
    "unread_count":3,"last_read_inbox_message_id":1048576,"last_read_outbox_message_id":2097152})");
  auto parsed = ParseChat(chat);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, ChatType::kChannel);
  EXPECT_EQ(ChatTypeName(parsed->type), "channel");
  EXPECT_EQ(parsed->order, 7301385934045577215);  // an int64 written as a string
  EXPECT_EQ(parsed->unread_count, 3);
  EXPECT_EQ(parsed->last_read_outbox_message_id, 2097152);
  EXPECT_FALSE(parsed->last_message);

  chat["type"] = {{"@type", "chatTypePrivate"}, {"user_id", 5}};
  EXPECT_EQ(ParseChat(chat)->user_id, 5);
  chat["type"] = {{"@type", "chatTypeBasicGroup"}, {"basic_group_id", 5}};
  EXPECT_EQ(ParseChat(chat)->type, ChatType::kGroup);
}

// Found by fuzz/tdlib_json: a float where TDLib writes an int32 was converted
// to int, which is undefined behaviour when it is out of range.
TEST(TelegramMessagesParse, Int32FieldsThatAreNotInt32AreZero) {
  auto text = ParseFormattedText(json::parse(R"({"@type":"formattedText","text":"x","entities":[
    {"@type":"textEntity","offset":1e10,"length":-1e300,"type":{"@type":"textEntityTypeBold"}},
    {"@type":"textEntity","offset":4294967296,"length":"2","type":{"@type":"textEntityTypeBold"}},
    {"@type":"textEntity","offset":1,"length":2147483647,"type":{"@type":"textEntityTypeBold"}}]})"));
  ASSERT_EQ(text.entities.size(), 3u);
  EXPECT_EQ(text.entities[0].offset, 0);
  EXPECT_EQ(text.entities[0].length, 0);
  EXPECT_EQ(text.entities[1].offset, 0);
  EXPECT_EQ(text.entities[1].length, 0);
  EXPECT_EQ(text.entities[2].offset, 1);
  EXPECT_EQ(text.entities[2].length, 2147483647);
  auto chat = ParseChat(json::parse(R"({"@type":"chat","id":5,"unread_count":3.5e12})"));
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->unread_count, 0);
}

TEST(TelegramMessagesParse, Utf16LengthCountsSurrogatePairs) {
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("\xD0\x9F"), 1u);          // Cyrillic: one unit
  EXPECT_EQ(Utf16Length("\xF0\x9F\x98\x80"), 2u);  // emoji: a surrogate pair
}

TEST(TelegramMessagesParse, ChatCacheIsBoundedAndKeepsTheHighestChats) {
  ChatCache cache(2, 2);
  for (int id = 1; id <= 3; ++id) {
    cache.Apply({{"@type", "updateNewChat"},
                 {"chat", {{"@type", "chat"}, {"id", id}, {"type", {{"@type", "chatTypePrivate"}, {"user_id", id}}},
                           {"positions", json::array()}}}});
    cache.Apply({{"@type", "updateChatPosition"}, {"chat_id", id},
                 {"position", {{"@type", "chatPosition"}, {"list", {{"@type", "chatListMain"}}},
                               {"order", std::to_string(id * 10)}}}});
  }
  EXPECT_EQ(cache.chat_count(), 2u);
  EXPECT_FALSE(cache.Find(1));  // lowest in the list when the third came
  cache.Apply({{"@type", "updateUser"},
               {"user", {{"@type", "user"}, {"id", 3}, {"first_name", "Bo"}, {"last_name", "B"},
                         {"usernames", {{"active_usernames", {"bob"}}}}}}});
  cache.Apply({{"@type", "updateChatReadInbox"}, {"chat_id", 3}, {"last_read_inbox_message_id", 9},
               {"unread_count", 4}});
  auto chat = cache.Find(3);
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->username, "bob");
  EXPECT_EQ(chat->unread_count, 4);
  Message message;
  message.sender.user_id = 3;
  cache.Describe(message);
  EXPECT_EQ(message.sender.name, "Bo B");
}

// A chat's last message as the hub reads updateChatLastMessage (the message
// left in the update's text) is the one the update carried when the chat is
// asked for, as when the update comes whole; a later update, or the chat
// itself from TDLib, replaces it.
TEST(TelegramMessagesParse, ChatCacheGivesTheLastMessageTheHubLeftInTheUpdatesText) {
  auto last_message = [](int id, const std::string& text) {
    return R"({"@type":"updateChatLastMessage","chat_id":5,"last_message":{"@type":"message","id":)" +
           std::to_string(id) +
           R"(,"chat_id":5,"date":1700000000,"is_outgoing":true,"sender_id":{"@type":"messageSenderUser","user_id":1},)"
           R"("content":{"@type":"messageText","text":{"@type":"formattedText","text":")" +
           text + R"(","entities":[]}}},"positions":[]})";
  };
  TdJsonReader reader;
  ChatCache whole, deferred;
  for (ChatCache* cache : {&whole, &deferred}) {
    cache->Apply({{"@type", "updateNewChat"},
                  {"chat", {{"@type", "chat"}, {"id", 5}, {"type", {{"@type", "chatTypePrivate"}, {"user_id", 5}}},
                            {"positions", json::array()}}}});
  }
  for (const auto& [id, text] : {std::pair{1048576, "first"}, std::pair{2097152, "second"}}) {
    const auto read = reader.ReadForHub(last_message(id, text));
    ASSERT_TRUE(read);
    EXPECT_FALSE(read->contains("last_message"));
    deferred.Apply(*read);
    whole.Apply(reader.Read(last_message(id, text)));
  }
  auto from_text = deferred.Find(5);
  auto from_tree = whole.Find(5);
  ASSERT_TRUE(from_text && from_tree && from_text->last_message && from_tree->last_message);
  EXPECT_EQ(from_text->last_message->message_id, 2097152);
  EXPECT_EQ(from_text->last_message->text.text, "second");
  EXPECT_EQ(from_text->last_message->text.text, from_tree->last_message->text.text);
  EXPECT_EQ(from_text->last_message->date, from_tree->last_message->date);
  EXPECT_EQ(deferred.Find(5)->last_message->text.text, "second") << "asked again";

  deferred.Apply(*reader.ReadForHub(last_message(3145728, "third")));
  Chat fetched;
  fetched.chat_id = 5;
  fetched.title = "fetched";
  deferred.Put(fetched);
  EXPECT_FALSE(deferred.Find(5)->last_message) << "the chat TDLib returned, not an older update's message";
  deferred.Apply(*reader.ReadForHub(last_message(4194304, "fourth")));
  deferred.Apply(reader.Read(R"({"@type":"updateChatLastMessage","chat_id":5,"positions":[]})"));
  EXPECT_FALSE(deferred.Find(5)->last_message) << "a chat whose last message went";
}

}  // namespace
}  // namespace tgmux::telegram
