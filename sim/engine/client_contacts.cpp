// Contacts (UserManager.cpp): searchUserByPhoneNumber, importContacts, getContacts, and
// canSendMessageToUser, which depends on them.
// Numbers are cleaned to their digits like clean_phone_number; an import makes the
// user a contact, which TDLib announces with a fresh updateUser.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

struct ImportEntry {
  std::string phone;
  ContactName name;
};

// get_contacts in Contact.cpp: each entry must be present and valid UTF-8.
std::vector<ImportEntry> ReadImportedContacts(const Json& object) {
  std::vector<ImportEntry> out;
  const Json* list = object.contains("contacts") ? &object["contacts"] : nullptr;
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) GetIntArray(object, "contacts");  // throws TDLib's kind error
  for (const Json& item : *list) {
    Json holder = {{"c", item}};
    const Json& contact = GetObject(holder, "c");
    if (contact.is_null()) throw RequestParseError("Contact must be non-empty");
    ImportEntry entry{GetString(contact, "phone_number"),
                      {GetString(contact, "first_name"), GetString(contact, "last_name")}};
    if (!IsValidUtf8(entry.phone)) throw RequestParseError("Phone number must be encoded in UTF-8");
    if (!IsValidUtf8(entry.name.first_name)) throw RequestParseError("First name must be encoded in UTF-8");
    if (!IsValidUtf8(entry.name.last_name)) throw RequestParseError("Last name must be encoded in UTF-8");
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

void ClientSession::AnnounceUser(std::int64_t user_id) {
  known_users_.erase(user_id);
  EnsureUser(user_id);
}

void ClientSession::OnUserChanged(std::int64_t user_id) {
  may_message_.erase(user_id);
  if (!known_users_.contains(user_id)) return;
  AnnounceUser(user_id);
  const User* user = world_.cloud().FindUser(user_id);
  if (user != nullptr && user->deleted && known_chats_.contains(user_id)) {
    // UserManager::update_user: a changed name retitles the private chat.
    Json title = Obj("updateChatTitle");
    title["chat_id"] = user_id;
    title["title"] = "";
    Emit(title);
  }
}

void ClientSession::LoadContacts() {
  // TDLib loads the contact list (contacts.getContacts) before its first contact query.
  if (contacts_loaded_) return;
  contacts_loaded_ = true;
  for (std::int64_t user_id : world_.cloud().ContactsOf(user_id_)) EnsureUser(user_id);
}

void ClientSession::HandleSearchUserByPhoneNumber(Request& request) {
  if (RejectBot(request)) return;
  std::string raw = GetString(request.object, "phone_number");
  if (!IsValidUtf8(raw)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  std::string digits = PhoneDigits(raw);
  if (digits.empty()) return RespondError(request, 200, "Phone number is invalid");
  auto answer = [this](Request& r, std::int64_t user_id) {
    if (user_id == 0) return RespondError(r, 404, "Not Found");
    EnsureUser(user_id);
    Respond(r, UserObjectFor(world_.cloud(), user_id_, *world_.cloud().FindUser(user_id)));
  };
  // TDLib caches every answer, "not found" included, for the rest of the session.
  if (auto it = resolved_phones_.find(digits); it != resolved_phones_.end()) {
    return answer(request, it->second);
  }
  if (GetBool(request.object, "only_local")) return answer(request, 0);
  CallServer(request, [this, digits, answer](Request& r) {
    const User* user = world_.cloud().ResolvePhone(user_id_, digits);
    std::int64_t user_id = user == nullptr ? 0 : user->id;
    resolved_phones_[digits] = user_id;
    answer(r, user_id);
  });
}

void ClientSession::HandleImportContacts(Request& request) {
  if (RejectBot(request)) return;
  std::vector<ImportEntry> entries = ReadImportedContacts(request.object);
  CallServer(request, [this, entries](Request& r) {
    LoadContacts();
    Json user_ids = Json::array(), importer_count = Json::array();
    for (const ImportEntry& entry : entries) {
      const User* user = world_.cloud().ResolvePhone(user_id_, entry.phone);
      std::int64_t id = user == nullptr ? 0 : user->id;
      if (id != 0 && id != user_id_) {  // one's own number resolves but is no contact
        world_.cloud().AddContact(user_id_, id, entry.name);
        AnnounceUser(id);
      }
      user_ids.push_back(id);
      importer_count.push_back(0);  // only counted for numbers not on Telegram
    }
    Json out = Obj("importedContacts");
    out["user_ids"] = user_ids;
    out["importer_count"] = importer_count;
    Respond(r, out);
  });
}

void ClientSession::HandleGetContacts(Request& request) {
  if (RejectBot(request)) return;
  CallServer(request, [this](Request& r) {
    LoadContacts();
    std::vector<std::int64_t> ids = world_.cloud().ContactsOf(user_id_);
    Json out = Obj("users");
    out["total_count"] = static_cast<int>(ids.size());
    out["user_ids"] = ids;
    Respond(r, out);
  });
}

// UserManager::can_send_message_to_user: oneself and users who do not restrict new chats
// (as the user object shows it) are Ok at once; an unknown or deleted user is "deleted"
// (PEER_FLOOD plays no part here: users.getRequirementsToContact knows nothing of it); otherwise
// the server decides (users.getRequirementsToContact) and TDLib remembers the answer.
// With only_local and nothing remembered, TDLib answers Ok.
void ClientSession::HandleCanSendMessageToUser(Request& request) {
  std::int64_t target = GetInt(request.object, "user_id");
  auto answer = [this](Request& r, bool may) {
    Respond(r, Obj(may ? "canSendMessageToUserResultOk" : "canSendMessageToUserResultUserRestrictsNewChats"));
  };
  if (target == user_id_) return answer(request, true);
  const User* user = world_.cloud().FindUser(target);
  // have_input_peer_user with Write access: none for a deleted user.
  if (user == nullptr || !known_users_.contains(target) || user->deleted) {
    return Respond(request, Obj("canSendMessageToUserResultUserIsDeleted"));
  }
  Json shown = UserObjectFor(world_.cloud(), user_id_, *user);
  if (!shown.value("restricts_new_chats", false)) return answer(request, true);
  if (auto it = may_message_.find(target); it != may_message_.end()) return answer(request, it->second);
  if (GetBool(request.object, "only_local")) return answer(request, true);
  CallServer(request, [this, target, answer](Request& r) {
    bool may = world_.cloud().MayWritePrivately(user_id_, target);
    may_message_[target] = may;
    answer(r, may);
  });
}

}  // namespace tgsim
