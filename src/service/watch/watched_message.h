// A group message as the watcher sees it (docs/watcher.md): the key that makes
// it one message whichever watcher account saw it, its link, and the JSON
// that `watch.message` events, classifiers and notifications share.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "telegram/messages.h"

namespace tgmux::service::watch {

// What the watcher shows of a chat.
struct ChatInfo {
  std::int64_t id = 0;
  telegram::ChatType type = telegram::ChatType::kGroup;
  std::string title;
  std::string username;  // public supergroups and channels; "" otherwise
};

// One key per message for every member: in supergroups and channels the chat
// and message ids (every member sees the same ids); in basic groups each
// member has ids of its own (tdlib-facts §7.1), so the sender, the date and a
// digest of the text.
std::string WatchKey(const telegram::Message& message);

// https://t.me/<username>/<n> in public supergroups and channels,
// https://t.me/c/<id>/<n> in private ones (for members); none in basic groups.
std::optional<std::string> MessageLink(const ChatInfo& chat, std::int64_t message_id);

// {id, account_id, chat: {id, type, title, username}, message_id,
//  author: {id, name, username} (id null when a chat wrote), text, date, link, late}.
nlohmann::json WatchedMessageJson(const std::string& id, const std::string& account_id, const ChatInfo& chat,
                                  const telegram::Message& message, bool late);

}  // namespace tgmux::service::watch
