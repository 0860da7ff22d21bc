// Which groups an account watches (PATCH /v1/accounts/{id} {"watch": ...},
// docs/watcher.md), as asked and as resolved to chat ids, and the JSON the
// accounts table keeps (store::Account::watch).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "telegram/messages.h"

namespace tgmux::service::watch {

// A chat as the API names it: a chat id, an @username, or an invite link.
enum class ChatRefKind { kId, kUsername, kInviteLink };

struct ChatRef {
  ChatRefKind kind = ChatRefKind::kId;
  std::string text;        // as given ("@sales_chat", "https://t.me/+AbC…", "-1001234")
  std::int64_t chat_id = 0;  // kId, and every kind once resolved
};

struct WatchSettings {
  std::vector<ChatRef> chats;
  bool all_groups = false;  // every basic group and supergroup the account is in

  bool empty() const { return chats.empty() && !all_groups; }
  // Whether a message of this chat goes to the rules (channels only when listed).
  bool Watches(std::int64_t chat_id, telegram::ChatType type) const;
  // {"chats": [{"ref", "chat_id"}], "all_groups"}: what the store keeps.
  nlohmann::json ToJson() const;
  // The stored form; empty settings for "" or anything unreadable.
  static WatchSettings FromText(const std::string& text);
};

// The API's {"chats": [...], "all_groups": bool}, unresolved; throws
// Error(invalid_request) naming the field ("watch.chats[2]") and what is
// wrong. At most 500 chats.
WatchSettings ParseWatchRequest(const nlohmann::json& watch);

// What GET /v1/accounts/{id} shows: {"chats": [refs], "chat_ids": [...], "all_groups"}, or null.
nlohmann::json WatchView(const std::string& stored);

}  // namespace tgmux::service::watch
