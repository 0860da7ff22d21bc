#include "service/auth/mcp_settings.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

using nlohmann::json;

std::string ProblemWith(const json& mcp) {
  try {
    ParseMcpSettings(mcp, McpSettings{});
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidRequest);
    return e.what();
  }
  ADD_FAILURE() << "accepted " << mcp.dump();
  return "";
}

TEST(McpSettings, DefaultsAllowEverything) {
  McpSettings settings = StoredMcpSettings("");
  EXPECT_TRUE(settings.AllowsAccount("acc_1"));
  for (auto tool : kMcpTools) EXPECT_TRUE(settings.AllowsTool(tool)) << tool;
  EXPECT_EQ(McpSettingsJson(settings), json({{"accounts", nullptr}, {"tools", nullptr}, {"send", true}}));
}

TEST(McpSettings, NarrowAccountsToolsAndSending) {
  McpSettings settings = ParseMcpSettings({{"accounts", {"acc_1", "acc_1"}}, {"send", false}}, McpSettings{});
  EXPECT_TRUE(settings.AllowsAccount("acc_1"));
  EXPECT_FALSE(settings.AllowsAccount("acc_2"));
  EXPECT_FALSE(settings.AllowsTool("send_message"));
  EXPECT_TRUE(settings.AllowsTool("read_messages"));
  EXPECT_EQ(settings.accounts->size(), 1u) << "listed once";
  // Members left out keep their value; null means all again.
  McpSettings next = ParseMcpSettings({{"tools", {"send_message", "list_accounts"}}, {"accounts", nullptr}}, settings);
  EXPECT_FALSE(next.accounts);
  EXPECT_FALSE(next.AllowsTool("send_message")) << "send stays false";
  EXPECT_FALSE(next.AllowsTool("read_messages"));
  EXPECT_TRUE(next.AllowsTool("list_accounts"));
  EXPECT_EQ(StoredMcpSettings(McpSettingsJson(next).dump()).tools, next.tools) << "stored and read back";
}

TEST(McpSettings, BadSettingsNameTheField) {
  EXPECT_NE(ProblemWith({{"tools", {"format_disk"}}}).find("mcp.tools"), std::string::npos);
  EXPECT_NE(ProblemWith({{"tools", "list_accounts"}}).find("mcp.tools"), std::string::npos);
  EXPECT_NE(ProblemWith({{"accounts", {""}}}).find("mcp.accounts"), std::string::npos);
  EXPECT_NE(ProblemWith({{"send", 1}}).find("mcp.send"), std::string::npos);
  EXPECT_NE(ProblemWith({{"colour", "red"}}).find("mcp.colour"), std::string::npos);
  EXPECT_NE(ProblemWith(json::array()).find("mcp"), std::string::npos);
}

TEST(McpSettings, AnUnreadableStoredValueAllowsNothing) {
  McpSettings settings = StoredMcpSettings(R"({"tools": ["no_such_tool"]})");
  EXPECT_FALSE(settings.AllowsAccount("acc_1"));
  EXPECT_FALSE(settings.AllowsTool("list_accounts"));
}

}  // namespace
}  // namespace tgmux::service
