#include "sim/engine/objects.h"

#include <algorithm>

namespace tgsim {

Json Obj(std::string_view type) {
  Json out;
  out["@type"] = std::string(type);
  return out;
}

namespace {

Json Usernames(const std::string& username) {
  Json out = Obj("usernames");
  out["active_usernames"] = username.empty() ? Json::array() : Json::array({username});
  out["disabled_usernames"] = Json::array();
  out["editable_username"] = username;
  out["collectible_usernames"] = Json::array();
  return out;
}

Json BotType() {
  Json out = Obj("userTypeBot");
  for (const char* field : {"can_be_edited", "can_join_groups", "can_read_all_group_messages",
                            "has_main_web_app", "has_topics", "allows_users_to_create_topics",
                            "can_manage_bots", "is_inline"}) {
    out[field] = std::string_view(field) == "can_join_groups";
  }
  out["inline_query_placeholder"] = "";
  for (const char* field : {"supports_guest_queries", "is_guard", "need_location",
                            "can_connect_to_business", "can_be_added_to_attachment_menu"}) {
    out[field] = false;
  }
  out["active_user_count"] = 0;
  return out;
}

Json Permissions(bool allowed, bool forum = false) {
  Json out = Obj("chatPermissions");
  for (const char* field :
       {"can_send_basic_messages", "can_send_audios", "can_send_documents", "can_send_photos",
        "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
        "can_send_other_messages", "can_add_link_previews", "can_react_to_messages",
        "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
        "can_create_topics"}) {
    out[field] = allowed;
  }
  // In a forum, members may not create topics unless the group allows it (off here).
  if (forum) out["can_create_topics"] = false;
  return out;
}

}  // namespace

Json NotificationSettings() {
  Json out = Obj("chatNotificationSettings");
  out["use_default_mute_for"] = true;
  out["mute_for"] = 0;
  out["use_default_sound"] = true;
  out["sound_id"] = Int64(0);
  out["use_default_show_preview"] = true;
  out["show_preview"] = false;
  out["use_default_mute_stories"] = true;
  out["mute_stories"] = false;
  out["use_default_story_sound"] = true;
  out["story_sound_id"] = Int64(0);
  out["use_default_show_story_poster"] = true;
  out["show_story_poster"] = false;
  out["use_default_disable_pinned_message_notifications"] = true;
  out["disable_pinned_message_notifications"] = false;
  out["use_default_disable_mention_notifications"] = true;
  out["disable_mention_notifications"] = false;
  return out;
}

namespace {


Json ChatType(const Cloud& cloud, std::int64_t chat_id) {
  if (chat_id > 0) {
    Json type = Obj("chatTypePrivate");
    type["user_id"] = chat_id;
    return type;
  }
  const Group* group = cloud.FindGroup(chat_id);
  if (group->kind == GroupKind::kBasic) {
    Json type = Obj("chatTypeBasicGroup");
    type["basic_group_id"] = group->id;
    return type;
  }
  Json type = Obj("chatTypeSupergroup");
  type["supergroup_id"] = group->id;
  type["is_channel"] = group->is_channel;
  return type;
}

std::string ChatTitle(const Cloud& cloud, std::int64_t chat_id) {
  if (chat_id < 0) return cloud.FindGroup(chat_id)->title;
  const User* user = cloud.FindUser(chat_id);
  if (user == nullptr) return "Deleted Account";
  return user->last_name.empty() ? user->first_name : user->first_name + " " + user->last_name;
}

}  // namespace

Json UserObject(const User& user) {
  Json out = Obj("user");
  out["id"] = user.id;
  out["first_name"] = user.first_name;
  out["last_name"] = user.last_name;
  out["usernames"] = Usernames(user.username);
  out["phone_number"] = user.is_bot ? "" : user.phone;
  Json status = Obj("userStatusRecently");
  status["by_my_privacy_settings"] = false;
  out["status"] = user.is_bot ? Obj("userStatusEmpty") : status;
  out["accent_color_id"] = static_cast<int>(user.id % 7);
  out["background_custom_emoji_id"] = Int64(0);
  out["profile_accent_color_id"] = -1;
  out["profile_background_custom_emoji_id"] = Int64(0);
  for (const char* field : {"is_contact", "is_mutual_contact", "is_close_friend", "is_premium",
                            "is_support", "restricts_new_chats"}) {
    out[field] = false;
  }
  out["paid_message_star_count"] = 0;
  out["have_access"] = true;
  out["type"] = user.is_bot ? BotType() : Obj("userTypeRegular");
  out["language_code"] = "";
  out["added_to_attachment_menu"] = false;
  return out;
}

// A deleted account as UserManager shows it: the server sends no names, phone, username
// or status, so first_name falls back to the empty phone number, `usernames` is null
// (omitted), the status is userStatusEmpty and nobody has it as a contact.
Json DeletedUserObject(const User& user) {
  Json out = UserObject(user);
  out.erase("usernames");
  out["status"] = Obj("userStatusEmpty");
  out["type"] = Obj("userTypeDeleted");
  return out;
}

Json UserObjectFor(const Cloud& cloud, std::int64_t viewer, const User& user) {
  if (user.deleted) return DeletedUserObject(user);
  Json out = UserObject(user);
  out["restricts_new_chats"] = user.messages_from_contacts_only && user.id != viewer;
  const ContactName* contact = cloud.FindContact(viewer, user.id);
  if (contact == nullptr) return out;
  // A contact shows under the name its owner saved it with.
  if (!contact->first_name.empty() || !contact->last_name.empty()) {
    out["first_name"] = contact->first_name;
    out["last_name"] = contact->last_name;
  }
  out["is_contact"] = true;
  out["is_mutual_contact"] = cloud.FindContact(user.id, viewer) != nullptr;
  // UserManager: contact_require_premium && !is_mutual_contact.
  out["restricts_new_chats"] = user.messages_from_contacts_only && !out["is_mutual_contact"].get<bool>();
  return out;
}

namespace {
bool IsMemberOf(const Group& group, std::int64_t viewer) {
  return std::find(group.members.begin(), group.members.end(), viewer) != group.members.end();
}
}  // namespace

Json AdministratorRights(const Administrator& admin) {
  Json out = Obj("chatAdministratorRights");
  for (const char* right : kAdminRightNames) out[right] = admin.Has(right);
  out["is_anonymous"] = admin.is_anonymous;
  return out;
}

Json MemberStatusOf(const Group& group, std::int64_t user_id, std::int64_t viewer) {
  if (!IsMemberOf(group, user_id)) return Obj("chatMemberStatusLeft");
  if (group.owner != 0 && group.owner == user_id) {
    Json out = Obj("chatMemberStatusCreator");
    out["is_anonymous"] = false;
    out["is_member"] = true;
    return out;
  }
  if (auto admin = group.admins.find(user_id); admin != group.admins.end()) {
    Json out = Obj("chatMemberStatusAdministrator");
    // Only the creator (who promoted everyone here) may edit an administrator.
    out["can_be_edited"] = group.owner != 0 && group.owner == viewer;
    out["rights"] = AdministratorRights(admin->second);
    return out;
  }
  Json out = Obj("chatMemberStatusMember");
  out["member_until_date"] = 0;
  return out;
}

Json AvailableReactions(const Group* group) {
  if (group != nullptr && !group->reactions_allowed) {
    Json none = Obj("chatAvailableReactionsSome");
    none["reactions"] = Json::array();
    none["max_reaction_count"] = kMaxReactionCount;
    return none;
  }
  Json all = Obj("chatAvailableReactionsAll");
  all["max_reaction_count"] = kMaxReactionCount;
  return all;
}

Json BasicGroupObject(const Group& group, std::int64_t viewer) {
  Json out = Obj("basicGroup");
  out["id"] = group.id;
  out["member_count"] = static_cast<int>(group.members.size());
  out["status"] = MemberStatusOf(group, viewer, viewer);
  out["is_active"] = true;
  out["upgraded_to_supergroup_id"] = 0;
  return out;
}

Json SupergroupObject(const Group& group, std::int64_t viewer) {
  Json out = Obj("supergroup");
  out["id"] = group.id;
  if (!group.username.empty()) out["usernames"] = Usernames(group.username);
  out["date"] = group.date;
  out["status"] = MemberStatusOf(group, viewer, viewer);
  out["member_count"] = static_cast<int>(group.members.size());
  out["boost_level"] = 0;
  for (const char* field : {"has_automatic_translation", "has_linked_chat", "has_location",
                            "sign_messages", "show_message_sender", "join_to_send_messages",
                            "join_by_request", "is_slow_mode_enabled", "is_channel",
                            "is_broadcast_group", "is_forum", "is_direct_messages_group",
                            "is_administered_direct_messages_group", "has_direct_messages_group",
                            "has_forum_tabs"}) {
    out[field] = false;
  }
  out["is_channel"] = group.is_channel;
  out["is_forum"] = group.is_forum;
  out["paid_message_star_count"] = 0;
  return out;
}

Json ChatPosition(std::int64_t order) {
  Json out = Obj("chatPosition");
  out["list"] = Obj("chatListMain");
  out["order"] = Int64(order);
  out["is_pinned"] = false;
  return out;
}

Json ChatObject(Cloud& cloud, std::int64_t viewer, std::int64_t chat_id, bool with_last_message,
                ClientFiles& files) {
  const Dialog* dialog = cloud.FindDialog(viewer, chat_id);
  Json out = Obj("chat");
  out["id"] = chat_id;
  out["type"] = ChatType(cloud, chat_id);
  out["title"] = ChatTitle(cloud, chat_id);
  out["accent_color_id"] = static_cast<int>((chat_id < 0 ? -chat_id : chat_id) % 7);
  out["background_custom_emoji_id"] = Int64(0);
  out["profile_accent_color_id"] = -1;
  out["profile_background_custom_emoji_id"] = Int64(0);
  const Group* group = chat_id < 0 ? cloud.FindGroup(chat_id) : nullptr;
  out["permissions"] = Permissions(chat_id < 0, group != nullptr && group->is_forum);
  bool has_last = with_last_message && dialog != nullptr && dialog->Last() != nullptr;
  if (has_last) out["last_message"] = MessageObject(chat_id, *dialog->Last(), files);
  out["positions"] = Json::array();
  if (has_last) out["positions"].push_back(ChatPosition(Cloud::ChatOrder(*dialog)));
  out["chat_lists"] = Json::array();
  for (const char* field : {"has_protected_content", "is_translatable", "is_marked_as_unread",
                            "view_as_topics", "has_scheduled_messages"}) {
    out[field] = false;
  }
  out["can_be_deleted_only_for_self"] = true;
  out["can_be_deleted_for_all_users"] = chat_id > 0;
  out["can_be_reported"] = chat_id < 0;
  out["default_disable_notification"] = false;
  out["unread_count"] = dialog ? dialog->UnreadCount() : 0;
  out["last_read_inbox_message_id"] = dialog ? dialog->last_read_inbox : 0;
  out["last_read_outbox_message_id"] = dialog ? dialog->last_read_outbox : 0;
  out["unread_mention_count"] = 0;
  out["unread_reaction_count"] = 0;
  out["unread_poll_vote_count"] = 0;
  out["notification_settings"] = NotificationSettings();
  out["available_reactions"] = AvailableReactions(group);
  out["message_auto_delete_time"] = 0;
  Json video_chat = Obj("videoChat");
  video_chat["group_call_id"] = 0;
  video_chat["has_participants"] = false;
  out["video_chat"] = video_chat;
  out["reply_markup_message_id"] = 0;
  out["client_data"] = "";
  return out;
}

Json MessageTextContent(const Json& formatted_text) {
  Json out = Obj("messageText");
  out["text"] = formatted_text;
  return out;
}

Json AuthorizationState(std::string_view state) { return Obj(state); }

Json UpdateAuthorizationState(Json state) {
  Json out = Obj("updateAuthorizationState");
  out["authorization_state"] = std::move(state);
  return out;
}

}  // namespace tgsim
