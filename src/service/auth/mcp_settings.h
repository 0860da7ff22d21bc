// What an API key may do over MCP (docs/mcp.md, Safety settings): which of the
// tenant's accounts its tools see, which tools it is offered, and whether it
// may send at all. Stored as JSON text in the store's meta table under
// "mcp_settings/<key id>" (no schema change, so both stores keep it alike); a
// key without settings, and every app user's access token, gets the defaults:
// every account, every tool, sending allowed.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/auth/audit.h"
#include "service/auth/principal.h"

namespace tgmux::service {

// Every MCP tool tgmux offers, in the order tools/list shows them.
inline constexpr std::array<std::string_view, 7> kMcpTools = {
    "list_accounts", "list_chats", "read_messages", "get_unread", "search_messages", "mark_read", "send_message"};
// The tools that change something at Telegram besides reading (`send` false withholds send_message only).
inline constexpr std::string_view kMcpSendTool = "send_message";

struct McpSettings {
  std::optional<std::vector<std::string>> accounts;  // nullopt: all the tenant's accounts
  std::optional<std::vector<std::string>> tools;     // nullopt: every tool
  bool send = true;

  bool AllowsAccount(const std::string& account_id) const;
  // A tool this caller is offered: listed (or all), and send_message only with `send`.
  bool AllowsTool(std::string_view tool) const;
};

// {"accounts": [...] | null, "tools": [...] | null, "send": bool}.
nlohmann::json McpSettingsJson(const McpSettings& settings);
// The settings stored as `text` ("" or unreadable: the defaults).
McpSettings StoredMcpSettings(const std::string& text);
// Where an API key's settings are kept (the store's meta).
std::string McpSettingsMetaKey(const std::string& key_id);
// The key's settings as stored (the defaults when it has none).
McpSettings ApiKeyMcpSettings(store::Store& store, const std::string& key_id);
// Reads a PATCH body's "mcp" object; members left out keep `current`'s value.
// Error(invalid_request) naming the field ("mcp.tools: unknown tool \"x\"").
McpSettings ParseMcpSettings(const nlohmann::json& mcp, const McpSettings& current);

// The settings of the caller: its key's, or the defaults for app users.
McpSettings McpSettingsOf(store::Store& store, const Principal& caller);

// PATCH /v1/api-keys/{id} {"mcp": {...}}: validates (every account named must
// be the tenant's), stores, audits (api_key_mcp_changed) and returns the key as
// changed and its settings. Errors: invalid_request naming the field,
// not_found (unknown, revoked or another tenant's key).
std::pair<store::ApiKey, McpSettings> SetApiKeyMcp(store::Store& store, AccountService& accounts, AuditLog& audit, const Principal& caller,
                           const std::string& key_id, const nlohmann::json& body, const std::string& ip);

}  // namespace tgmux::service
