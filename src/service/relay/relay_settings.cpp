#include "service/relay/relay_settings.h"

#include <algorithm>

#include "common/error.h"
#include "common/name_table.h"
#include "common/time.h"

namespace tgmux::service::relay {
namespace {

using nlohmann::json;

constexpr std::array<NameRow<RelayMode>, 2> kModes{{{RelayMode::kTopics, "topics"}, {RelayMode::kReplies, "replies"}}};
constexpr std::size_t kMaxOperators = 1000;

std::int64_t IdField(const json& value, const std::string& field) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    try {
      std::size_t used = 0;
      std::int64_t id = std::stoll(text, &used);
      if (used == text.size()) return id;
    } catch (const std::exception&) {
    }
  }
  InvalidField(field, "must be a Telegram id (a number)");
}

}  // namespace

std::string_view RelayModeName(RelayMode mode) { return NameIn(kModes, mode); }
std::optional<RelayMode> RelayModeFromName(std::string_view name) { return ValueIn(kModes, name); }

bool RelaySettings::IsOperator(std::int64_t user_id) const {
  return operators.empty() || std::find(operators.begin(), operators.end(), user_id) != operators.end();
}

RelaySettings RelaySettings::Of(const store::Relay& relay) {
  RelaySettings settings;
  settings.bot_id = relay.bot_id;
  settings.group_chat_id = relay.group_chat_id;
  settings.mode = RelayModeFromName(relay.mode).value_or(RelayMode::kTopics);
  try {
    for (const auto& id : json::parse(relay.operators)) settings.operators.push_back(id.get<std::int64_t>());
  } catch (const std::exception&) {
  }
  return settings;
}

RelaySettings ParseRelaySettings(const json& body) {
  if (!body.is_object()) InvalidField("body", "must be a JSON object");
  RelaySettings settings;
  auto bot = body.find("bot_id");
  if (bot == body.end() || !bot->is_string() || bot->get<std::string>().empty()) {
    InvalidField("bot_id", "must be the id of one of the tenant's bots");
  }
  settings.bot_id = bot->get<std::string>();
  auto group = body.find("group_chat_id");
  if (group == body.end()) InvalidField("group_chat_id", "is required");
  settings.group_chat_id = IdField(*group, "group_chat_id");
  if (settings.group_chat_id >= 0) InvalidField("group_chat_id", "must be a group's chat id (a negative number)");
  if (auto mode = body.find("mode"); mode != body.end() && !mode->is_null()) {
    auto parsed = mode->is_string() ? RelayModeFromName(mode->get<std::string>()) : std::nullopt;
    if (!parsed) InvalidField("mode", "must be \"topics\" or \"replies\"");
    settings.mode = *parsed;
  }
  if (auto operators = body.find("operators"); operators != body.end() && !operators->is_null()) {
    if (!operators->is_array()) InvalidField("operators", "must be an array of Telegram user ids");
    if (operators->size() > kMaxOperators) InvalidField("operators", "may list at most 1000 people");
    for (std::size_t i = 0; i < operators->size(); ++i) {
      const std::string field = "operators[" + std::to_string(i) + "]";
      std::int64_t id = IdField((*operators)[i], field);
      if (id <= 0) InvalidField(field, "must be a person's Telegram user id");
      settings.operators.push_back(id);
    }
  }
  return settings;
}

json RelayJson(const store::Relay& relay, int backlog) {
  const RelaySettings settings = RelaySettings::Of(relay);
  return {{"account_id", relay.account_id},
          {"bot_id", relay.bot_id},
          {"group_chat_id", relay.group_chat_id},
          {"mode", relay.mode},
          {"operators", settings.operators},
          {"backlog", backlog},
          {"created_at", Rfc3339(relay.created_at)},
          {"updated_at", Rfc3339(relay.updated_at)}};
}

}  // namespace tgmux::service::relay
