// One account's view of its chats and the users and supergroups they mention,
// kept from TDLib's updates, so that chat lists come with unread counts and
// usernames and messages with their sender's name. Internal to telegram/.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "telegram/messages.h"

namespace tgmux::telegram {

// Bounded: beyond `max_chats` the chat lowest in the main list is forgotten
// (GetChat asks TDLib again for it); users and supergroups beyond their bound
// are forgotten in no particular order (names then stay empty until TDLib
// mentions them again). Thread-safe.
class ChatCache {
 public:
  static constexpr std::size_t kDefaultMaxChats = 2000;
  static constexpr std::size_t kDefaultMaxUsers = 5000;

  explicit ChatCache(std::size_t max_chats = kDefaultMaxChats, std::size_t max_users = kDefaultMaxUsers);

  // Takes in one TDLib update if it is about chats, users or supergroups:
  // updateNewChat, updateChatTitle, updateChatPosition, updateChatLastMessage,
  // updateChatReadInbox, updateChatReadOutbox, updateUser, updateSupergroup.
  void Apply(const nlohmann::json& update);

  // Remembers a chat TDLib returned (getChat, searchPublicChat, ...).
  void Put(Chat chat);

  // The chat with its username, or nullopt when it is not (or no longer) known.
  std::optional<Chat> Find(std::int64_t chat_id) const;

  // Fills the sender's name and username from what is known.
  void Describe(Message& message) const;
  // Same for a chat's username and its last message's sender.
  void Describe(Chat& chat) const;

  std::size_t chat_count() const;

 private:
  struct Peer {
    std::string name;
    std::string username;
    bool is_bot = false;
  };

  void PutLocked(Chat chat);
  void EvictLocked(std::int64_t keep);
  void PutPeerLocked(std::unordered_map<std::int64_t, Peer>& peers, std::int64_t id, Peer peer);
  Chat* FindLocked(std::int64_t chat_id);
  void DescribeLocked(Message& message) const;
  void DescribeLocked(Chat& chat) const;

  const std::size_t max_chats_;
  const std::size_t max_users_;
  mutable std::mutex mutex_;
  // A chat's last message is parsed when the chat is first asked for after
  // an updateChatLastMessage that left it in its text (Find, under mutex_).
  mutable std::unordered_map<std::int64_t, Chat> chats_;
  mutable std::unordered_map<std::int64_t, std::string> last_message_text_;  // that text, by chat id
  std::unordered_map<std::int64_t, Peer> users_;        // by user id
  std::unordered_map<std::int64_t, Peer> supergroups_;  // by supergroup id
};

}  // namespace tgmux::telegram
