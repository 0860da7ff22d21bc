// PATCH /v1/api-keys/{id} {"mcp"}: an API key's MCP settings changed (kept
// apart from the settings' reading in mcp_settings.cpp, which needs nothing but
// the JSON and the store, so that the fuzz targets read it alone).
#include <set>

#include "service/accounts/accounts.h"
#include "service/auth/audit.h"
#include "service/auth/mcp_settings.h"

namespace tgmux::service {

std::pair<store::ApiKey, McpSettings> SetApiKeyMcp(store::Store& store, AccountService& accounts, AuditLog& audit, const Principal& caller,
                           const std::string& key_id, const nlohmann::json& body, const std::string& ip) {
  std::optional<store::ApiKey> key;
  for (auto& row : store.ListApiKeys(caller.tenant_id)) {
    if (row.id == key_id && row.revoked_at == 0) key = std::move(row);
  }
  if (!key) throw Error(ErrorCode::kNotFound, "no API key " + key_id);
  if (!body.is_object() || !body.contains("mcp")) InvalidField("mcp", "is required");
  McpSettings settings = ParseMcpSettings(body.at("mcp"), ApiKeyMcpSettings(store, key_id));
  if (settings.accounts) {
    std::set<std::string> own;
    for (const auto& account : accounts.List(caller.tenant_id)) own.insert(account.id);
    for (const auto& id : *settings.accounts) {
      if (!own.count(id)) InvalidField("mcp.accounts", "no account " + id + " in this tenant");
    }
  }
  store.SetMeta(McpSettingsMetaKey(key_id), McpSettingsJson(settings).dump());
  audit.Record(caller.tenant_id, "api_key_mcp_changed", caller.id, ip, {{"key_id", key_id}, {"mcp", McpSettingsJson(settings)}});
  return {*key, settings};
}

}  // namespace tgmux::service
