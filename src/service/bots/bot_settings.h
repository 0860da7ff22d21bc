// What a bot does and who may use it, each with one name table: features
// (accounts, terminal, notify, relay), link policies (self, any), and the
// access list ("anyone", or Telegram user ids and @usernames).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux::service {

enum class BotFeature {
  kAccounts,  // people link their Telegram account by talking to the bot
  kTerminal,  // people read and answer their private messages through the bot
  kNotify,    // watcher and pool notifications
  kRelay,     // the work-group relay
};
std::string_view BotFeatureName(BotFeature feature);
std::optional<BotFeature> BotFeatureFromName(std::string_view name);

// Which account a person may link through a bot: only their own Telegram
// account, or any number (a work phone).
enum class LinkPolicy { kSelf, kAny };
std::string_view LinkPolicyName(LinkPolicy policy);
std::optional<LinkPolicy> LinkPolicyFromName(std::string_view name);

struct BotAccess {
  bool anyone = true;
  std::vector<std::int64_t> user_ids;
  std::vector<std::string> usernames;  // without '@', lower case

  bool Allows(std::int64_t user_id, std::string_view username) const;
  // "anyone" or ["12345", "@ann"] as the store and the API keep it.
  nlohmann::json ToJson() const;
};

// Each throws Error(invalid_request) naming the field and what is wrong.
std::vector<BotFeature> ParseBotFeatures(const nlohmann::json& value);
BotAccess ParseBotAccess(const nlohmann::json& value);
LinkPolicy ParseLinkPolicy(const nlohmann::json& value);
// The store's comma-separated form and back (unknown names are dropped).
std::string FeaturesText(const std::vector<BotFeature>& features);
std::vector<BotFeature> FeaturesFromText(std::string_view text);

}  // namespace tgmux::service
