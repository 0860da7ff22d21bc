// The MCP tools (docs/mcp.md, Tools): each with its JSON Schemas, run over
// the same services as the REST API, inside the caller's tenant and its key's
// MCP settings. Results are CallToolResults: structuredContent matching the
// tool's outputSchema plus one text block with the same JSON; failures a model
// can act on (unknown account, not allowed, bad arguments, Telegram's errors)
// are results with isError. Text other people wrote (messages, names, chat
// titles) is only ever inside an "untrusted_content" object.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "service/auth/mcp_settings.h"
#include "service/services.h"

namespace tgmux::mcp {

// One tools/call as the tool sees it.
struct ToolCall {
  service::Services* services = nullptr;
  service::Principal principal;
  service::McpSettings settings;
  std::string session_id;    // "" in 2026-07-28, which has no sessions
  nlohmann::json rpc_id;     // the JSON-RPC id of the call
  nlohmann::json arguments;  // validated against the tool's inputSchema
  std::string ip;
};

// Receives the CallToolResult, once, on any thread.
using ToolDone = std::function<void(nlohmann::json result)>;

struct Tool {
  std::string_view name;
  std::string_view title;
  std::string description;
  nlohmann::json input_schema;
  nlohmann::json output_schema;
  bool read_only = true;
  // Throws Error for failures known at once; later ones go to done as ToolFailure.
  std::function<void(const ToolCall&, const ToolDone&)> run = nullptr;
};

// Every tool, in the order of service::kMcpTools.
const std::vector<Tool>& Tools();
// The tool named `name`, or null.
const Tool* FindTool(std::string_view name);
// tools/list's entry: {name, title, description, inputSchema, outputSchema, annotations}.
nlohmann::json ToolListing(const Tool& tool);

// A successful result: structuredContent and the same JSON as text.
nlohmann::json ToolResult(nlohmann::json structured);
// A failed one (isError): {"error": {code, message, retry_after?}} as text.
nlohmann::json ToolFailure(const Error& error);

// The arguments' problems against a tool's inputSchema (the subset of JSON
// Schema the tools use: object, properties, required, additionalProperties,
// type, enum, minimum, maximum, minLength, maxLength); "" when they conform.
std::string SchemaProblem(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path);

// The read tools (read_tools.cpp) and send_message (send_tool.cpp).
std::vector<Tool> ReadTools();
Tool SendTool();

// Shared by the tools: the account named by arguments["account"], checked to
// be the caller's tenant's and allowed by its key (Error not_found otherwise,
// worded the same either way, so that a narrowed key learns nothing more).
std::string AllowedAccount(const ToolCall& call);
// A JSON Schema for one tgmux account id argument.
nlohmann::json AccountArgument();

}  // namespace tgmux::mcp
