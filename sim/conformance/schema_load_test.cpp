#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/conformance/conformance_test_support.h"

namespace tgsim::conformance {
namespace {

using testing::PinnedSchema;

std::filesystem::path WriteTemp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConformanceSchemaLoad, ReadsVersionFromHeader) {
  EXPECT_EQ(PinnedSchema().Version(), "TDLib v1.8.65");
}

TEST(ConformanceSchemaLoad, KnowsClassesAndFunctionsApart) {
  const Schema& schema = PinnedSchema();
  EXPECT_TRUE(schema.IsClass("message"));
  EXPECT_TRUE(schema.IsClass("inputMessageText"));  // declared only as $Input
  EXPECT_TRUE(schema.IsClass("error"));
  EXPECT_FALSE(schema.IsClass("sendMessage"));
  EXPECT_FALSE(schema.IsClass("MessageSender"));  // a union, not a class
  EXPECT_TRUE(schema.IsFunction("sendMessage"));
  EXPECT_TRUE(schema.IsFunction("setTdlibParameters"));
  EXPECT_FALSE(schema.IsFunction("message"));
  EXPECT_FALSE(schema.IsFunction("sendMesage"));
}

TEST(ConformanceSchemaLoad, KnowsSynchronousMethods) {
  const Schema& schema = PinnedSchema();
  EXPECT_TRUE(schema.IsSynchronous("setLogVerbosityLevel"));
  EXPECT_TRUE(schema.IsSynchronous("getOption"));
  EXPECT_FALSE(schema.IsSynchronous("sendMessage"));
}

TEST(ConformanceSchemaLoad, MissingFileThrowsNamingThePath) {
  try {
    Schema::Load("/nonexistent/tdlib-types.d.ts");
    FAIL() << "Load did not throw";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/tdlib-types.d.ts"), std::string::npos);
  }
}

TEST(ConformanceSchemaLoad, ForeignFileThrows) {
  auto path = WriteTemp("conformance_foreign.d.ts", "export const x = 1;\n");
  EXPECT_THROW(Schema::Load(path), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(ConformanceSchemaLoad, UnknownFieldTypeThrowsNamingTheType) {
  auto path = WriteTemp("conformance_badtype.d.ts",
                        "// Types for TDLib v9.9.9 (abc)\n"
                        "declare module 'tdlib-types' {\n"
                        "  export type ok = {\n    _: 'ok',\n    x: Mystery,\n  }\n}\n");
  try {
    Schema::Load(path);
    FAIL() << "Load did not throw";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("Mystery"), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
}

// The .d.ts writes int64 output fields as plain `string`; the table from
// td_api.tl must make them int64, and leave real strings alone.
TEST(ConformanceSchemaLoad, Int64OutputFieldsNeedDigits) {
  const Schema& schema = PinnedSchema();
  nlohmann::json position = {{"@type", "updateChatPosition"},
                             {"chat_id", 1},
                             {"position",
                              {{"@type", "chatPosition"},
                               {"list", {{"@type", "chatListMain"}}},
                               {"order", "9221294780217032704"},
                               {"is_pinned", false}}}};
  EXPECT_TRUE(schema.ValidateOutput(position).empty());
  position["position"]["order"] = "high";
  EXPECT_EQ(schema.ValidateOutput(position),
            std::vector<std::string>{"updateChatPosition.position.order: expected int64 as a "
                                     "string of digits, got string"});
  nlohmann::json option = {{"@type", "optionValueString"}, {"value", "high"}};
  EXPECT_TRUE(schema.ValidateOutput(option).empty());
}

// The .d.ts writes double and int32 both as `number`.
TEST(ConformanceSchemaLoad, DoublesAcceptFractionsIntegersDoNot) {
  const Schema& schema = PinnedSchema();
  nlohmann::json location = {
      {"@type", "location"}, {"latitude", 52.5}, {"longitude", 13.4}, {"horizontal_accuracy", 0.0}};
  EXPECT_TRUE(schema.ValidateOutput(location).empty());
  nlohmann::json code_type = {{"@type", "authenticationCodeTypeSms"}, {"length", 5.5}};
  EXPECT_EQ(schema.ValidateOutput(code_type),
            std::vector<std::string>{
                "authenticationCodeTypeSms.length: expected integer number, got non-integer number"});
}

}  // namespace
}  // namespace tgsim::conformance
