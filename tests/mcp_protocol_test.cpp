// End-to-end: the MCP endpoint's protocol (docs/mcp.md): version negotiation
// for each revision tgmux speaks, the session rules of the revisions that have
// sessions, 2026-07-28's headers, the Origin check, JSON-RPC's error codes,
// notifications, answers as Server-Sent Events, authentication and the rate
// limit, each as a client on the wire sees it.
#include "tests/support/linked_gateway.h"
#include "tests/support/mcp_client.h"
#include "tests/support/startup_errors.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAppOrigin = "https://app.example.com";

class McpProtocolTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_CORS_ORIGINS", kAppOrigin}});
  }
  McpClient Client() { return McpClient(gateway_->port(), owner_["access_token"]); }
  std::string ApiKey(const std::string& name) {
    auto key = http().Post("/v1/api-keys", {{"name", name}});
    EXPECT_EQ(key.status, 201) << key.body;
    return key.Json()["key"];
  }
  // The JSON-RPC error of an answer, checking its HTTP status.
  static json ErrorOf(const tgmux::HttpResponse& answer, int status) {
    EXPECT_EQ(answer.status, status) << answer.body;
    auto body = json::parse(answer.body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << answer.body;
    return body.is_object() && body.contains("error") ? body["error"] : json(nullptr);
  }
};

TEST_F(McpProtocolTest, NegotiatesEachRevision) {
  for (std::string version : {"2025-06-18", "2025-11-25"}) {
    McpClient client = Client();
    json result = client.Initialize(version);
    EXPECT_EQ(result["protocolVersion"], version);
    EXPECT_EQ(result["serverInfo"]["name"], "tgmux");
    EXPECT_TRUE(result["capabilities"].contains("tools"));
    EXPECT_FALSE(client.session().empty()) << version << " has sessions";
    EXPECT_EQ(client.Request("ping")["result"], json::object()) << version;
  }
  // A version tgmux does not speak gets the newest one that has initialize.
  McpClient old = Client();
  EXPECT_EQ(old.Initialize("2024-11-05")["protocolVersion"], "2025-11-25");
  EXPECT_FALSE(old.session().empty());

  // 2026-07-28 has no sessions: initialize hands out none, and nothing needs one.
  McpClient modern = Client();
  EXPECT_EQ(modern.Initialize("2026-07-28")["protocolVersion"], "2026-07-28");
  EXPECT_TRUE(modern.session().empty());
  McpClient stateless = Client();
  stateless.UseStateless();
  json discovered = stateless.Request("server/discover")["result"];
  EXPECT_EQ(discovered["supportedVersions"], json({"2025-06-18", "2025-11-25", "2026-07-28"}));
  EXPECT_EQ(discovered["serverInfo"]["name"], "tgmux");
  EXPECT_EQ(discovered["resultType"], "complete");
  json tools = stateless.Request("tools/list")["result"];
  EXPECT_EQ(tools["tools"].size(), 7u);
  EXPECT_EQ(tools["resultType"], "complete");
  EXPECT_EQ(stateless.Request("ping")["result"]["resultType"], "complete");
}

TEST_F(McpProtocolTest, SessionsAreRequiredOwnedAndEnded) {
  McpClient client = Client();
  client.Initialize();
  json ping = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}};
  EXPECT_EQ(ErrorOf(client.Post(ping, {{"Mcp-Session-Id", ""}}), 400)["code"], -32600);
  EXPECT_EQ(ErrorOf(client.Post(ping, {{"Mcp-Session-Id", "mcps_unknown"}}), 404)["code"], -32600);
  // Another caller (an API key of the same tenant) cannot use it.
  McpClient other(gateway_->port(), ApiKey("other"));
  EXPECT_EQ(other.Post(ping, {{"Mcp-Session-Id", client.session()}, {"MCP-Protocol-Version", "2025-11-25"}}).status, 404);
  EXPECT_EQ(client.Post(ping).status, 200);

  std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + owner_["access_token"].get<std::string>()}};
  EXPECT_EQ(gateway_->Anonymous().Request("DELETE", "/mcp", "", auth).status, 400);
  auth["Mcp-Session-Id"] = client.session();
  EXPECT_EQ(gateway_->Anonymous().Request("DELETE", "/mcp", "", auth).status, 204);
  EXPECT_EQ(client.Post(ping).status, 404) << "an ended session is gone";
  EXPECT_EQ(gateway_->Anonymous().Request("DELETE", "/mcp", "", auth).status, 404);

  // No server-initiated stream: GET is 405 and says what is allowed.
  auto get = gateway_->Anonymous().Request("GET", "/mcp", "", auth);
  EXPECT_EQ(get.status, 405) << get.body;
  EXPECT_NE(get.Header("allow").find("POST"), std::string::npos) << get.Header("allow");
  EXPECT_NE(get.Header("allow").find("DELETE"), std::string::npos) << get.Header("allow");
}

TEST_F(McpProtocolTest, StatelessRevisionChecksItsHeaders) {
  McpClient client = Client();
  client.UseStateless();
  auto [body, headers] = client.StatelessRequest("tools/call", {{"name", "list_accounts"}}, 7);
  auto answer = client.Post(body, headers);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["id"], 7);
  EXPECT_EQ(answer.Json()["result"]["isError"], false);
  // A stray session id means nothing in 2026-07-28.
  auto stray = headers;
  stray["Mcp-Session-Id"] = "mcps_whatever";
  EXPECT_EQ(client.Post(body, stray).status, 200);

  auto changed = [&](const std::string& name, const std::string& value) {
    auto h = headers;
    h[name] = value;
    return ErrorOf(client.Post(body, h), 400);
  };
  EXPECT_EQ(changed("Mcp-Method", "tools/list")["code"], -32001);
  EXPECT_EQ(changed("Mcp-Method", "")["code"], -32001);
  EXPECT_EQ(changed("Mcp-Name", "send_message")["code"], -32001);
  EXPECT_EQ(changed("MCP-Protocol-Version", "")["code"], -32001);
  // _meta and the header disagree.
  json other_meta = body;
  other_meta["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01";
  EXPECT_EQ(ErrorOf(client.Post(other_meta, headers), 400)["code"], -32001);
  // Both name a version tgmux does not speak: UnsupportedProtocolVersionError.
  auto future = headers;
  future["MCP-Protocol-Version"] = "2099-01-01";
  json error = ErrorOf(client.Post(other_meta, future), 400);
  EXPECT_EQ(error["code"], -32022);
  EXPECT_EQ(error["data"]["requested"], "2099-01-01");
  EXPECT_EQ(error["data"]["supported"], json({"2025-06-18", "2025-11-25", "2026-07-28"}));
}

TEST_F(McpProtocolTest, UnsupportedProtocolVersionHeaderIs400) {
  McpClient client = Client();
  client.Initialize("2025-06-18");
  json ping = {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}};
  EXPECT_EQ(client.Post(ping, {{"MCP-Protocol-Version", "2025-06-18"}}).status, 200);
  json error = ErrorOf(client.Post(ping, {{"MCP-Protocol-Version", "1999-01-01"}}), 400);
  EXPECT_EQ(error["data"]["requested"], "1999-01-01");
  // A supported version that is not the session's.
  ErrorOf(client.Post(ping, {{"MCP-Protocol-Version", "2025-11-25"}}), 400);
}

TEST_F(McpProtocolTest, OriginIsCheckedBeforeAuthentication) {
  json ping = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}};
  // A page elsewhere (a DNS-rebinding attack) is refused, credentials or not.
  auto anonymous = gateway_->Anonymous().Request("POST", "/mcp", ping.dump(), {{"Origin", "http://evil.example"}});
  EXPECT_EQ(anonymous.status, 403) << anonymous.body;
  McpClient client = Client();
  client.Initialize();
  EXPECT_EQ(ErrorOf(client.Post(ping, {{"Origin", "http://evil.example"}}), 403)["code"], -32600);
  EXPECT_EQ(client.Post(ping, {{"Origin", "http://127.0.0.1.evil.example"}}).status, 403);
  // Loopback pages and the configured origin are fine; no Origin (not a browser) too.
  EXPECT_EQ(client.Post(ping, {{"Origin", "http://localhost:6274"}}).status, 200);
  EXPECT_EQ(client.Post(ping, {{"Origin", "http://127.0.0.1:3000"}}).status, 200);
  EXPECT_EQ(client.Post(ping, {{"Origin", kAppOrigin}}).status, 200);
  EXPECT_EQ(client.Post(ping).status, 200);
  // Without credentials, an allowed origin gets 401.
  EXPECT_EQ(gateway_->Anonymous().Request("POST", "/mcp", ping.dump(), {{"Origin", kAppOrigin}}).status, 401);
}

TEST_F(McpProtocolTest, JsonRpcErrorsHaveTheSpecsCodes) {
  McpClient client = Client();
  client.Initialize();
  json parse = ErrorOf(client.Post(std::string("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ")), 400);
  EXPECT_EQ(parse["code"], -32700);
  EXPECT_EQ(ErrorOf(client.Post(std::string("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]")), 400)["code"],
            -32600) << "batches are not part of these revisions";
  EXPECT_EQ(ErrorOf(client.Post(json{{"id", 1}, {"method", "ping"}}), 400)["code"], -32600);
  EXPECT_EQ(ErrorOf(client.Post(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", 5}}), 400)["code"], -32600);
  EXPECT_EQ(ErrorOf(client.Post(json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "ping"}}), 400)["code"], -32600);

  json unknown = client.Request("resources/list");
  EXPECT_EQ(unknown["error"]["code"], -32601);
  EXPECT_EQ(unknown["id"], client.NextId() - 1) << "the answer names the request";
  EXPECT_EQ(client.Request("tools/call", {{"arguments", json::object()}})["error"]["code"], -32602);
  EXPECT_EQ(client.Request("tools/call", {{"name", "format_disk"}})["error"]["code"], -32602);
  EXPECT_EQ(client.Request("tools/call", {{"name", "list_chats"}, {"arguments", "acc"}})["error"]["code"], -32602);
  EXPECT_EQ(client.Request("tools/list", {{"cursor", "not-ours"}})["error"]["code"], -32602);
  // Arguments that do not fit the tool's schema: a tool error naming the field, for the model to fix.
  json bad = client.Call("list_chats", {{"account", "acc_x"}, {"limit", 1000}});
  EXPECT_NE(ToolError(bad)["message"].get<std::string>().find("arguments.limit"), std::string::npos) << bad.dump();
  json missing = client.Call("read_messages", {{"account", "acc_x"}});
  EXPECT_NE(ToolError(missing)["message"].get<std::string>().find("arguments.chat"), std::string::npos);
}

TEST_F(McpProtocolTest, NotificationsGet202AndNoBody) {
  McpClient client = Client();
  client.Initialize();
  auto answer = client.Post(json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}});
  EXPECT_EQ(answer.status, 202);
  EXPECT_TRUE(answer.body.empty()) << answer.body;
}

TEST_F(McpProtocolTest, AnswersAsOneServerSentEventWhenAcceptPrefersIt) {
  McpClient client = Client();
  client.Initialize();
  json list = {{"jsonrpc", "2.0"}, {"id", 42}, {"method", "tools/list"}};
  for (std::string accept : {"text/event-stream", "application/json;q=0.5, text/event-stream"}) {
    auto answer = client.Post(list, {{"Accept", accept}});
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.Header("content-type").rfind("text/event-stream", 0), 0u) << accept;
    ASSERT_EQ(answer.body.rfind("event: message\ndata: ", 0), 0u) << answer.body;
    auto data = answer.body.substr(std::string("event: message\ndata: ").size());
    EXPECT_EQ(data.substr(data.size() - 2), "\n\n");
    json message = json::parse(data);
    EXPECT_EQ(message["id"], 42);
    EXPECT_EQ(message["result"]["tools"].size(), 7u);
  }
  auto plain = client.Post(list);
  EXPECT_EQ(plain.Header("content-type").rfind("application/json", 0), 0u) << "equal preference: JSON";
}

TEST_F(McpProtocolTest, NeedsCredentialsOfAnOperator) {
  json ping = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}};
  EXPECT_EQ(gateway_->Anonymous().Request("POST", "/mcp", ping.dump()).status, 401);
  McpClient wrong(gateway_->port(), "tgmux_not_a_key");
  EXPECT_EQ(wrong.Post(ping).status, 401);
  McpClient key(gateway_->port(), ApiKey("assistant"));
  EXPECT_EQ(key.Initialize()["protocolVersion"], "2025-11-25");
}

TEST_F(McpProtocolTest, RateLimitAnswers429WithRetryAfter) {
  StartGateway({{"TGMUX_MCP_CALLS_PER_MINUTE", "3"}});
  McpClient client = Client();
  client.Initialize();  // 1
  EXPECT_EQ(client.Request("ping")["result"], json::object());  // 2
  EXPECT_EQ(client.Request("tools/list")["result"]["tools"].size(), 7u);  // 3
  json ping = {{"jsonrpc", "2.0"}, {"id", 9}, {"method", "ping"}};
  auto limited = client.Post(ping);
  json error = ErrorOf(limited, 429);
  EXPECT_EQ(error["code"], -31429);
  int retry_after = error["data"]["retry_after"];
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(limited.Header("retry-after"), std::to_string(retry_after));
  EXPECT_EQ(limited.Json()["id"], 9);
  // Notifications are not counted; another key has its own budget.
  EXPECT_EQ(client.Post(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).status, 202);
  McpClient other(gateway_->port(), ApiKey("other"));
  EXPECT_EQ(other.Initialize()["protocolVersion"], "2025-11-25");
}

TEST_F(McpProtocolTest, BadRateLimitSettingStopsTgmux) {
  ExpectStopsWithOneLine({{"TGMUX_MCP_CALLS_PER_MINUTE", "0"}}, "TGMUX_MCP_CALLS_PER_MINUTE");
  ExpectStopsWithOneLine({{"TGMUX_MCP_CALLS_PER_MINUTE", "many"}}, "TGMUX_MCP_CALLS_PER_MINUTE");
}

}  // namespace
}  // namespace tgmux::testing
