// getSupergroup: a supergroup or channel the client has seen (tdlib-facts §7.1:
// its chat id is -1000000000000 - supergroup_id), as updateSupergroup showed it.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {

void ClientSession::HandleGetSupergroup(Request& request) {
  const std::int64_t supergroup_id = GetInt(request.object, "supergroup_id");
  if (supergroup_id <= 0) return RespondError(request, 400, "Invalid supergroup identifier specified");
  const std::int64_t chat_id = -(kSupergroupChatBase + supergroup_id);
  const Group* group = world_.cloud().FindGroup(chat_id);
  if (group == nullptr || group->kind != GroupKind::kSupergroup) {
    return RespondError(request, 400, "Supergroup not found");
  }
  // A bot learns a group it is in from the server on demand, as getChat does.
  if (!known_chats_.contains(chat_id) && is_bot_ && world_.cloud().IsMember(user_id_, chat_id)) EnsureChat(chat_id);
  if (!known_chats_.contains(chat_id)) return RespondError(request, 400, "Supergroup not found");
  Respond(request, SupergroupObject(*group, user_id_));
}

}  // namespace tgsim
