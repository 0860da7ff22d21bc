// The MCP methods tgmux answers once the transport (endpoint.cpp) has
// authenticated the caller and settled the protocol revision: ping,
// server/discover, tools/list and tools/call (initialize is the transport's,
// as it makes sessions).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/protocol.h"
#include "mcp/tools.h"

namespace tgmux::mcp {

struct MethodContext {
  service::Services* services = nullptr;
  service::Principal principal;
  Revision revision = Revision::k2025_11_25;
  std::string session_id;  // "" without sessions
  std::string ip;
};

// Receives the JSON-RPC answer message (result or error), once, on any thread.
using Answer = std::function<void(nlohmann::json message)>;

// Answers one request; unknown methods get -32601, bad params -32602.
void Dispatch(const MethodContext& context, const RpcMessage& request, const Answer& answer);

// initialize's and server/discover's description of tgmux.
nlohmann::json ServerInfo();
nlohmann::json ServerCapabilities();
std::string ServerInstructions();

}  // namespace tgmux::mcp
