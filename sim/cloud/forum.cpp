// Forum supergroups, administrators, bots' privacy mode and reactions in the cloud.
#include <algorithm>
#include <cctype>

#include "sim/cloud/cloud.h"

namespace tgsim {
namespace {

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Json TopicIcon(const ForumTopic& topic) {
  Json icon;
  icon["@type"] = "forumTopicIcon";
  icon["color"] = topic.icon_color;
  icon["custom_emoji_id"] = std::to_string(topic.icon_custom_emoji_id);
  return icon;
}

}  // namespace

Group* Cloud::MutableGroup(std::int64_t chat_id) {
  auto it = groups_.find(chat_id);
  return it == groups_.end() ? nullptr : &it->second;
}

std::optional<Administrator> Cloud::AdminOf(std::int64_t user_id, std::int64_t chat_id) const {
  const Group* group = FindGroup(chat_id);
  if (group == nullptr || !IsMember(user_id, chat_id)) return std::nullopt;
  if (group->owner != 0 && group->owner == user_id) {
    Administrator all;
    for (const char* right : kAdminRightNames) all.rights.insert(right);
    return all;
  }
  auto it = group->admins.find(user_id);
  if (it == group->admins.end()) return std::nullopt;
  return it->second;
}

bool Cloud::HasRight(std::int64_t user_id, std::int64_t chat_id, std::string_view right) const {
  std::optional<Administrator> admin = AdminOf(user_id, chat_id);
  return admin && admin->Has(right);
}

bool Cloud::SetAdmin(std::int64_t chat_id, std::int64_t user_id, std::optional<Administrator> admin) {
  Group* group = MutableGroup(chat_id);
  if (group == nullptr || !IsMember(user_id, chat_id)) return false;
  if (admin) group->admins[user_id] = *admin;
  else group->admins.erase(user_id);
  return true;
}

bool Cloud::BotSees(std::int64_t bot_id, std::int64_t sender, std::int64_t chat_id, const Json& text,
                    std::int64_t reply_to_id) const {
  // Bots never get other bots' messages (Bot FAQ: "except messages sent by other bots").
  if (const User* author = FindUser(sender); author != nullptr && author->is_bot) return false;
  // Privacy mode (Telegram's default for bots): an administrator bot sees everything;
  // any other bot commands, messages that mention it and replies to its messages.
  if (AdminOf(bot_id, chat_id)) return true;
  std::string body = text.is_object() ? text.value("text", std::string()) : std::string();
  if (!body.empty() && body[0] == '/') return true;
  const User* bot = FindUser(bot_id);
  if (bot != nullptr && !bot->username.empty() &&
      Lower(body).find("@" + Lower(bot->username)) != std::string::npos) {
    return true;
  }
  if (reply_to_id == 0) return false;
  const StoredMessage* target = FindMessage(sender, chat_id, reply_to_id);
  return target != nullptr && target->sender_user_id == bot_id && !target->anonymous;
}

const ForumTopic* Cloud::FindTopic(std::int64_t chat_id, std::int64_t topic_id) const {
  const Group* group = FindGroup(chat_id);
  if (group == nullptr) return nullptr;
  for (const auto& topic : group->topics) {
    if (topic.id == topic_id) return &topic;
  }
  return nullptr;
}

std::pair<ForumTopic, std::vector<MessageCopy>> Cloud::CreateTopic(std::int64_t creator, std::int64_t chat_id,
                                                                   ForumTopic topic, std::int64_t now) {
  Group* group = MutableGroup(chat_id);
  // The topic is named after the server id its service message gets.
  topic.id = group->next_server_id;
  topic.creator = creator;
  topic.date = now;
  group->topics.push_back(topic);
  Json content;
  content["@type"] = "messageForumTopicCreated";
  content["name"] = topic.name;
  content["is_name_implicit"] = topic.is_name_implicit;
  content["icon"] = TopicIcon(topic);
  MessageMedia extras;
  extras.topic_id = topic.id;
  extras.service = content;
  auto copies = Send(creator, chat_id, Json::object({{"@type", "formattedText"}, {"text", ""}, {"entities", Json::array()}}),
                     0, now, extras);
  return {topic, copies};
}

std::vector<MessageCopy> Cloud::EditTopic(std::int64_t editor, std::int64_t chat_id, std::int64_t topic_id,
                                          std::optional<std::string> name, std::optional<std::int64_t> emoji,
                                          std::optional<bool> closed, std::int64_t now) {
  Group* group = MutableGroup(chat_id);
  if (group == nullptr) return {};
  auto topic = std::find_if(group->topics.begin(), group->topics.end(),
                            [&](const ForumTopic& t) { return t.id == topic_id; });
  if (topic == group->topics.end()) return {};
  Json content;
  if (closed) {
    topic->is_closed = *closed;
    content["@type"] = "messageForumTopicIsClosedToggled";
    content["is_closed"] = *closed;
  } else {
    if (name) topic->name = *name;
    if (emoji) topic->icon_custom_emoji_id = *emoji;
    content["@type"] = "messageForumTopicEdited";
    content["name"] = name.value_or("");
    content["edit_icon_custom_emoji_id"] = emoji.has_value();
    content["icon_custom_emoji_id"] = std::to_string(emoji.value_or(0));
  }
  MessageMedia extras;
  extras.topic_id = topic_id;
  extras.service = content;
  return Send(editor, chat_id, Json::object({{"@type", "formattedText"}, {"text", ""}, {"entities", Json::array()}}),
              0, now, extras);
}

std::vector<MessageCopy> Cloud::SetReactions(std::int64_t user_id, std::int64_t chat_id, std::int64_t message_id,
                                             const std::vector<std::string>& emojis) {
  auto copies = CopiesOf(user_id, chat_id, message_id);
  for (const auto& copy : copies) {
    Dialog* dialog = FindDialog(copy.user_id, copy.chat_id);
    if (dialog == nullptr || !dialog->messages.contains(copy.message_id)) continue;
    StoredMessage& message = dialog->messages.at(copy.message_id);
    for (auto it = message.reactions.begin(); it != message.reactions.end();) {
      std::erase(it->second, user_id);
      it = it->second.empty() ? message.reactions.erase(it) : std::next(it);
    }
    for (const auto& emoji : emojis) message.reactions[emoji].push_back(user_id);
    if (copy.user_id == user_id) message.chosen = std::set<std::string>(emojis.begin(), emojis.end());
  }
  return copies;
}

}  // namespace tgsim
