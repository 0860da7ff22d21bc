// Contacts of the simulated cloud: contacts.resolvePhone, contacts.importContacts and
// the privacy settings that depend on them.
#include "sim/cloud/cloud.h"

namespace tgsim {

const User* Cloud::ResolvePhone(std::int64_t viewer, std::string_view phone) const {
  const User* user = FindByPhone(phone);
  if (user == nullptr || user->is_bot) return nullptr;
  // A hidden number still resolves for its owner and for the owner's own contacts.
  if (!user->findable_by_phone && user->id != viewer && FindContact(user->id, viewer) == nullptr) {
    return nullptr;
  }
  return user;
}

void Cloud::AddContact(std::int64_t owner, std::int64_t user_id, ContactName name) {
  contacts_[owner][user_id] = std::move(name);
}

const ContactName* Cloud::FindContact(std::int64_t owner, std::int64_t user_id) const {
  auto it = contacts_.find(owner);
  if (it == contacts_.end()) return nullptr;
  auto contact = it->second.find(user_id);
  return contact == it->second.end() ? nullptr : &contact->second;
}

void Cloud::SetMessagesFromContactsOnly(std::int64_t user_id, bool contacts_only) {
  if (auto it = users_.find(user_id); it != users_.end()) it->second.messages_from_contacts_only = contacts_only;
}

bool Cloud::MayWritePrivately(std::int64_t sender, std::int64_t recipient) const {
  const User* user = FindUser(recipient);
  if (user == nullptr || !user->messages_from_contacts_only || sender == recipient) return true;
  if (FindContact(recipient, sender) != nullptr) return true;
  // The setting restricts new chats only: a chat with messages stays open.
  auto boxes = dialogs_.find(recipient);
  if (boxes == dialogs_.end()) return false;
  auto dialog = boxes->second.find(sender);
  return dialog != boxes->second.end() && !dialog->second.messages.empty();
}

std::vector<std::int64_t> Cloud::ContactsOf(std::int64_t owner) const {
  std::vector<std::int64_t> out;
  if (auto it = contacts_.find(owner); it != contacts_.end()) {
    for (const auto& [user_id, name] : it->second) out.push_back(user_id);
  }
  return out;
}

}  // namespace tgsim
