// Who is in which group: joining by username or invite link, leaving, invite links, and
// the spam limit on starting private chats (PEER_FLOOD).
#include <algorithm>

#include "sim/cloud/cloud.h"

namespace tgsim {

bool Cloud::IsMember(std::int64_t user_id, std::int64_t chat_id) const {
  const Group* group = chat_id < 0 ? FindGroup(chat_id) : nullptr;
  return group != nullptr &&
         std::find(group->members.begin(), group->members.end(), user_id) != group->members.end();
}

bool Cloud::HasLeft(std::int64_t user_id, std::int64_t chat_id) const {
  const Group* group = chat_id < 0 ? FindGroup(chat_id) : nullptr;
  return group != nullptr && group->left.contains(user_id);
}

bool Cloud::Join(std::int64_t user_id, std::int64_t chat_id) {
  auto it = groups_.find(chat_id);
  if (it == groups_.end() || IsMember(user_id, chat_id)) return false;
  it->second.members.push_back(user_id);
  it->second.left.erase(user_id);
  DialogOf(user_id, chat_id);  // from now on the user gets the group's new messages
  return true;
}

bool Cloud::Leave(std::int64_t user_id, std::int64_t chat_id) {
  auto it = groups_.find(chat_id);
  if (it == groups_.end() || !IsMember(user_id, chat_id)) return false;
  auto& members = it->second.members;
  members.erase(std::find(members.begin(), members.end(), user_id));
  it->second.left.insert(user_id);
  return true;
}

std::int64_t Cloud::FindGroupByInviteHash(std::string_view hash) const {
  if (hash.empty()) return 0;
  for (const auto& [chat_id, group] : groups_) {
    if (group.invite_hash == hash) return chat_id;
  }
  return 0;
}

std::string Cloud::RevokeInviteLink(std::int64_t chat_id) {
  auto it = groups_.find(chat_id);
  if (it == groups_.end()) return "";
  it->second.invite_hash = NewInviteHash();
  return it->second.invite_hash;
}

void Cloud::SetPeerFlood(std::int64_t user_id, bool on) {
  if (auto it = users_.find(user_id); it != users_.end()) it->second.peer_flood = on;
}

bool Cloud::PeerFloodBlocks(std::int64_t sender, std::int64_t recipient) const {
  const User* user = FindUser(sender);
  if (user == nullptr || !user->peer_flood || sender == recipient) return false;
  if (FindContact(sender, recipient) != nullptr) return false;
  // The limit stops new chats only: a chat that already has messages stays open.
  auto boxes = dialogs_.find(sender);
  if (boxes == dialogs_.end()) return true;
  auto dialog = boxes->second.find(recipient);
  return dialog == boxes->second.end() || dialog->second.messages.empty();
}

}  // namespace tgsim
