// A raw MCP client for end-to-end tests: JSON-RPC over POST /mcp with the
// headers each protocol revision wants, so that tests can also break the rules
// on purpose. (The official SDK runs in tests/mcp_client, see mcp_sdk_test.cpp.)
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/http_client.h"

namespace tgmux::testing {

class McpClient {
 public:
  // Talks to tgmux at `port` with `token` (an API key or an access token).
  McpClient(int port, std::string token);

  // POST /mcp with the body as it is, Authorization, Accept (JSON and SSE),
  // the session and protocol version headers once known, then `headers`.
  tgmux::HttpResponse Post(const std::string& body, std::map<std::string, std::string> headers = {}) const;
  tgmux::HttpResponse Post(const nlohmann::json& message, std::map<std::string, std::string> headers = {}) const {
    return Post(message.dump(), std::move(headers));
  }
  // initialize (then notifications/initialized) asking for `version`; keeps the
  // session id and the negotiated version for later requests. Returns the result.
  nlohmann::json Initialize(const std::string& version = "2025-11-25");
  // One request (next id), answered 200 with a JSON-RPC message: returns that message.
  nlohmann::json Request(const std::string& method, const nlohmann::json& params = nlohmann::json::object());
  // tools/call: the CallToolResult (a JSON-RPC error fails the test and gives null).
  nlohmann::json Call(const std::string& tool, const nlohmann::json& arguments = nlohmann::json::object());

  // 2026-07-28: no initialize; every request names the version in _meta and
  // headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name).
  void UseStateless() { version_ = "2026-07-28"; session_.clear(); }
  // The body and headers of a 2026-07-28 request.
  std::pair<nlohmann::json, std::map<std::string, std::string>> StatelessRequest(const std::string& method,
                                                                                 nlohmann::json params, int id) const;

  const std::string& session() const { return session_; }
  const std::string& version() const { return version_; }
  int NextId() { return ++id_; }

 private:
  tgmux::HttpClient http_;
  std::string token_;
  std::string session_;
  std::string version_;
  int id_ = 0;
};

// The structuredContent of a successful CallToolResult (checks the text block holds the same JSON).
nlohmann::json Structured(const nlohmann::json& result);
// The error of a CallToolResult with isError: {code, message}.
nlohmann::json ToolError(const nlohmann::json& result);

}  // namespace tgmux::testing
