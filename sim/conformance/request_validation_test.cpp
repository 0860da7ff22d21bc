#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/conformance/conformance_test_support.h"

namespace tgsim::conformance {
namespace {

using nlohmann::json;
using testing::PinnedSchema;
using Violations = std::vector<std::string>;

json SendText() {
  return json::parse(R"({"@type":"sendMessage","chat_id":777000,"input_message_content":{
    "@type":"inputMessageText","text":{"@type":"formattedText","text":"hi","entities":[]}},
    "@extra":{"id":1}})");
}

TEST(ConformanceRequest, SetTdlibParametersIsValid) {
  json request = {{"@type", "setTdlibParameters"}, {"use_test_dc", false},
                  {"database_directory", "/tmp/td"}, {"use_message_database", true},
                  {"api_id", 94575}, {"api_hash", "a3406de8d171bb422bb6ddf3bbd800e2"},
                  {"system_language_code", "en"}, {"device_model", "tgmux"},
                  {"application_version", "0.1"}, {"@extra", "p"}};
  EXPECT_EQ(PinnedSchema().ValidateRequest(request), Violations{});
}

TEST(ConformanceRequest, SendMessageIsValid) {
  EXPECT_EQ(PinnedSchema().ValidateRequest(SendText()), Violations{});
}

TEST(ConformanceRequest, AcceptsWhatTdlibsParserAccepts) {
  json request = SendText();
  request["chat_id"] = "777000";                      // integers as numeric strings
  request["reply_to"] = nullptr;                      // null means default
  request["input_message_content"]["text"].erase("@type");  // concrete class: @type optional
  request["input_message_content"]["clear_draft"] = 1;      // Bool from an integer
  EXPECT_EQ(PinnedSchema().ValidateRequest(request), Violations{});
  json option = {{"@type", "setOption"}, {"name", "x"},
                 {"value", {{"@type", "optionValueInteger"}, {"value", 5}}}};
  EXPECT_EQ(PinnedSchema().ValidateRequest(option), Violations{});  // int64 as number
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "getMe"}}), Violations{});
}

TEST(ConformanceRequest, UnknownMethodIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "sendMesage"}, {"chat_id", 1}}),
            Violations{"$: @type: unknown method \"sendMesage\""});
}

TEST(ConformanceRequest, ClassNameIsNotAMethod) {
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "message"}}),
            Violations{"$: @type: unknown method \"message\""});
}

TEST(ConformanceRequest, MissingTypeIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"chat_id", 1}}),
            Violations{"$: @type: missing or not a string"});
}

TEST(ConformanceRequest, WrongFieldTypeIsReported) {
  json request = SendText();
  request["chat_id"] = true;
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"sendMessage.chat_id: expected integer number or numeric string, got boolean"});
}

TEST(ConformanceRequest, NonNumericStringForIntegerIsReported) {
  json request = SendText();
  request["chat_id"] = "2.5";
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"sendMessage.chat_id: expected integer number or numeric string, got string"});
}

TEST(ConformanceRequest, StringWhereObjectExpectedIsReported) {
  json request = SendText();
  request["input_message_content"]["text"] = "hi";
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"sendMessage.input_message_content.text: expected object, got string"});
}

TEST(ConformanceRequest, UnknownFieldIsReported) {
  json request = SendText();
  request["text"] = "hi";
  EXPECT_EQ(PinnedSchema().ValidateRequest(request), Violations{"sendMessage.text: unknown field"});
}

TEST(ConformanceRequest, UnionWithoutTypeIsReported) {
  json request = SendText();
  request["input_message_content"].erase("@type");
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"sendMessage.input_message_content: missing @type"});
}

// TDLib answers this with 400 "Unknown class" (facts §2.1).
TEST(ConformanceRequest, WrongClassForUnionIsReported) {
  json request = SendText();
  request["input_message_content"] = request["input_message_content"]["text"];
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"sendMessage.input_message_content: class formattedText is not a "
                       "InputMessageContent$Input"});
}

TEST(ConformanceRequest, OutputOnlyClassIsNotAccepted) {
  json request = {{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", "+1"},
                  {"settings", {{"@type", "message"}}}};
  Violations violations = PinnedSchema().ValidateRequest(request);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0],
            "setAuthenticationPhoneNumber.settings: class message is not a "
            "phoneNumberAuthenticationSettings$Input");
}

TEST(ConformanceRequest, DoubleRejectsStrings) {
  json location = {{"@type", "location"}, {"latitude", "52.5"}, {"longitude", 13.4}};
  json request = {{"@type", "setBusinessLocation"},
                  {"location", {{"@type", "businessLocation"}, {"location", location}}}};
  EXPECT_EQ(PinnedSchema().ValidateRequest(request),
            Violations{"setBusinessLocation.location.location.latitude: expected number, got string"});
}

TEST(ConformanceRequest, BytesMustBeBase64) {
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "testCallBytes"}, {"x", "aGk="}}),
            Violations{});
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "testCallBytes"}, {"x", "hi!"}}),
            Violations{"testCallBytes.x: expected base64 string, got string"});
}

TEST(ConformanceRequest, ClientIdIsNotARequestField) {
  EXPECT_EQ(PinnedSchema().ValidateRequest({{"@type", "getMe"}, {"@client_id", 1}}),
            Violations{"getMe: @client_id: not allowed here"});
}

}  // namespace
}  // namespace tgsim::conformance
