// The REST JSON shapes of messages and chats. The event log's `data` carries
// the same message object: the api layer hands these to the event service
// (service::MessageShapes).
#pragma once

#include <nlohmann/json.hpp>

#include "service/events/events.h"
#include "telegram/messages.h"

namespace tgmux::api {

// {chat_id, message_id, from:{user_id, username?, name}, is_outgoing, date,
//  text, entities?, reply_to_message_id?, edit_date?, content_type?, media?}
// `from` is {chat_id, name} for messages sent on behalf of a chat; `date` and
// `edit_date` are RFC 3339; content_type appears only for non-text messages;
// for media, text and entities are the caption and `media` describes the file.
nlohmann::json MessageJson(const telegram::Message& message);
// {type, file_id, size, mime_type, file_name?, width?, height?, duration?}
nlohmann::json MediaJson(const telegram::MediaInfo& media);
// {type, offset, length, url?, user_id?, language?, custom_emoji_id?}; offsets
// count UTF-16 code units.
nlohmann::json EntitiesJson(const std::vector<telegram::TextEntity>& entities);
// {chat_id, type, title, username, unread_count, last_message}
nlohmann::json ChatJson(const telegram::Chat& chat);

// MessageJson and EntitiesJson, for the event log.
service::MessageShapes EventMessageShapes();

}  // namespace tgmux::api
