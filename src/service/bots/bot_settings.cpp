#include "service/bots/bot_settings.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/error.h"
#include "common/name_table.h"

namespace tgmux::service {
namespace {

constexpr std::array<NameRow<BotFeature>, 4> kFeatures{{
    {BotFeature::kAccounts, "accounts"},
    {BotFeature::kTerminal, "terminal"},
    {BotFeature::kNotify, "notify"},
    {BotFeature::kRelay, "relay"},
}};

constexpr std::array<NameRow<LinkPolicy>, 2> kPolicies{{
    {LinkPolicy::kSelf, "self"},
    {LinkPolicy::kAny, "any"},
}};

[[noreturn]] void Bad(const std::string& field, const std::string& why) {
  throw Error(ErrorCode::kInvalidRequest, "field \"" + field + "\" " + why);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ValidUsername(std::string_view name) {
  if (name.size() < 4 || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

}  // namespace

std::string_view BotFeatureName(BotFeature feature) { return NameIn(kFeatures, feature); }
std::optional<BotFeature> BotFeatureFromName(std::string_view name) { return ValueIn(kFeatures, name); }
std::string_view LinkPolicyName(LinkPolicy policy) { return NameIn(kPolicies, policy); }
std::optional<LinkPolicy> LinkPolicyFromName(std::string_view name) { return ValueIn(kPolicies, name); }

bool BotAccess::Allows(std::int64_t user_id, std::string_view username) const {
  if (anyone) return true;
  if (std::find(user_ids.begin(), user_ids.end(), user_id) != user_ids.end()) return true;
  return !username.empty() && std::find(usernames.begin(), usernames.end(), Lower(username)) != usernames.end();
}

nlohmann::json BotAccess::ToJson() const {
  if (anyone) return "anyone";
  auto out = nlohmann::json::array();
  for (auto id : user_ids) out.push_back(std::to_string(id));
  for (const auto& name : usernames) out.push_back("@" + name);
  return out;
}

std::vector<BotFeature> ParseBotFeatures(const nlohmann::json& value) {
  if (!value.is_array() || value.empty()) Bad("features", "must be a non-empty list such as [\"accounts\", \"terminal\"]");
  std::vector<BotFeature> features;
  for (const auto& item : value) {
    auto feature = item.is_string() ? BotFeatureFromName(item.get<std::string>()) : std::nullopt;
    if (!feature) {
      Bad("features", "has " + item.dump() + "; the features are accounts, terminal, notify and relay");
    }
    if (std::find(features.begin(), features.end(), *feature) == features.end()) features.push_back(*feature);
  }
  return features;
}

BotAccess ParseBotAccess(const nlohmann::json& value) {
  BotAccess access;
  if (value.is_null() || value == "anyone") return access;
  if (!value.is_array()) Bad("access", "must be \"anyone\" or a list of Telegram user ids and @usernames");
  access.anyone = false;
  for (const auto& item : value) {
    if (item.is_number_integer() && item.get<std::int64_t>() > 0) {
      access.user_ids.push_back(item.get<std::int64_t>());
      continue;
    }
    std::string text = item.is_string() ? item.get<std::string>() : "";
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 19) {
      access.user_ids.push_back(std::stoll(text));
    } else if (!text.empty() && text[0] == '@' && ValidUsername(std::string_view(text).substr(1))) {
      access.usernames.push_back(Lower(std::string_view(text).substr(1)));
    } else {
      Bad("access", "has " + item.dump() + ", which is neither a Telegram user id nor an @username");
    }
  }
  if (access.user_ids.empty() && access.usernames.empty()) Bad("access", "lists nobody; use \"anyone\" or name people");
  return access;
}

LinkPolicy ParseLinkPolicy(const nlohmann::json& value) {
  if (value.is_null()) return LinkPolicy::kSelf;
  auto policy = value.is_string() ? LinkPolicyFromName(value.get<std::string>()) : std::nullopt;
  if (!policy) Bad("link_policy", "must be \"self\" (only the person's own account) or \"any\"");
  return *policy;
}

std::string FeaturesText(const std::vector<BotFeature>& features) {
  std::string out;
  for (auto feature : features) out += (out.empty() ? "" : ",") + std::string(BotFeatureName(feature));
  return out;
}

std::vector<BotFeature> FeaturesFromText(std::string_view text) {
  std::vector<BotFeature> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    if (auto feature = BotFeatureFromName(text.substr(0, comma))) out.push_back(*feature);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace tgmux::service
