#include "tests/support/mcp_client.h"

#include <gtest/gtest.h>

namespace tgmux::testing {

using nlohmann::json;

McpClient::McpClient(int port, std::string token) : http_("127.0.0.1", port), token_(std::move(token)) {}

tgmux::HttpResponse McpClient::Post(const std::string& body, std::map<std::string, std::string> headers) const {
  std::map<std::string, std::string> all = {{"Authorization", "Bearer " + token_},
                                            {"Content-Type", "application/json"},
                                            {"Accept", "application/json, text/event-stream"}};
  if (!session_.empty()) all["Mcp-Session-Id"] = session_;
  if (!version_.empty()) all["MCP-Protocol-Version"] = version_;
  for (auto& [name, value] : headers) all[name] = value;
  // A header given as "" is left out.
  std::erase_if(all, [](const auto& header) { return header.second.empty(); });
  return http_.Request("POST", "/mcp", body, all);
}

json McpClient::Initialize(const std::string& version) {
  session_.clear();
  version_.clear();
  json init = {{"jsonrpc", "2.0"},
               {"id", NextId()},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", version},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "tgmux-test"}, {"version", "1"}}}}}};
  auto answer = Post(init);
  EXPECT_EQ(answer.status, 200) << answer.body;
  if (answer.status != 200) return nullptr;
  json result = answer.Json()["result"];
  session_ = answer.Header("mcp-session-id");
  version_ = result["protocolVersion"];
  if (session_.empty()) return result;  // 2026-07-28: no handshake to finish
  auto initialized = Post(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  EXPECT_EQ(initialized.status, 202) << initialized.body;
  return result;
}

std::pair<json, std::map<std::string, std::string>> McpClient::StatelessRequest(const std::string& method,
                                                                                json params, int id) const {
  params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                     {"io.modelcontextprotocol/clientInfo", {{"name", "tgmux-test"}, {"version", "1"}}},
                     {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  std::map<std::string, std::string> headers = {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", method}};
  if (method == "tools/call") headers["Mcp-Name"] = params.value("name", "");
  return {{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}, headers};
}

json McpClient::Request(const std::string& method, const json& params) {
  tgmux::HttpResponse answer;
  if (version_ == "2026-07-28") {
    auto [body, headers] = StatelessRequest(method, params, NextId());
    answer = Post(body, headers);
  } else {
    answer = Post(json{{"jsonrpc", "2.0"}, {"id", NextId()}, {"method", method}, {"params", params}});
  }
  EXPECT_EQ(answer.status, 200) << method << ": " << answer.body;
  if (answer.status != 200) return nullptr;
  return answer.Json();
}

json McpClient::Call(const std::string& tool, const json& arguments) {
  json message = Request("tools/call", {{"name", tool}, {"arguments", arguments}});
  EXPECT_TRUE(message.contains("result")) << tool << ": " << message.dump();
  return message.contains("result") ? message["result"] : json(nullptr);
}

json Structured(const json& result) {
  EXPECT_EQ(result.value("isError", true), false) << result.dump();
  if (!result.is_object() || !result.contains("structuredContent")) return nullptr;
  EXPECT_EQ(json::parse(result["content"][0]["text"].get<std::string>()), result["structuredContent"]);
  return result["structuredContent"];
}

json ToolError(const json& result) {
  EXPECT_EQ(result.value("isError", false), true) << result.dump();
  if (!result.is_object() || !result.contains("content")) return nullptr;
  return json::parse(result["content"][0]["text"].get<std::string>())["error"];
}

}  // namespace tgmux::testing
