#include "mcp/protocol.h"

#include <gtest/gtest.h>

namespace tgmux::mcp {
namespace {

using nlohmann::json;

RpcCode CodeOf(const std::string& body) {
  try {
    ParseMessage(body);
  } catch (const RpcError& e) {
    EXPECT_EQ(e.http_status(), 400) << body;
    return e.code();
  }
  ADD_FAILURE() << "accepted: " << body;
  return RpcCode::kInternal;
}

TEST(McpProtocol, ParsesRequestsAndNotifications) {
  auto request = ParseMessage(R"({"jsonrpc":"2.0","id":"a1","method":"tools/list","params":{"cursor":"0"}})");
  EXPECT_EQ(request.id, "a1");
  EXPECT_EQ(request.method, "tools/list");
  EXPECT_EQ(request.params["cursor"], "0");
  EXPECT_FALSE(request.notification);
  auto note = ParseMessage(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_TRUE(note.notification);
  EXPECT_TRUE(note.params.is_object());
  // A client's answer to a server request is taken like a notification.
  EXPECT_TRUE(ParseMessage(R"({"jsonrpc":"2.0","id":3,"result":{}})").notification);
}

TEST(McpProtocol, RefusesWhatIsNotOneJsonRpcRequest) {
  EXPECT_EQ(CodeOf("{nope"), RpcCode::kParseError);
  EXPECT_EQ(CodeOf(""), RpcCode::kParseError);
  EXPECT_EQ(CodeOf(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(R"({"jsonrpc":"1.0","id":1,"method":"ping"})"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(R"({"jsonrpc":"2.0","id":1})"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})"), RpcCode::kInvalidRequest);
  EXPECT_EQ(CodeOf("42"), RpcCode::kInvalidRequest);
}

TEST(McpProtocol, ErrorMessagesCarryCodeAndData) {
  json message = ErrorMessage(7, RpcError(RpcCode::kRateLimited, "slow down", 429, {{"retry_after", 12}}));
  EXPECT_EQ(message, json({{"jsonrpc", "2.0"},
                           {"id", 7},
                           {"error", {{"code", -31429}, {"message", "slow down"}, {"data", {{"retry_after", 12}}}}}}));
  EXPECT_FALSE(ErrorMessage(nullptr, RpcError(RpcCode::kParseError, "x"))["error"].contains("data"));
}

TEST(McpProtocol, NegotiatesRevisions) {
  EXPECT_EQ(RevisionName(NegotiateInitialize("2025-06-18")), "2025-06-18");
  EXPECT_EQ(RevisionName(NegotiateInitialize("2026-07-28")), "2026-07-28");
  EXPECT_EQ(RevisionName(NegotiateInitialize("2024-11-05")), "2025-11-25");
  EXPECT_EQ(RevisionName(NegotiateInitialize("")), "2025-11-25");
  EXPECT_TRUE(HasSessions(Revision::k2025_06_18));
  EXPECT_FALSE(HasSessions(Revision::k2026_07_28));
  EXPECT_EQ(SupportedRevisions(), json({"2025-06-18", "2025-11-25", "2026-07-28"}));
}

TEST(McpProtocol, SessionsBelongToWhoMadeThem) {
  Sessions sessions;
  std::string id = sessions.Create("api_key:key_1", Revision::k2025_06_18);
  EXPECT_EQ(id.rfind("mcps_", 0), 0u);
  ASSERT_TRUE(sessions.Use(id, "api_key:key_1"));
  EXPECT_EQ(sessions.Use(id, "api_key:key_1")->revision, Revision::k2025_06_18);
  EXPECT_FALSE(sessions.Use(id, "user:usr_2"));
  EXPECT_FALSE(sessions.End(id, "user:usr_2"));
  EXPECT_TRUE(sessions.End(id, "api_key:key_1"));
  EXPECT_FALSE(sessions.Use(id, "api_key:key_1"));
}

TEST(McpProtocol, OneCallerKeepsABoundedNumberOfSessions) {
  Sessions sessions;
  std::string first = sessions.Create("user:usr_1", Revision::k2025_11_25);
  std::string other = sessions.Create("user:usr_2", Revision::k2025_11_25);
  for (std::size_t i = 0; i < Sessions::kPerOwner; ++i) sessions.Create("user:usr_1", Revision::k2025_11_25);
  EXPECT_FALSE(sessions.Use(first, "user:usr_1")) << "the least recently used one ended";
  EXPECT_TRUE(sessions.Use(other, "user:usr_2")) << "another caller's stay";
}

}  // namespace
}  // namespace tgmux::mcp
