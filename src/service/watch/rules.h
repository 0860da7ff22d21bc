// A watcher rule as the API and the store see it (docs/watcher.md): its name,
// what it matches (matcher.h), who is notified, the per-author cooldown.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "service/watch/matcher.h"
#include "store/watch_records.h"

namespace tgmux::service::watch {

// A string list member ("any", "subscribers"); null or absent is empty.
std::vector<std::string> StringList(const nlohmann::json& value, const std::string& field);

struct RuleSettings {
  std::string name;
  RuleSpec match;  // match.id is the rule's id
  std::vector<std::string> subscribers;
  std::int64_t cooldown_per_author = 0;  // seconds; 0: none
  bool enabled = true;
};

// POST /v1/watch/rules (or PATCH over `base`): reads name, chats, any, all,
// regex, exclude, subscribers, cooldown_per_author, enabled; throws
// Error(invalid_request) naming the field (an invalid regex with RE2's reason).
RuleSettings ParseRule(const nlohmann::json& body, RuleSettings base, bool creating);

// The store's row and back (the spec column holds everything but name and enabled).
store::WatchRule RuleRow(const RuleSettings& settings);
RuleSettings RuleFromRow(const store::WatchRule& row);

// The API's view: {id, name, chats, any, all, regex, exclude, subscribers,
// cooldown_per_author, enabled, created_at, updated_at}.
nlohmann::json RuleJson(const store::WatchRule& row);

}  // namespace tgmux::service::watch
