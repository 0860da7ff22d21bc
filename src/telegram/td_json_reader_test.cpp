#include "telegram/td_json_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// What the reader gives is what nlohmann's parser gives, kinds of numbers included.
void ExpectAsNlohmann(TdJsonReader& reader, const std::string& text) {
  SCOPED_TRACE(text);
  json expected = json::parse(text, nullptr, false);
  json read = reader.Read(text);
  ASSERT_EQ(read.is_discarded(), expected.is_discarded());
  if (expected.is_discarded()) return;
  EXPECT_EQ(read, expected);
  // Equal values of other kinds compare equal, so the kinds are compared too.
  EXPECT_EQ(read.dump(), expected.dump());
  std::function<void(const json&, const json&)> same_kinds = [&](const json& a, const json& b) {
    ASSERT_EQ(a.type(), b.type()) << a.dump() << " vs " << b.dump();
    if (a.is_object()) {
      for (auto it = a.begin(); it != a.end(); ++it) same_kinds(it.value(), b.at(it.key()));
    } else if (a.is_array()) {
      for (std::size_t i = 0; i < a.size(); ++i) same_kinds(a[i], b[i]);
    }
  };
  same_kinds(read, expected);
}

TEST(TdJsonReader, ReadsAnUpdateAsNlohmannDoes) {
  TdJsonReader reader;
  ExpectAsNlohmann(reader, R"({"@type":"updateMessageSendSucceeded","message":{"@type":"message","id":1048576,
      "sender_id":{"@type":"messageSenderUser","user_id":1000001},"chat_id":-1001234567890,"is_outgoing":true,
      "date":1764300000,"unread_reactions":[],"self_destruct_in":0.0,"auto_delete_in":1.5e3,"media_album_id":"0",
      "content":{"@type":"messageText","text":{"@type":"formattedText","text":"caf\u00e9 \"q\" \\ \n 🙂",
      "entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypeBold"}}]},
      "link_preview":null}},"old_message_id":1048577,"@client_id":17,"@extra":18446744073709551615})");
}

TEST(TdJsonReader, KeepsNlohmannsKindsOfNumbers) {
  TdJsonReader reader;
  for (const char* text : {"0", "-0", "7", "-7", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                           "18446744073709551615", "1.0", "-2.5", "1e3", "1E-7", "0.1", "123456789012345678901234"}) {
    ExpectAsNlohmann(reader, text);
  }
  // A non-negative integer is unsigned (the hub tells its own @extra by that), a negative one is not.
  EXPECT_TRUE(reader.Read(R"({"@extra":5})")["@extra"].is_number_unsigned());
  EXPECT_TRUE(reader.Read("-5").is_number_integer());
  EXPECT_FALSE(reader.Read("-5").is_number_unsigned());
  EXPECT_TRUE(reader.Read("5.0").is_number_float());
  // "-0" is a signed integer to nlohmann, wherever it stands; a date in a text is not one.
  EXPECT_FALSE(reader.Read(R"({"n":-0})")["n"].is_number_unsigned());
  ExpectAsNlohmann(reader, R"({"text":"from 2026-01-05 -0 x","n":[-0,-0.0,-0e1]})");
  // Beyond 64 bits simdjson stops; nlohmann's parser reads it as a float.
  EXPECT_TRUE(reader.Read("123456789012345678901234").is_number_float());
}

TEST(TdJsonReader, ARepeatedKeyKeepsItsLastValue) {
  TdJsonReader reader;
  ExpectAsNlohmann(reader, R"({"a":1,"b":{"c":[1,2]},"a":"two"})");
  EXPECT_EQ(reader.Read(R"({"a":1,"a":"two"})")["a"], "two");
}

TEST(TdJsonReader, RefusesWhatIsNotJsonAsNlohmannDoes) {
  TdJsonReader reader;
  for (const char* text : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1}x", "nul", "\"\\ud800\"", "\"\xff\"", "\"a\tb\"",
                           "01", "{'a':1}", "[1 2]"}) {
    ExpectAsNlohmann(reader, text);
    EXPECT_TRUE(reader.Read(text).is_discarded()) << text;
  }
}

TEST(TdJsonReader, ReadsDeepAndLargeTextsAndIsReusable) {
  TdJsonReader reader;
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += "[";
  for (int i = 0; i < 2000; ++i) deep += "]";
  ExpectAsNlohmann(reader, deep);  // deeper than simdjson goes: nlohmann's parser reads it
  std::string large = R"({"@type":"chats","chat_ids":[)";
  for (int i = 0; i < 20000; ++i) large += std::to_string(i) + ",";
  large += R"(-1],"total_count":20001})";
  ExpectAsNlohmann(reader, large);
  ExpectAsNlohmann(reader, R"({"@type":"ok"})");  // a short one after a long one
  ExpectAsNlohmann(reader, R"({"unicode":"\u0000 \u001f \ud83d\ude42 \u2028","empty":{},"none":[]})");
}

TEST(TdJsonReader, LeavesOutOnlyAnOwnMessageStillBeingSent) {
  TdJsonReader reader;
  const std::string pending =
      R"({"@type":"updateNewMessage","message":{"@type":"message","id":1,"chat_id":7,"is_outgoing":true,)"
      R"("sending_state":{"@type":"messageSendingStatePending","sending_id":0}},"@client_id":3})";
  EXPECT_FALSE(reader.ReadForHub(pending));
  EXPECT_FALSE(reader.ReadForHub(R"({"@type":"updateNewMessage","message":{"sending_state":null}})"));
  EXPECT_FALSE(reader.ReadForHub(R"({"@type":"updateOption","@type":"updateNewMessage","message":{"sending_state":{}}})"));
  // Everything else is read as Read reads it: a message received or sent, the
  // answer to sendMessage (its @extra), other updates, and what is not JSON.
  for (const std::string& text :
       {std::string(R"({"@type":"updateNewMessage","message":{"@type":"message","id":2,"chat_id":7}})"),
        std::string(R"({"@type":"updateMessageSendSucceeded","message":{"sending_state":{}},"old_message_id":1})"),
        std::string(R"({"@type":"message","sending_state":{},"@extra":9})"),
        std::string(R"({"@type":"updateNewMessage","message":{"sending_state":{}},"@extra":9})"),
        std::string(R"({"@type":"updateNewMessage","@type":"updateOption","message":{"sending_state":{}}})"),
        std::string(R"({"@type":"updateNewMessage","message":{"content":{"sending_state":{}}}})"),
        std::string(R"({"@type":"updateNewMessage","message":[{"sending_state":{}}]})"), std::string("{"),
        std::string("-0")}) {
    auto read = reader.ReadForHub(text);
    ASSERT_TRUE(read) << text;
    EXPECT_EQ(read->dump(), reader.Read(text).dump()) << text;
  }
}

TEST(TdJsonReader, LeavesAChatsLastMessageInTheUpdatesText) {
  TdJsonReader reader;
  const std::string update =
      R"({"@type":"updateChatLastMessage","chat_id":7,"last_message":{"@type":"message","id":1,"chat_id":7},)"
      R"("positions":[{"@type":"chatPosition","order":"5"}],"@client_id":3})";
  auto read = reader.ReadForHub(update);
  ASSERT_TRUE(read);
  json expected = json::parse(update);
  expected.erase("last_message");
  expected[TdJsonReader::kUpdateText] = update;
  EXPECT_EQ(*read, expected);
  // A repeated key counts by its last value, as in the tree.
  const std::string twice = R"({"@type":"updateChatLastMessage","last_message":{},"last_message":null})";
  EXPECT_EQ(*reader.ReadForHub(twice), reader.Read(twice));
  const std::string object_last = R"({"@type":"updateChatLastMessage","last_message":null,"last_message":{}})";
  EXPECT_EQ(*reader.ReadForHub(object_last), json({{"@type", "updateChatLastMessage"}, {"@text", object_last}}));
  // Whole: without a message, as an answer (@extra), and other types.
  for (const std::string& text :
       {std::string(R"({"@type":"updateChatLastMessage","chat_id":7,"positions":[]})"),
        std::string(R"({"@type":"updateChatLastMessage","last_message":{},"@extra":4})"),
        std::string(R"({"@type":"updateChatPosition","last_message":{}})")}) {
    EXPECT_EQ(*reader.ReadForHub(text), reader.Read(text)) << text;
  }
}

}  // namespace
}  // namespace tgmux::telegram
