// Members, administrators and reactions (DialogParticipantManager, MessageReaction.cpp,
// MessagesManager::add_message_reaction of TDLib 1.8.65).
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {

void ClientSession::HandleGetChatMember(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  const Json& member = GetObject(request.object, "member_id");
  // get_message_sender_dialog_id, then DialogParticipantManager::do_get_dialog_participant.
  if (member.is_null()) return RespondError(request, 400, "Message sender must be non-empty");
  if (TypeOf(member) != "messageSenderUser") {
    return RespondError(request, 400, "tgsim simulates only messageSenderUser members");
  }
  std::int64_t user_id = GetInt(member, "user_id");
  if (user_id <= 0) return RespondError(request, 400, "Invalid user identifier specified");
  if (!CheckChat(request, chat_id)) return;
  // An input peer needs a user the client has seen (or itself).
  if (user_id != user_id_ && !known_users_.contains(user_id)) return RespondError(request, 400, "Member not found");
  Json answer = Obj("chatMember");
  Json member_id = Obj("messageSenderUser");
  member_id["user_id"] = user_id;
  answer["member_id"] = member_id;
  answer["tag"] = "";
  answer["inviter_user_id"] = 0;
  answer["joined_chat_date"] = 0;
  if (chat_id > 0) {
    if (user_id != user_id_ && user_id != chat_id) return RespondError(request, 400, "Member not found");
    Json status = Obj("chatMemberStatusMember");
    status["member_until_date"] = 0;
    answer["status"] = status;
    return Respond(request, answer);
  }
  const Group* channel = world_.cloud().FindGroup(chat_id);
  if (channel != nullptr && channel->is_channel && !world_.cloud().AdminOf(user_id_, chat_id)) {
    return RespondError(request, 400, "Member list is inaccessible");
  }
  CallServer(request, [this, chat_id, user_id, answer](Request& r) mutable {
    // channels.getParticipant: USER_NOT_PARTICIPANT becomes chatMemberStatusLeft.
    const Group* group = world_.cloud().FindGroup(chat_id);
    bool in_group = world_.cloud().IsMember(user_id, chat_id);
    if (in_group) {
      answer["inviter_user_id"] = group->owner != 0 && group->owner != user_id ? group->owner : 0;
      answer["joined_chat_date"] = group->date;
    }
    answer["status"] = MemberStatusOf(*group, user_id, user_id_);
    Respond(r, answer);
  });
}

void ClientSession::HandleGetChatAdministrators(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  Json answer = Obj("chatAdministrators");
  answer["administrators"] = Json::array();
  if (chat_id > 0) return Respond(request, answer);
  CallServer(request, [this, chat_id, answer](Request& r) mutable {
    const Group* group = world_.cloud().FindGroup(chat_id);
    auto add = [&](std::int64_t user_id, bool owner) {
      EnsureUser(user_id);
      Json admin = Obj("chatAdministrator");
      admin["user_id"] = user_id;
      admin["custom_title"] = "";
      admin["is_owner"] = owner;
      admin["can_be_edited"] = !owner && group->owner == user_id_;
      answer["administrators"].push_back(admin);
    };
    if (group->owner != 0 && world_.cloud().IsMember(group->owner, chat_id)) add(group->owner, true);
    for (const auto& [user_id, rights] : group->admins) add(user_id, false);
    Respond(r, answer);
  });
}

void ClientSession::HandleSetMessageReactions(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  const Json* types = request.object.contains("reaction_types") ? &request.object["reaction_types"] : nullptr;
  std::vector<std::string> emojis;
  if (!CheckChat(request, chat_id)) return;
  if (world_.cloud().FindMessage(user_id_, chat_id, message_id) == nullptr) {
    return RespondError(request, 400, "Message not found");
  }
  if (types != nullptr && types->is_array()) {
    for (const auto& type : *types) {
      // Only emoji reactions are simulated; an empty or paid one is TDLib's error.
      if (!type.is_object() || TypeOf(type) != "reactionTypeEmoji" || GetString(type, "emoji").empty()) {
        return RespondError(request, 400, "Invalid reaction type specified");
      }
      emojis.push_back(GetString(type, "emoji"));
    }
  }
  CallServer(request, [this, chat_id, message_id, emojis](Request& r) {
    // messages.sendReaction: a chat that allows no reactions refuses any.
    const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
    if (!emojis.empty() && group != nullptr && !group->reactions_allowed) {
      return RespondError(r, 400, "REACTION_INVALID");
    }
    world_.DeliverInteraction(world_.cloud().SetReactions(user_id_, chat_id, message_id, emojis));
    Respond(r, Obj("ok"));
  });
}

void ClientSession::HandleAddMessageReaction(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  const StoredMessage* message = world_.cloud().FindMessage(user_id_, chat_id, message_id);
  if (message == nullptr) return RespondError(request, 400, "Message not found");
  const Json& type = GetObject(request.object, "reaction_type");
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  // get_message_available_reactions(...).is_allowed_reaction_type.
  if (type.is_null() || (group != nullptr && !group->reactions_allowed) || !message->service.is_null()) {
    return RespondError(request, 400, "The reaction isn't available for the message");
  }
  if (TypeOf(type) != "reactionTypeEmoji") {
    return RespondError(request, 400, "tgsim simulates only reactionTypeEmoji reactions");
  }
  std::string emoji = GetString(type, "emoji");
  if (message->chosen.contains(emoji)) return Respond(request, Obj("ok"));
  // Without Premium one reaction per message: the new one replaces the old (the message
  // changes locally first, as MessagesManager::set_message_reactions).
  auto copies = world_.cloud().SetReactions(user_id_, chat_id, message_id, {emoji});
  OnInteractionChanged(chat_id, message_id);
  CallServer(request, [this, copies](Request& r) {
    std::vector<MessageCopy> others;
    for (const auto& copy : copies) {
      if (copy.user_id != user_id_) others.push_back(copy);
    }
    world_.DeliverInteraction(others);
    Respond(r, Obj("ok"));
  });
}

void ClientSession::OnInteractionChanged(std::int64_t chat_id, std::int64_t message_id) {
  // The server pushes reaction changes to people's apps, not to bots.
  if (state_ != AuthState::kReady || is_bot_ || !known_chats_.contains(chat_id)) return;
  const StoredMessage* message = world_.cloud().FindMessage(user_id_, chat_id, message_id);
  if (message == nullptr) return;
  for (const auto& [emoji, users] : message->reactions) {
    for (auto user : users) EnsureUser(user);
  }
  Json update = Obj("updateMessageInteractionInfo");
  update["chat_id"] = chat_id;
  update["message_id"] = message_id;
  if (Json info = InteractionInfo(*message, chat_id); !info.is_null()) update["interaction_info"] = info;
  Emit(update);
}

void ClientSession::OnGroupChanged(std::int64_t chat_id) {
  if (state_ != AuthState::kReady || !known_chats_.contains(chat_id)) return;
  const Group* group = world_.cloud().FindGroup(chat_id);
  if (group == nullptr) return;
  bool basic = group->kind == GroupKind::kBasic;
  Json update = Obj(basic ? "updateBasicGroup" : "updateSupergroup");
  update[basic ? "basic_group" : "supergroup"] =
      basic ? BasicGroupObject(*group, user_id_) : SupergroupObject(*group, user_id_);
  Emit(update);
}

void ClientSession::OnChatReactionsChanged(std::int64_t chat_id) {
  if (state_ != AuthState::kReady || !known_chats_.contains(chat_id)) return;
  Json update = Obj("updateChatAvailableReactions");
  update["chat_id"] = chat_id;
  update["available_reactions"] = AvailableReactions(world_.cloud().FindGroup(chat_id));
  Emit(update);
}

}  // namespace tgsim
