// The MCP endpoint (docs/mcp.md): MCP's Streamable HTTP transport on /mcp.
// POST carries one JSON-RPC message and is answered with JSON or one
// Server-Sent Event, as the client's Accept prefers; DELETE ends a session;
// GET is 405 (no server-initiated stream). Requests from a browser Origin that
// is neither loopback nor one of TGMUX_CORS_ORIGINS are refused before
// authentication (403). Callers authenticate like on the REST API (Bearer API
// key or access token, operator role at least).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/router.h"
#include "service/services.h"

namespace tgmux::mcp {

struct EndpointOptions {
  // Browser origins allowed besides loopback ones (TGMUX_CORS_ORIGINS).
  std::vector<std::string> origins;
  // Requests (POST /mcp) per API key or user per minute.
  int calls_per_minute = 120;
};

// TGMUX_MCP_CALLS_PER_MINUTE from the environment (120 when unset); throws
// config::ConfigError naming it for anything but a whole number 1..1000000.
int CallsPerMinuteSetting(const std::map<std::string, std::string>& env);

void RegisterMcpRoutes(api::Router& router, service::Services& services, EndpointOptions options);

}  // namespace tgmux::mcp
