#pragma once
// Builders of TDLib objects (user, chat, message, …) with every field of td_api.tl
// 1.8.65 in schema order; optional (null) objects are left out like TDLib does.
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/cloud/cloud.h"
#include "sim/engine/client_files.h"
#include "sim/tdapi/json.h"

namespace tgsim {

Json Obj(std::string_view type);  // {"@type":type}
Json UserObject(const User& user);
// The user as `viewer` sees it: contact flags and the name the viewer saved.
Json UserObjectFor(const Cloud& cloud, std::int64_t viewer, const User& user);
Json BasicGroupObject(const Group& group, std::int64_t viewer);  // status as viewer sees it
Json SupergroupObject(const Group& group, std::int64_t viewer);  // status as viewer sees it
Json ChatPosition(std::int64_t order);
Json NotificationSettings();  // chatNotificationSettings, all defaults
// A member's ChatMemberStatus (Left for non-members); can_be_edited as `viewer` sees it.
Json MemberStatusOf(const Group& group, std::int64_t user_id, std::int64_t viewer);
Json AdministratorRights(const Administrator& admin);  // chatAdministratorRights
Json AvailableReactions(const Group* group);  // ChatAvailableReactions of a chat (null: private)
// messageInteractionInfo with the reactions, or null when the message has none.
Json InteractionInfo(const StoredMessage& message, std::int64_t chat_id);
// The chat as `viewer` sees it; with_last_message adds last_message and positions.
// Files appear with `files`' ids: every client numbers them on its own.
Json ChatObject(Cloud& cloud, std::int64_t viewer, std::int64_t chat_id, bool with_last_message,
                ClientFiles& files);
Json MessageObject(std::int64_t chat_id, const StoredMessage& message, ClientFiles& files);
Json MessageContent(const StoredMessage& message, ClientFiles& files);
Json MessageTextContent(const Json& formatted_text);
// The media kind of an InputMessageContent type (inputMessagePhoto, …), if it is one.
std::optional<MediaKind> InputContentKind(std::string_view type);
inline bool IsInputMediaContent(std::string_view type) { return InputContentKind(type).has_value(); }
// messagePhoto, messageDocument, … with the caption and the file object.
Json MediaContent(const MediaInfo& media, const Json& caption, const Json& file);
Json AuthorizationState(std::string_view state);  // a state without fields
Json UpdateAuthorizationState(Json state);

}  // namespace tgsim
