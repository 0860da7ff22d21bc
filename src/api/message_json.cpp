#include "api/message_json.h"

#include "common/time.h"

namespace tgmux::api {

nlohmann::json EntitiesJson(const std::vector<telegram::TextEntity>& entities) {
  auto out = nlohmann::json::array();
  for (const auto& e : entities) {
    nlohmann::json entity = {{"type", e.type}, {"offset", e.offset}, {"length", e.length}};
    if (!e.url.empty()) entity["url"] = e.url;
    if (e.user_id != 0) entity["user_id"] = e.user_id;
    if (!e.language.empty()) entity["language"] = e.language;
    if (!e.custom_emoji_id.empty()) entity["custom_emoji_id"] = e.custom_emoji_id;
    out.push_back(std::move(entity));
  }
  return out;
}

nlohmann::json MediaJson(const telegram::MediaInfo& media) {
  nlohmann::json out = {{"type", std::string(telegram::MediaKindName(media.kind))},
                        {"file_id", media.file_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(media.file_id)},
                        {"size", media.size},
                        {"mime_type", media.mime_type}};
  if (!media.file_name.empty()) out["file_name"] = media.file_name;
  if (media.width > 0) out["width"] = media.width;
  if (media.height > 0) out["height"] = media.height;
  if (media.duration > 0) out["duration"] = media.duration;
  return out;
}

nlohmann::json MessageJson(const telegram::Message& m) {
  nlohmann::json from;
  if (m.sender.user_id != 0) {
    from = {{"user_id", m.sender.user_id}, {"name", m.sender.name}};
    if (!m.sender.username.empty()) from["username"] = m.sender.username;
  } else {
    from = {{"chat_id", m.sender.chat_id}, {"name", m.sender.name}};
  }
  nlohmann::json out = {
      {"chat_id", m.chat_id},         {"message_id", m.message_id},   {"from", std::move(from)},
      {"is_outgoing", m.is_outgoing}, {"date", Rfc3339(m.date)},      {"text", m.text.text},
  };
  if (!m.text.entities.empty()) out["entities"] = EntitiesJson(m.text.entities);
  if (m.reply_to_message_id != 0) out["reply_to_message_id"] = m.reply_to_message_id;
  if (m.edit_date != 0) out["edit_date"] = Rfc3339(m.edit_date);
  if (!m.content_type.empty() && m.content_type != "text") out["content_type"] = m.content_type;
  if (m.media) out["media"] = MediaJson(*m.media);
  return out;
}

nlohmann::json ChatJson(const telegram::Chat& c) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {
      {"chat_id", c.chat_id},
      {"type", std::string(telegram::ChatTypeName(c.type))},
      {"title", c.title},
      {"username", or_null(c.username)},
      {"unread_count", c.unread_count},
      {"last_message", c.last_message ? MessageJson(*c.last_message) : nlohmann::json(nullptr)},
  };
}

service::MessageShapes EventMessageShapes() { return {MessageJson, EntitiesJson}; }

}  // namespace tgmux::api
