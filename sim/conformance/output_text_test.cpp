#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "sim/conformance/conformance_test_support.h"
#include "tests/support/build_paths.h"

namespace tgsim::conformance {
namespace {

using testing::PinnedSchema;
using Violations = std::vector<std::string>;

// Every line real TDLib 1.8.67 wrote while starting offline, up to close
// (a copy of /work/shared/tdlib-1.8.67-offline-startup.jsonl).
TEST(ConformanceOutputText, RealTdlibStartupCaptureIsValid) {
  std::ifstream capture(std::string(TGMUX_SOURCE_DIR) + "/sim/conformance/testdata/tdlib-1.8.67-offline-startup.jsonl");
  ASSERT_TRUE(capture) << "capture file missing";
  std::string line;
  int checked = 0;
  while (std::getline(capture, line)) {
    if (line.empty() || line.starts_with("//")) continue;  // the capture's own notes
    EXPECT_EQ(PinnedSchema().ValidateOutputText(line), Violations{}) << line;
    ++checked;
  }
  EXPECT_EQ(checked, 132);
}

TEST(ConformanceOutputText, HandMadeObjectsAreValid) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(testing::NewMessageText()), Violations{});
  EXPECT_EQ(PinnedSchema().ValidateOutputText(testing::WaitCodeText()), Violations{});
  EXPECT_EQ(PinnedSchema().ValidateOutputText(
                R"({"@type":"error","code":400,"message":"Bad","@extra":{"z":1,"a":[null]},)"
                R"("@client_id":2})"),
            Violations{});
}

TEST(ConformanceOutputText, TypeNotFirstIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(
                R"({"authorization_state":{"@type":"authorizationStateClosed"},)"
                R"("@type":"updateAuthorizationState"})"),
            Violations{"updateAuthorizationState: @type is not the first key"});
}

TEST(ConformanceOutputText, NestedTypeNotFirstIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(
                R"({"@type":"updateOption","name":"x","value":{"value":"1",)"
                R"("@type":"optionValueInteger"}})"),
            Violations{"updateOption.value: @type is not the first key"});
}

TEST(ConformanceOutputText, RawNonAsciiIsReported) {
  std::string line = R"({"@type":"error","code":400,"message":"Привет"})";
  EXPECT_EQ(PinnedSchema().ValidateOutputText(line),
            Violations{"$: raw non-ASCII byte 0xd0 at offset 39 (TDLib writes \\uXXXX escapes)"});
}

TEST(ConformanceOutputText, FieldsOutOfSchemaOrderAreReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(R"({"@type":"error","message":"Bad","code":400})"),
            Violations{"error.code: field out of schema order (TDLib writes it before message)"});
}

TEST(ConformanceOutputText, ClientIdBeforeExtraIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(R"({"@type":"ok","@client_id":1,"@extra":"p"})"),
            Violations{"ok: @extra after @client_id"});
}

TEST(ConformanceOutputText, FieldAfterExtraIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(
                R"({"@type":"error","code":400,"@extra":"p","message":"Bad"})"),
            Violations{"error.message: schema field after @extra/@client_id"});
}

// What a simulator built on a sorted-key nlohmann::json would write.
TEST(ConformanceOutputText, SortedKeyDumpIsReported) {
  std::string sorted = testing::NewMessage().dump();
  Violations violations = PinnedSchema().ValidateOutputText(sorted);
  EXPECT_NE(std::find(violations.begin(), violations.end(),
                      "updateNewMessage: @type is not the first key"),
            violations.end());
  EXPECT_NE(std::find(violations.begin(), violations.end(),
                      "updateNewMessage.message.sender_id: field out of schema order (TDLib "
                      "writes it before sender_business_bot_user_id)"),
            violations.end());
}

TEST(ConformanceOutputText, NullObjectFieldIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(
                R"({"@type":"authenticationCodeInfo","phone_number":"+1","type":{"@type":)"
                R"("authenticationCodeTypeSms","length":5},"next_type":null,"timeout":0})"),
            Violations{"authenticationCodeInfo.next_type: null value (TDLib omits null fields)"});
}

TEST(ConformanceOutputText, InvalidJsonIsReported) {
  EXPECT_EQ(PinnedSchema().ValidateOutputText(R"({"@type":"ok")"), Violations{"$: invalid JSON"});
}

}  // namespace
}  // namespace tgsim::conformance
