// The work-group relay's settings (PUT /v1/accounts/{id}/relay, docs/relay.md):
// which bot mirrors the account's conversations into which group, how, and
// who may answer from it; and the dialog and relay JSON the API shows.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/relay_records.h"

namespace tgmux::service::relay {

// topics: one forum topic per conversation; replies: a header post per
// conversation in a group without topics, its messages answering it.
enum class RelayMode { kTopics, kReplies };
std::string_view RelayModeName(RelayMode mode);
std::optional<RelayMode> RelayModeFromName(std::string_view name);

struct RelaySettings {
  std::string bot_id;
  std::int64_t group_chat_id = 0;
  RelayMode mode = RelayMode::kTopics;
  std::vector<std::int64_t> operators;  // empty: every human member of the group

  // Whether this person may answer customers from the group.
  bool IsOperator(std::int64_t user_id) const;
  static RelaySettings Of(const store::Relay& relay);
};

// {"bot_id", "group_chat_id", "mode"?, "operators"?}; throws
// Error(invalid_request) naming the field. group_chat_id must be a group's id
// (negative); mode defaults to topics.
RelaySettings ParseRelaySettings(const nlohmann::json& body);

// {account_id, bot_id, group_chat_id, mode, operators, backlog, created_at, updated_at}.
nlohmann::json RelayJson(const store::Relay& relay, int backlog);

}  // namespace tgmux::service::relay
