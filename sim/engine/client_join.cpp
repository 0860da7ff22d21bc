// Joining and leaving groups (DialogParticipantManager::join_dialog / leave_dialog) and
// invite links (DialogInviteLinkManager, LinkManager::get_dialog_invite_link_hash), as
// TDLib 1.8.65 answers them: joinChat and joinChatByInviteLink give chatJoinResultSuccess.
#include <cctype>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {
namespace {

bool IsBase64Url(std::string_view s) {
  return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// The hash of an invite link (t.me/+HASH, t.me/joinchat/HASH, telegram.me/…,
// telegram.dog/…, tg://join?invite=HASH), or "" when it is none (TDLib's "Wrong invite link").
std::string InviteHash(std::string_view link) {
  std::string_view rest = link;
  for (std::string_view tg : {"tg://join?invite=", "tg:join?invite="}) {
    if (StartsWithNoCase(rest, tg)) {
      std::string_view hash = rest.substr(tg.size());
      hash = hash.substr(0, hash.find('&'));
      return IsBase64Url(hash) && hash.find_first_not_of("0123456789") != std::string_view::npos
                 ? std::string(hash) : "";
    }
  }
  for (std::string_view scheme : {"https://", "http://"}) {
    if (StartsWithNoCase(rest, scheme)) rest.remove_prefix(scheme.size());
  }
  if (StartsWithNoCase(rest, "www.")) rest.remove_prefix(4);
  bool host = false;
  for (std::string_view name : {"t.me/", "telegram.me/", "telegram.dog/"}) {
    if (StartsWithNoCase(rest, name)) {
      rest.remove_prefix(name.size());
      host = true;
      break;
    }
  }
  if (!host) return "";
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string_view hash;
  if (rest.substr(0, 9) == "joinchat/") {
    hash = rest.substr(9);
  } else if (rest.size() >= 2 && (rest[0] == '+' || rest[0] == ' ')) {
    hash = rest.substr(1);
  } else {
    return "";
  }
  hash = hash.substr(0, hash.find('/'));
  // An all-digit "hash" is a phone number link.
  if (hash.empty() || !IsBase64Url(hash) || hash.find_first_not_of("0123456789") == std::string_view::npos) {
    return "";
  }
  return std::string(hash);
}

Json JoinSuccess(std::int64_t chat_id) {
  Json out = Obj("chatJoinResultSuccess");
  out["chat_id"] = chat_id;
  return out;
}

}  // namespace

void ClientSession::OnMembershipChanged(std::int64_t chat_id) {
  if (state_ != AuthState::kReady) return;
  Cloud& cloud = world_.cloud();
  const Group* group = cloud.FindGroup(chat_id);
  if (group == nullptr) return;
  bool member = cloud.IsMember(user_id_, chat_id);
  if (!known_chats_.contains(chat_id)) {
    if (!member) return;
    EnsureChat(chat_id);  // the group and the chat come with the server's answer
  } else {
    bool basic = group->kind == GroupKind::kBasic;
    Json update = Obj(basic ? "updateBasicGroup" : "updateSupergroup");
    update[basic ? "basic_group" : "supergroup"] =
        basic ? BasicGroupObject(*group, user_id_) : SupergroupObject(*group, user_id_);
    Emit(update);
  }
  // A left supergroup leaves the main list; a left basic group stays in it.
  if (!member && group->kind == GroupKind::kBasic) return;
  std::int64_t order = 0;
  if (member) {
    const Dialog* dialog = cloud.FindDialog(user_id_, chat_id);
    order = dialog != nullptr && dialog->Last() != nullptr ? Cloud::ChatOrder(*dialog)
                                                           : world_.scheduler().Now() << 32;
  }
  Json position = Obj("updateChatPosition");
  position["chat_id"] = chat_id;
  position["position"] = ChatPosition(order);
  Emit(position);
}

void ClientSession::HandleJoinChat(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!known_chats_.contains(chat_id)) return RespondError(request, 400, "Chat not found");
  if (chat_id > 0) return RespondError(request, 400, "Can't join private chats");
  Cloud& cloud = world_.cloud();
  const Group* group = cloud.FindGroup(chat_id);
  bool basic = group->kind == GroupKind::kBasic;
  // A member of a supergroup is answered at once; a basic group asks the server
  // (messages.addChatUser with inputUserSelf).
  if (!basic && cloud.IsMember(user_id_, chat_id)) return Respond(request, JoinSuccess(chat_id));
  CallServer(request, [this, chat_id, basic](Request& r) {
    Cloud& cloud = world_.cloud();
    if (basic) {
      if (cloud.IsMember(user_id_, chat_id)) return RespondError(r, 400, "USER_ALREADY_PARTICIPANT");
      if (!cloud.HasLeft(user_id_, chat_id)) return RespondError(r, 400, "CHAT_ADMIN_REQUIRED");
    } else if (!cloud.IsMember(user_id_, chat_id) && cloud.FindGroup(chat_id)->username.empty()) {
      return RespondError(r, 400, "CHANNEL_PRIVATE");
    }
    if (cloud.Join(user_id_, chat_id)) world_.DeliverMembershipChanged(user_id_, chat_id);
    Respond(r, JoinSuccess(chat_id));
  });
}

void ClientSession::HandleLeaveChat(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!known_chats_.contains(chat_id)) return RespondError(request, 400, "Chat not found");
  if (chat_id > 0) return RespondError(request, 400, "Can't leave private chats");
  // Not a member (any more): TDLib answers ok without asking the server.
  if (!world_.cloud().IsMember(user_id_, chat_id)) return Respond(request, Obj("ok"));
  CallServer(request, [this, chat_id](Request& r) {
    if (world_.cloud().Leave(user_id_, chat_id)) world_.DeliverMembershipChanged(user_id_, chat_id);
    Respond(r, Obj("ok"));
  });
}

Json ClientSession::InviteLinkInfo(std::int64_t chat_id) {
  Cloud& cloud = world_.cloud();
  const Group* group = cloud.FindGroup(chat_id);
  bool member = cloud.IsMember(user_id_, chat_id);
  bool is_public = group->kind == GroupKind::kSupergroup && !group->username.empty();
  Json out = Obj("chatInviteLinkInfo");
  // chatInviteAlready (a member) names the chat; chatInvite (anyone else) does not.
  out["chat_id"] = member ? chat_id : 0;
  out["accessible_for"] = 0;
  out["type"] = Obj(group->kind == GroupKind::kBasic ? "inviteLinkChatTypeBasicGroup"
                    : group->is_channel             ? "inviteLinkChatTypeChannel"
                                                    : "inviteLinkChatTypeSupergroup");
  out["title"] = group->title;
  // A member sees the chat's own colour; a chatInvite without a colour gives blue (5).
  out["accent_color_id"] = member ? static_cast<int>((-chat_id) % 7) : 5;
  out["description"] = "";
  out["member_count"] = static_cast<int>(group->members.size());
  out["member_user_ids"] = Json::array();
  if (!member && !group->is_channel) {
    // The server shows a few members: here those the user has saved as contacts.
    for (std::int64_t id : group->members) {
      if (cloud.FindContact(user_id_, id) == nullptr || out["member_user_ids"].size() >= 10) continue;
      EnsureUser(id);
      out["member_user_ids"].push_back(id);
    }
  }
  out["creates_join_request"] = false;
  out["is_public"] = is_public;
  return out;
}

void ClientSession::HandleCheckChatInviteLink(Request& request) {
  std::string link = GetString(request.object, "invite_link");
  // TDLib keeps what the server said about a link until the link is used to join.
  if (auto it = invite_link_infos_.find(link); it != invite_link_infos_.end()) return Respond(request, it->second);
  std::string hash = InviteHash(link);
  if (hash.empty()) return RespondError(request, 400, "Wrong invite link");
  CallServer(request, [this, hash, link](Request& r) {
    std::int64_t chat_id = world_.cloud().FindGroupByInviteHash(hash);
    if (chat_id == 0) return RespondError(r, 400, "INVITE_HASH_EXPIRED");
    if (world_.cloud().IsMember(user_id_, chat_id)) EnsureChat(chat_id);
    Json info = InviteLinkInfo(chat_id);
    invite_link_infos_[link] = info;
    Respond(r, info);
  });
}

void ClientSession::HandleJoinChatByInviteLink(Request& request) {
  std::string link = GetString(request.object, "invite_link");
  std::string hash = InviteHash(link);
  if (hash.empty()) return RespondError(request, 400, "Wrong invite link");
  CallServer(request, [this, hash, link](Request& r) {
    invite_link_infos_.erase(link);  // answered or not, TDLib forgets the link's info
    std::int64_t chat_id = world_.cloud().FindGroupByInviteHash(hash);
    if (chat_id == 0) return RespondError(r, 400, "INVITE_HASH_EXPIRED");
    if (!world_.cloud().Join(user_id_, chat_id)) return RespondError(r, 400, "USER_ALREADY_PARTICIPANT");
    world_.DeliverMembershipChanged(user_id_, chat_id);
    Respond(r, JoinSuccess(chat_id));
  });
}

}  // namespace tgsim
