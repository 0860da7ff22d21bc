#include "service/auth/mcp_settings.h"

#include <algorithm>
#include <set>

namespace tgmux::service {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A list of distinct non-empty strings, or null (all).
std::optional<std::vector<std::string>> ReadList(const nlohmann::json& value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_array()) InvalidField(field, "must be a list of strings, or null for all");
  if (value.size() > 1000) InvalidField(field, "may name at most 1000 items");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string() || item.get<std::string>().empty()) InvalidField(field, "must hold non-empty strings only");
    if (!Contains(out, item.get<std::string>())) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string McpSettingsMetaKey(const std::string& key_id) { return "mcp_settings/" + key_id; }

McpSettings ApiKeyMcpSettings(store::Store& store, const std::string& key_id) {
  return StoredMcpSettings(store.GetMeta(McpSettingsMetaKey(key_id)).value_or(""));
}

bool McpSettings::AllowsAccount(const std::string& account_id) const {
  return !accounts || Contains(*accounts, account_id);
}

bool McpSettings::AllowsTool(std::string_view tool) const {
  if (tool == kMcpSendTool && !send) return false;
  return !tools || Contains(*tools, tool);
}

nlohmann::json McpSettingsJson(const McpSettings& s) {
  return {{"accounts", s.accounts ? nlohmann::json(*s.accounts) : nlohmann::json(nullptr)},
          {"tools", s.tools ? nlohmann::json(*s.tools) : nlohmann::json(nullptr)},
          {"send", s.send}};
}

McpSettings StoredMcpSettings(const std::string& text) {
  McpSettings settings;
  if (text.empty()) return settings;
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return settings;
  try {
    return ParseMcpSettings(json, settings);
  } catch (const Error&) {
    // Written by SetApiKeyMcp, so valid; a hand-edited row keeps the narrowest reading.
    return McpSettings{std::vector<std::string>{}, std::vector<std::string>{}, false};
  }
}

McpSettings ParseMcpSettings(const nlohmann::json& mcp, const McpSettings& current) {
  if (!mcp.is_object()) InvalidField("mcp", "must be an object {accounts, tools, send}");
  McpSettings out = current;
  for (const auto& [name, value] : mcp.items()) {
    if (name == "accounts") {
      out.accounts = ReadList(value, "mcp.accounts");
    } else if (name == "tools") {
      out.tools = ReadList(value, "mcp.tools");
      for (const auto& tool : out.tools.value_or(std::vector<std::string>{})) {
        if (std::find(kMcpTools.begin(), kMcpTools.end(), tool) == kMcpTools.end()) {
          InvalidField("mcp.tools", "unknown tool \"" + tool + "\"");
        }
      }
    } else if (name == "send") {
      if (!value.is_boolean()) InvalidField("mcp.send", "must be true or false");
      out.send = value.get<bool>();
    } else {
      InvalidField("mcp." + name, "is not a setting; the settings are accounts, tools and send");
    }
  }
  return out;
}

McpSettings McpSettingsOf(store::Store& store, const Principal& caller) {
  if (caller.kind != Principal::Kind::kApiKey) return {};
  for (const auto& key : store.ListApiKeys(caller.tenant_id)) {
    if (key.id == caller.id && key.revoked_at == 0) return ApiKeyMcpSettings(store, key.id);
  }
  // The key was revoked since it was authenticated: nothing.
  return McpSettings{std::vector<std::string>{}, std::vector<std::string>{}, false};
}

}  // namespace tgmux::service
