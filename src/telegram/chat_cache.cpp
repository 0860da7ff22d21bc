#include "telegram/chat_cache.h"

#include <nlohmann/json.hpp>

#include "telegram/message_parse.h"
#include "telegram/td_json_reader.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// Supergroup and channel chat ids are -1000000000000 - supergroup_id (tdlib-facts §7.1).
constexpr std::int64_t kSupergroupChatBase = -1000000000000;

std::string PrimaryUsername(const json& object) {
  auto names = object.find("usernames");
  if (names == object.end() || !names->is_object()) return "";
  auto active = names->find("active_usernames");
  if (active == names->end() || !active->is_array() || active->empty() || !(*active)[0].is_string()) return "";
  return (*active)[0].get<std::string>();
}

std::string FullName(const json& user) {
  std::string name = user.value("first_name", "");
  std::string last = user.value("last_name", "");
  if (!last.empty()) name += (name.empty() ? "" : " ") + last;
  return name;
}

// The message an updateChatLastMessage carries, if any.
std::optional<Message> LastMessageOf(const json& update) {
  auto last = update.find("last_message");
  return last == update.end() ? std::nullopt : ParseMessage(*last);
}

}  // namespace

ChatCache::ChatCache(std::size_t max_chats, std::size_t max_users)
    : max_chats_(max_chats), max_users_(max_users) {}

void ChatCache::Apply(const json& update) {
  std::string type = update.value("@type", "");
  std::int64_t chat_id = IntField(update, "chat_id");
  std::lock_guard lock(mutex_);
  if (type == "updateNewChat") {
    if (auto chat = ParseChat(update.value("chat", json::object()))) PutLocked(std::move(*chat));
  } else if (type == "updateUser") {
    const json& user = update.value("user", json::object());
    const json& kind = user.value("type", json::object());
    const bool is_bot = kind.is_object() && kind.value("@type", "") == "userTypeBot";
    PutPeerLocked(users_, IntField(user, "id"), {FullName(user), PrimaryUsername(user), is_bot});
  } else if (type == "updateSupergroup") {
    const json& group = update.value("supergroup", json::object());
    PutPeerLocked(supergroups_, kSupergroupChatBase - IntField(group, "id"), {"", PrimaryUsername(group)});
  } else if (Chat* chat = FindLocked(chat_id)) {
    if (type == "updateChatTitle") {
      chat->title = update.value("title", "");
    } else if (type == "updateChatPosition") {
      if (auto order = MainListOrder(update.value("position", json::object()))) chat->order = *order;
    } else if (type == "updateChatLastMessage") {
      // As the hub reads it, the message is left in the update's text until
      // the chat is asked for (TdJsonReader::ReadForHub).
      auto text = update.find(TdJsonReader::kUpdateText);
      chat->last_message = LastMessageOf(update);
      if (text != update.end() && text->is_string()) {
        last_message_text_[chat_id] = text->get<std::string>();
      } else {
        last_message_text_.erase(chat_id);
      }
      for (const auto& position : update.value("positions", json::array())) {
        if (auto order = MainListOrder(position)) chat->order = *order;
      }
    } else if (type == "updateChatReadInbox") {
      chat->last_read_inbox_message_id = IntField(update, "last_read_inbox_message_id");
      chat->unread_count = Int32Field(update, "unread_count");
    } else if (type == "updateChatReadOutbox") {
      chat->last_read_outbox_message_id = IntField(update, "last_read_outbox_message_id");
    }
  }
}

void ChatCache::Put(Chat chat) {
  std::lock_guard lock(mutex_);
  PutLocked(std::move(chat));
}

std::optional<Chat> ChatCache::Find(std::int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  auto chat = chats_.find(chat_id);
  if (chat == chats_.end()) return std::nullopt;
  if (auto text = last_message_text_.find(chat_id); text != last_message_text_.end()) {
    const json update = json::parse(text->second, nullptr, false);
    chat->second.last_message = update.is_object() ? LastMessageOf(update) : std::nullopt;
    last_message_text_.erase(text);
  }
  Chat found = chat->second;
  DescribeLocked(found);
  return found;
}

void ChatCache::Describe(Message& message) const {
  std::lock_guard lock(mutex_);
  DescribeLocked(message);
}

void ChatCache::Describe(Chat& chat) const {
  std::lock_guard lock(mutex_);
  DescribeLocked(chat);
}

std::size_t ChatCache::chat_count() const {
  std::lock_guard lock(mutex_);
  return chats_.size();
}

void ChatCache::PutLocked(Chat chat) {
  std::int64_t id = chat.chat_id;
  if (id == 0) return;
  last_message_text_.erase(id);
  chats_[id] = std::move(chat);
  if (chats_.size() > max_chats_) EvictLocked(id);
}

void ChatCache::EvictLocked(std::int64_t keep) {
  // The chat lowest in the list is the least likely to be asked for; a linear
  // scan is fine because this happens once per chat beyond the bound.
  auto victim = chats_.end();
  for (auto it = chats_.begin(); it != chats_.end(); ++it) {
    if (it->first == keep) continue;
    if (victim == chats_.end() || it->second.order < victim->second.order) victim = it;
  }
  if (victim == chats_.end()) return;
  last_message_text_.erase(victim->first);
  chats_.erase(victim);
}

void ChatCache::PutPeerLocked(std::unordered_map<std::int64_t, Peer>& peers, std::int64_t id, Peer peer) {
  if (id == 0) return;
  if (peers.size() >= max_users_ && !peers.contains(id)) peers.erase(peers.begin());
  peers[id] = std::move(peer);
}

Chat* ChatCache::FindLocked(std::int64_t chat_id) {
  auto chat = chats_.find(chat_id);
  return chat == chats_.end() ? nullptr : &chat->second;
}

void ChatCache::DescribeLocked(Message& message) const {
  if (auto chat = chats_.find(message.chat_id); chat != chats_.end()) {
    message.chat_type = chat->second.type;
  } else {
    message.chat_type = message.chat_id > 0 ? ChatType::kPrivate : ChatType::kGroup;
  }
  MessageSender& sender = message.sender;
  if (sender.user_id != 0) {
    if (auto user = users_.find(sender.user_id); user != users_.end()) {
      sender.name = user->second.name;
      sender.username = user->second.username;
      sender.is_bot = user->second.is_bot;
    }
  } else if (auto chat = chats_.find(sender.chat_id); chat != chats_.end()) {
    sender.name = chat->second.title;
    if (auto group = supergroups_.find(sender.chat_id); group != supergroups_.end()) {
      sender.username = group->second.username;
    }
  }
}

void ChatCache::DescribeLocked(Chat& chat) const {
  const auto& peers = chat.type == ChatType::kPrivate ? users_ : supergroups_;
  auto peer = peers.find(chat.type == ChatType::kPrivate ? chat.user_id : chat.chat_id);
  if (peer != peers.end()) chat.username = peer->second.username;
  if (chat.last_message) DescribeLocked(*chat.last_message);
}

}  // namespace tgmux::telegram
