// Users and chats (tdlib-facts §7.8, §7.9): a chat or user is announced with
// updateNewChat / updateUser before its id is used anywhere.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {

void ClientSession::EnsureUser(std::int64_t user_id) {
  if (known_users_.contains(user_id)) return;
  const User* user = world_.cloud().FindUser(user_id);
  if (user == nullptr) return;
  known_users_.insert(user_id);
  Json update = Obj("updateUser");
  update["user"] = UserObjectFor(world_.cloud(), user_id_, *user);
  Emit(update);
}

void ClientSession::EnsureChat(std::int64_t chat_id, bool with_last_message) {
  if (known_chats_.contains(chat_id)) return;
  Cloud& cloud = world_.cloud();
  if (chat_id > 0) {
    EnsureUser(chat_id);
  } else if (const Group* group = cloud.FindGroup(chat_id)) {
    bool basic = group->kind == GroupKind::kBasic;
    Json update = Obj(basic ? "updateBasicGroup" : "updateSupergroup");
    update[basic ? "basic_group" : "supergroup"] =
        basic ? BasicGroupObject(*group, user_id_) : SupergroupObject(*group, user_id_);
    Emit(update);
  }
  if (const Dialog* dialog = cloud.FindDialog(user_id_, chat_id); dialog && dialog->Last()) {
    if (!dialog->Last()->channel_post) EnsureUser(dialog->Last()->sender_user_id);
    last_local_id_[chat_id] = std::max(last_local_id_[chat_id], dialog->Last()->id);
  }
  known_chats_.insert(chat_id);
  Json chat = ChatObject(cloud, user_id_, chat_id, with_last_message, files_);
  chat["positions"] = Json::array();  // positions follow in updateChatPosition
  Json update = Obj("updateNewChat");
  update["chat"] = chat;
  Emit(update);
}

bool ClientSession::CheckChat(Request& request, std::int64_t chat_id) {
  if (chat_id == 0) {
    RespondError(request, 400, "Invalid chat identifier specified");
    return false;
  }
  // A bot gets any group it is in from the server by its id (TDLib bots need no chat list).
  if (!known_chats_.contains(chat_id) && is_bot_ && chat_id < 0 && world_.cloud().IsMember(user_id_, chat_id)) {
    EnsureChat(chat_id);
  }
  if (!known_chats_.contains(chat_id)) {
    RespondError(request, 400, "Chat not found");
    return false;
  }
  return true;
}

bool ClientSession::RejectBot(Request& request) {
  if (!is_bot_) return false;
  RespondError(request, 400, "The method is not available to bots");
  return true;
}

void ClientSession::EmitChatLastMessage(std::int64_t chat_id, const StoredMessage* shown, Json shown_object) {
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  const StoredMessage* last = dialog != nullptr ? dialog->Last() : nullptr;
  Json update = Obj("updateChatLastMessage");  // schema order: chat_id, last_message, positions
  update["chat_id"] = chat_id;
  if (last != nullptr) {
    update["last_message"] = last == shown ? std::move(shown_object) : MessageObject(chat_id, *last, files_);
    update["positions"] = Json::array({ChatPosition(Cloud::ChatOrder(*dialog))});
  } else {
    update["positions"] = Json::array();
  }
  Emit(update);
}

void ClientSession::HandleGetMe(Request& request) {
  Respond(request, UserObject(*world_.cloud().FindUser(user_id_)));
}

void ClientSession::HandleGetUser(Request& request) {
  std::int64_t user_id = GetInt(request.object, "user_id");
  if (user_id <= 0) return RespondError(request, 400, "Invalid user identifier");
  const User* user = world_.cloud().FindUser(user_id);
  if (user == nullptr || !known_users_.contains(user_id)) return RespondError(request, 400, "User not found");
  Respond(request, UserObjectFor(world_.cloud(), user_id_, *user));
}

void ClientSession::HandleGetChat(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  Respond(request, ChatObject(world_.cloud(), user_id_, chat_id, true, files_));
}

void ClientSession::HandleCreatePrivateChat(Request& request) {
  std::int64_t user_id = GetInt(request.object, "user_id");
  // A bot may name any user with force (TDLib then needs no access hash for it).
  bool bot_force = is_bot_ && GetBool(request.object, "force");
  if (world_.cloud().FindUser(user_id) == nullptr || (!known_users_.contains(user_id) && !bot_force)) {
    return RespondError(request, 400, "Chat info not found");
  }
  EnsureChat(user_id);
  Respond(request, ChatObject(world_.cloud(), user_id_, user_id, true, files_));
}

void ClientSession::HandleSearchPublicChat(Request& request) {
  std::string username = GetString(request.object, "username");
  if (!username.empty() && username[0] == '@') username.erase(0, 1);
  if (username.empty()) return RespondError(request, 200, "Username is invalid");
  CallServer(request, [this, username](Request& r) {
    if (username.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
        std::string::npos) {
      return RespondError(r, 400, "USERNAME_INVALID");
    }
    std::int64_t chat_id = 0;
    Cloud& cloud = world_.cloud();
    if (const User* user = cloud.FindByUsername(username)) chat_id = user->id;
    // Public supergroups and channels resolve for anyone; a basic group (which Telegram
    // never makes public) only for its members.
    if (std::int64_t group_id = cloud.FindGroupByUsername(username); group_id != 0) {
      const Group* group = cloud.FindGroup(group_id);
      if (group->kind == GroupKind::kSupergroup || cloud.CanAccessChat(user_id_, group_id)) chat_id = group_id;
    }
    if (chat_id == 0) return RespondError(r, 400, "USERNAME_NOT_OCCUPIED");
    EnsureChat(chat_id);
    Respond(r, ChatObject(world_.cloud(), user_id_, chat_id, true, files_));
  });
}

void ClientSession::HandleLoadChats(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t limit = GetInt(request.object, "limit");
  if (limit <= 0) return RespondError(request, 400, "Parameter limit must be positive");
  CallServer(request, [this, limit](Request& r) {
    std::vector<std::int64_t> chats = world_.cloud().ChatsOf(user_id_);
    if (loaded_chats_ >= chats.size()) return RespondError(r, 404, "Not Found");
    std::size_t end = std::min(chats.size(), loaded_chats_ + static_cast<std::size_t>(limit));
    for (; loaded_chats_ < end; ++loaded_chats_) {
      std::int64_t chat_id = chats[loaded_chats_];
      EnsureChat(chat_id);
      const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
      std::int64_t order = dialog ? Cloud::ChatOrder(*dialog) : 0;
      if (order == 0) order = world_.cloud().FindGroup(chat_id) ? world_.cloud().FindGroup(chat_id)->date << 32 : 1;
      Json update = Obj("updateChatPosition");
      update["chat_id"] = chat_id;
      update["position"] = ChatPosition(order);
      Emit(update);
    }
    Respond(r, Obj("ok"));
  });
}

void ClientSession::HandleGetChats(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t limit = GetInt(request.object, "limit");
  if (limit <= 0) return RespondError(request, 400, "Parameter limit must be positive");
  std::vector<std::int64_t> chats = world_.cloud().ChatsOf(user_id_);
  Json ids = Json::array();
  for (std::int64_t chat_id : chats) {
    if (static_cast<std::int64_t>(ids.size()) >= limit) break;
    EnsureChat(chat_id);
    ids.push_back(chat_id);
  }
  Json out = Obj("chats");
  out["total_count"] = static_cast<int>(chats.size());
  out["chat_ids"] = ids;
  Respond(request, out);
}

void ClientSession::HandleOpenChat(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  open_chats_.insert(chat_id);
  Respond(request, Obj("ok"));
}

void ClientSession::HandleCloseChat(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  open_chats_.erase(chat_id);
  Respond(request, Obj("ok"));
}

}  // namespace tgsim
