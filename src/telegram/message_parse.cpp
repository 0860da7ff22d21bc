#include "telegram/message_parse.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "telegram/media_json.h"
#include "telegram/td_parse.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

constexpr std::string_view kEntityPrefix = "textEntityType";

std::string StringField(const json& object, const char* name) {
  auto field = object.find(name);
  return field != object.end() && field->is_string() ? field->get<std::string>() : std::string();
}

const json& ObjectField(const json& object, const char* name) {
  static const json kEmpty = json::object();
  auto field = object.find(name);
  return field != object.end() && field->is_object() ? *field : kEmpty;
}

TextEntity ParseEntity(const json& entity) {
  TextEntity parsed;
  parsed.offset = Int32Field(entity, "offset");
  parsed.length = Int32Field(entity, "length");
  const json& type = ObjectField(entity, "type");
  parsed.type = SnakeSuffix(StringField(type, "@type"), kEntityPrefix);
  parsed.url = StringField(type, "url");
  parsed.user_id = IntField(type, "user_id");
  parsed.language = StringField(type, "language");
  parsed.custom_emoji_id = StringField(type, "custom_emoji_id");
  return parsed;
}

json EntityJson(const TextEntity& entity) {
  json type = {{"@type", TdTypeFromSnake(kEntityPrefix, entity.type)}};
  // Only the fields of the kinds that have them: TDLib ignores extra fields,
  // but the conformance checks of the simulator do not.
  if (entity.type == "text_url") type["url"] = entity.url;
  if (entity.type == "mention_name") type["user_id"] = entity.user_id;
  if (entity.type == "pre_code") type["language"] = entity.language;
  if (entity.type == "custom_emoji") type["custom_emoji_id"] = entity.custom_emoji_id;
  return {{"@type", "textEntity"}, {"offset", entity.offset}, {"length", entity.length}, {"type", type}};
}

MessageSender ParseSender(const json& sender) {
  MessageSender parsed;
  if (StringField(sender, "@type") == "messageSenderChat") {
    parsed.chat_id = IntField(sender, "chat_id");
  } else {
    parsed.user_id = IntField(sender, "user_id");
  }
  return parsed;
}

ChatType ParseChatType(const json& type, std::int64_t& user_id) {
  std::string name = StringField(type, "@type");
  if (name == "chatTypeBasicGroup") return ChatType::kGroup;
  if (name == "chatTypeSupergroup") {
    return type.value("is_channel", false) ? ChatType::kChannel : ChatType::kSupergroup;
  }
  // Private and secret chats are both one-to-one (secret chats are off anyway).
  user_id = IntField(type, "user_id");
  return ChatType::kPrivate;
}

}  // namespace

std::string_view ChatTypeName(ChatType type) {
  switch (type) {
    case ChatType::kPrivate: return "private";
    case ChatType::kGroup: return "group";
    case ChatType::kSupergroup: return "supergroup";
    case ChatType::kChannel: return "channel";
  }
  return "private";
}

std::int64_t IntField(const json& object, const char* name) {
  auto field = object.find(name);
  if (field == object.end()) return 0;
  if (field->is_number_integer()) return field->get<std::int64_t>();
  if (!field->is_string()) return 0;
  const auto& text = field->get_ref<const std::string&>();
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int32_t Int32Field(const json& object, const char* name) {
  if (!object.is_object()) return 0;
  auto field = object.find(name);
  if (field == object.end() || !field->is_number_integer()) return 0;
  if (field->is_number_unsigned()) {
    auto value = field->get<std::uint64_t>();
    return value <= static_cast<std::uint64_t>(INT32_MAX) ? static_cast<std::int32_t>(value) : 0;
  }
  auto value = field->get<std::int64_t>();
  return value >= INT32_MIN && value <= INT32_MAX ? static_cast<std::int32_t>(value) : 0;
}

FormattedText ParseFormattedText(const json& text) {
  FormattedText parsed;
  if (!text.is_object()) return parsed;
  parsed.text = StringField(text, "text");
  auto entities = text.find("entities");
  if (entities != text.end() && entities->is_array()) {
    for (const auto& entity : *entities) {
      if (entity.is_object()) parsed.entities.push_back(ParseEntity(entity));
    }
  }
  return parsed;
}

json FormattedTextJson(const FormattedText& text) {
  json entities = json::array();
  for (const auto& entity : text.entities) entities.push_back(EntityJson(entity));
  return {{"@type", "formattedText"}, {"text", text.text}, {"entities", std::move(entities)}};
}

std::optional<Message> ParseMessage(const json& message) {
  if (!message.is_object() || StringField(message, "@type") != "message") return std::nullopt;
  Message parsed;
  parsed.chat_id = IntField(message, "chat_id");
  parsed.message_id = IntField(message, "id");
  parsed.sender = ParseSender(ObjectField(message, "sender_id"));
  parsed.is_outgoing = message.value("is_outgoing", false);
  parsed.date = IntField(message, "date");
  parsed.edit_date = IntField(message, "edit_date");
  const json& content = ObjectField(message, "content");
  parsed.content_type = SnakeSuffix(StringField(content, "@type"), "message");
  if (parsed.content_type == "text") {
    parsed.text = ParseFormattedText(ObjectField(content, "text"));
  } else if ((parsed.media = ParseMediaContent(content))) {
    parsed.text = MediaCaption(content);
  } else if (parsed.content_type == "contact") {
    const json& contact = ObjectField(content, "contact");
    parsed.contact = SharedContact{StringField(contact, "phone_number"), StringField(contact, "first_name"),
                                   StringField(contact, "last_name"), IntField(contact, "user_id")};
  }
  const json& reply_to = ObjectField(message, "reply_to");
  if (StringField(reply_to, "@type") == "messageReplyToMessage" &&
      IntField(reply_to, "chat_id") == parsed.chat_id) {
    parsed.reply_to_message_id = IntField(reply_to, "message_id");
  }
  const json& topic = ObjectField(message, "topic_id");
  if (StringField(topic, "@type") == "messageTopicForum") parsed.topic_id = IntField(topic, "forum_topic_id");
  return parsed;
}

std::optional<std::int64_t> MainListOrder(const json& position) {
  if (!position.is_object()) return std::nullopt;
  if (StringField(ObjectField(position, "list"), "@type") != "chatListMain") return std::nullopt;
  return IntField(position, "order");
}

std::optional<Chat> ParseChat(const json& chat) {
  if (!chat.is_object() || StringField(chat, "@type") != "chat") return std::nullopt;
  Chat parsed;
  parsed.chat_id = IntField(chat, "id");
  parsed.type = ParseChatType(ObjectField(chat, "type"), parsed.user_id);
  parsed.title = StringField(chat, "title");
  parsed.unread_count = Int32Field(chat, "unread_count");
  parsed.last_read_inbox_message_id = IntField(chat, "last_read_inbox_message_id");
  parsed.last_read_outbox_message_id = IntField(chat, "last_read_outbox_message_id");
  if (auto last = chat.find("last_message"); last != chat.end()) parsed.last_message = ParseMessage(*last);
  if (auto positions = chat.find("positions"); positions != chat.end() && positions->is_array()) {
    for (const auto& position : *positions) {
      if (auto order = MainListOrder(position)) parsed.order = *order;
    }
  }
  return parsed;
}

std::size_t Utf16Length(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation bytes add nothing
    units += c >= 0xF0 ? 2 : 1;        // four-byte sequences are surrogate pairs
  }
  return units;
}

}  // namespace tgmux::telegram
