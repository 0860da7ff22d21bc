#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/conformance/conformance_test_support.h"

namespace tgsim::conformance {
namespace {

using nlohmann::json;
using testing::NewMessage;
using testing::PinnedSchema;
using Violations = std::vector<std::string>;

TEST(ConformanceOutput, TextMessageIsValid) {
  EXPECT_EQ(PinnedSchema().ValidateOutput(NewMessage()), Violations{});
}

TEST(ConformanceOutput, WaitCodeStateIsValid) {
  EXPECT_EQ(PinnedSchema().ValidateOutput(json::parse(testing::WaitCodeText())), Violations{});
}

TEST(ConformanceOutput, ErrorWithExtraAndClientIdIsValid) {
  json error = {{"@type", "error"}, {"code", 400}, {"message", "PHONE_NUMBER_INVALID"},
                {"@extra", {{"request", 7}}}, {"@client_id", 3}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(error), Violations{});
}

TEST(ConformanceOutput, MissingRequiredFieldIsReported) {
  json update = NewMessage();
  update["message"].erase("date");
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.date: missing required field"});
}

TEST(ConformanceOutput, MissingRequiredObjectIsReported) {
  json update = NewMessage();
  update["message"].erase("content");
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.content: missing required field"});
}

TEST(ConformanceOutput, UnknownFieldIsReported) {
  json update = NewMessage();
  update["message"]["receiver_id"] = 5;  // exists in later TDLib, not in 1.8.65
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.receiver_id: unknown field"});
}

TEST(ConformanceOutput, Int64AsNumberIsReported) {
  json update = NewMessage();
  update["message"]["media_album_id"] = 0;
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.media_album_id: expected int64 as a string of "
                       "digits, got number"});
}

TEST(ConformanceOutput, Int53AsStringIsReported) {
  json update = NewMessage();
  update["message"]["chat_id"] = "777000";
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.chat_id: expected integer number, got string"});
}

TEST(ConformanceOutput, Int32AsStringInsideArrayIsReported) {
  json update = NewMessage();
  update["message"]["content"]["text"]["entities"][0]["offset"] = "6";
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.content.text.entities[0].offset: expected integer "
                       "number, got string"});
}

TEST(ConformanceOutput, WrongClassForUnionIsReported) {
  json update = NewMessage();
  update["message"]["sender_id"] = {{"@type", "user"}, {"id", 1}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.sender_id: class user is not a MessageSender"});
}

TEST(ConformanceOutput, WrongClassForConcreteFieldIsReported) {
  json update = NewMessage();
  update["message"]["content"]["text"]["@type"] = "textEntity";
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.content.text: class textEntity is not a "
                       "formattedText"});
}

TEST(ConformanceOutput, NestedObjectWithoutTypeIsReported) {
  json update = NewMessage();
  update["message"]["sender_id"].erase("@type");
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.sender_id: missing @type"});
}

TEST(ConformanceOutput, NullObjectFieldIsReported) {
  json update = NewMessage();
  update["message"]["reply_to"] = nullptr;  // TDLib omits it instead
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.reply_to: null value (TDLib omits null fields)"});
}

TEST(ConformanceOutput, NullElementOnlyWhereDeclared) {
  json messages = {{"@type", "messages"}, {"total_count", 2}, {"messages", {nullptr}}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(messages), Violations{});
  json found = {{"@type", "foundMessages"}, {"total_count", 1}, {"messages", {nullptr}},
                {"next_offset", ""}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(found),
            Violations{"foundMessages.messages[0]: null value (TDLib omits null fields)"});
}

TEST(ConformanceOutput, VectorMustBeArray) {
  json update = NewMessage();
  update["message"]["unread_reactions"] = json::object();
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message.unread_reactions: expected array, got object"});
}

TEST(ConformanceOutput, BytesMustBeBase64) {
  json bytes = {{"@type", "testBytes"}, {"value", "aGVsbG8="}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(bytes), Violations{});
  bytes["value"] = "hello";
  EXPECT_EQ(PinnedSchema().ValidateOutput(bytes),
            Violations{"testBytes.value: expected base64 string, got string"});
}

TEST(ConformanceOutput, ExtraOnlyAtTopLevel) {
  json update = NewMessage();
  update["message"]["@extra"] = "x";
  EXPECT_EQ(PinnedSchema().ValidateOutput(update),
            Violations{"updateNewMessage.message: @extra: not allowed here (only at top level)"});
}

TEST(ConformanceOutput, ClientIdMustBeInteger) {
  json ok = {{"@type", "ok"}, {"@client_id", "1"}};
  EXPECT_EQ(PinnedSchema().ValidateOutput(ok),
            Violations{"ok: @client_id: expected integer number"});
}

TEST(ConformanceOutput, FunctionOrInputOnlyClassIsNotOutput) {
  EXPECT_EQ(PinnedSchema().ValidateOutput({{"@type", "getMe"}}),
            Violations{"$: @type: \"getMe\" is not a class TDLib emits"});
  EXPECT_EQ(PinnedSchema().ValidateOutput({{"@type", "inputMessageText"}}),
            Violations{"inputMessageText: class inputMessageText is input-only; TDLib never emits it"});
}

TEST(ConformanceOutput, EveryViolationIsReported) {
  json update = NewMessage();
  update["message"].erase("id");
  update["message"]["is_pinned"] = 0;
  update["extra_field"] = true;
  EXPECT_EQ(PinnedSchema().ValidateOutput(update).size(), 3u);
}

TEST(ConformanceOutput, ResponseMustMatchTheMethodsResultType) {
  const Schema& schema = PinnedSchema();
  json ok = {{"@type", "ok"}, {"@extra", "p"}, {"@client_id", 1}};
  EXPECT_EQ(schema.ValidateResponse("setTdlibParameters", ok), Violations{});
  json error = {{"@type", "error"}, {"code", 401}, {"message", "Unauthorized"}};
  EXPECT_EQ(schema.ValidateResponse("getMe", error), Violations{});
  EXPECT_EQ(schema.ValidateResponse("getAuthorizationState", ok),
            Violations{"ok: getAuthorizationState returns AuthorizationState"});
  json state = {{"@type", "authorizationStateWaitPhoneNumber"}};
  EXPECT_EQ(schema.ValidateResponse("getAuthorizationState", state), Violations{});
}

}  // namespace
}  // namespace tgsim::conformance
