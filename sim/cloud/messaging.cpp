// Chats and messages of the simulated cloud. Private chats and basic groups give every
// participant a copy of each message with an id from that user's own sequence, as
// Telegram does; supergroups share one sequence.
#include <algorithm>
#include <cctype>

#include "sim/cloud/cloud.h"

namespace tgsim {

void Dialog::Recount() {
  unread = 0;
  for (auto it = messages.upper_bound(last_read_inbox); it != messages.end(); ++it) {
    if (!it->second.outgoing) ++unread;
  }
}

const StoredMessage* Dialog::Last() const {
  return messages.empty() ? nullptr : &messages.rbegin()->second;
}

std::int64_t Cloud::CreateGroup(Group group) {
  std::int64_t chat_id = 0;
  if (group.kind == GroupKind::kBasic) {
    group.id = next_group_id_++;
    chat_id = -group.id;
  } else {
    group.id = next_channel_id_++;
    chat_id = -kSupergroupChatBase - group.id;
  }
  group.date = static_cast<std::int64_t>(time(nullptr));
  // A forum's message 1 is Telegram's "group created" service message and the id of the
  // General topic, so its first real message is 2.
  if (group.is_forum && group.next_server_id == 1) group.next_server_id = 2;
  if (group.invite_hash.empty()) group.invite_hash = NewInviteHash();
  groups_[chat_id] = group;
  for (auto member : group.members) DialogOf(member, chat_id);
  return chat_id;
}

const Group* Cloud::FindGroup(std::int64_t chat_id) const {
  auto it = groups_.find(chat_id);
  return it == groups_.end() ? nullptr : &it->second;
}

std::int64_t Cloud::FindGroupByUsername(std::string_view username) const {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [chat_id, group] : groups_) {
    if (!group.username.empty() && same(group.username, username)) return chat_id;
  }
  return 0;
}

bool Cloud::CanAccessChat(std::int64_t user_id, std::int64_t chat_id) const {
  if (chat_id > 0) return FindUser(chat_id) != nullptr;
  const Group* group = FindGroup(chat_id);
  return group != nullptr &&
         std::find(group->members.begin(), group->members.end(), user_id) != group->members.end();
}

bool Cloud::CanPost(std::int64_t user_id, std::int64_t chat_id) const {
  if (!CanAccessChat(user_id, chat_id)) return false;
  const Group* group = chat_id < 0 ? FindGroup(chat_id) : nullptr;
  return group == nullptr || !group->is_channel || group->owner == user_id;
}

Dialog* Cloud::FindDialog(std::int64_t user_id, std::int64_t chat_id) {
  auto user = dialogs_.find(user_id);
  if (user == dialogs_.end()) return nullptr;
  auto it = user->second.find(chat_id);
  return it == user->second.end() ? nullptr : &it->second;
}

Dialog& Cloud::DialogOf(std::int64_t user_id, std::int64_t chat_id) {
  return dialogs_[user_id][chat_id];
}

std::int64_t Cloud::ChatOrder(const Dialog& dialog) {
  const StoredMessage* last = dialog.Last();
  if (last == nullptr) return 0;
  return (last->date << 32) | ((last->id >> 20) & 0xffffffffLL);
}

std::vector<std::int64_t> Cloud::ChatsOf(std::int64_t user_id) const {
  std::vector<std::pair<std::int64_t, std::int64_t>> ordered;  // (order, chat id)
  auto user = dialogs_.find(user_id);
  if (user == dialogs_.end()) return {};
  for (const auto& [chat_id, dialog] : user->second) {
    // A supergroup one has left leaves the chat list; a basic group stays in it.
    const Group* group = chat_id < 0 ? FindGroup(chat_id) : nullptr;
    if (group != nullptr && group->kind == GroupKind::kSupergroup && !IsMember(user_id, chat_id)) continue;
    std::int64_t order = ChatOrder(dialog);
    if (order == 0 && chat_id < 0) order = FindGroup(chat_id)->date << 32;
    if (order != 0) ordered.push_back({order, chat_id});
  }
  std::sort(ordered.rbegin(), ordered.rend());
  std::vector<std::int64_t> out;
  for (const auto& [order, chat_id] : ordered) out.push_back(chat_id);
  return out;
}

std::vector<std::int64_t> Cloud::Recipients(std::int64_t sender, std::int64_t chat_id, const Json& text,
                                            std::int64_t reply_to_id, bool service) const {
  if (chat_id > 0) {
    if (chat_id == sender) return {sender};
    return {sender, chat_id};
  }
  std::vector<std::int64_t> out = {sender};
  for (auto member : FindGroup(chat_id)->members) {
    if (member == sender) continue;
    const User* user = FindUser(member);
    bool bot = user != nullptr && user->is_bot;
    if (bot && !service && !BotSees(member, sender, chat_id, text, reply_to_id)) continue;
    out.push_back(member);
  }
  return out;
}

std::int64_t Cloud::ChatIdFor(std::int64_t viewer, std::int64_t sender, std::int64_t chat_id) const {
  if (chat_id < 0 || viewer == sender) return chat_id;
  return sender;  // a private chat is named after the other party
}

std::int64_t Cloud::NextMessageId(std::int64_t owner, std::int64_t chat_id) {
  auto group = groups_.find(chat_id);
  if (group != groups_.end() && group->second.kind == GroupKind::kSupergroup) {
    return group->second.next_server_id * kServerIdShift;  // advanced once per message
  }
  std::int64_t& next = next_box_id_[owner];
  if (next == 0) next = 1;
  return next++ * kServerIdShift;
}

std::vector<MessageCopy> Cloud::Send(std::int64_t sender, std::int64_t chat_id, Json text,
                                     std::int64_t reply_to_id, std::int64_t now,
                                     const MessageMedia& media) {
  std::int64_t link = next_link_++;
  const Group* group = chat_id < 0 ? FindGroup(chat_id) : nullptr;
  bool channel_post = group != nullptr && group->is_channel;
  std::int64_t topic_id = 0;
  if (group != nullptr && group->is_forum) topic_id = media.topic_id != 0 ? media.topic_id : kGeneralTopicId;
  std::vector<MessageCopy> copies;
  for (auto owner : Recipients(sender, chat_id, text, reply_to_id, !media.service.is_null())) {
    MessageCopy copy{owner, ChatIdFor(owner, sender, chat_id), NextMessageId(owner, chat_id)};
    StoredMessage message;
    message.id = copy.message_id;
    message.sender_user_id = sender;
    message.outgoing = owner == sender;
    message.date = now;
    message.text = text;
    message.media = media.media;
    if (message.media) {
      message.media->client_file = 0;
      files_.GrantAccess(message.media->file, owner);
    }
    message.media_album_id = media.album_id;
    message.reply_markup = MarkupFor(owner, sender, chat_id, media.reply_markup);
    message.contact = media.contact;
    message.channel_post = channel_post;
    message.anonymous = media.as_chat;
    message.topic_id = topic_id;
    message.service = media.service;
    if (reply_to_id != 0) {
      for (const auto& target : CopiesOf(sender, chat_id, reply_to_id)) {
        if (target.user_id == owner) message.reply_to_id = target.message_id;
      }
    }
    message.link = link;
    Dialog& dialog = DialogOf(owner, copy.chat_id);
    if (!message.outgoing && message.id > dialog.last_read_inbox) ++dialog.unread;
    dialog.messages.insert_or_assign(message.id, std::move(message));
    copies.push_back(copy);
  }
  if (auto group = groups_.find(chat_id); group != groups_.end()) ++group->second.next_server_id;
  links_[link] = copies;
  NoteBotStarted(sender, chat_id);
  InvalidateLeakedCode(sender, text);
  return copies;
}

const StoredMessage* Cloud::FindMessage(std::int64_t user_id, std::int64_t chat_id,
                                        std::int64_t message_id) const {
  auto user = dialogs_.find(user_id);
  if (user == dialogs_.end()) return nullptr;
  auto dialog = user->second.find(chat_id);
  if (dialog == user->second.end()) return nullptr;
  auto message = dialog->second.messages.find(message_id);
  return message == dialog->second.messages.end() ? nullptr : &message->second;
}

std::vector<MessageCopy> Cloud::CopiesOf(std::int64_t user_id, std::int64_t chat_id,
                                         std::int64_t message_id) const {
  const StoredMessage* message = FindMessage(user_id, chat_id, message_id);
  if (message == nullptr) return {};
  auto link = links_.find(message->link);
  if (link == links_.end()) return {{user_id, chat_id, message_id}};
  return link->second;
}

}  // namespace tgsim
