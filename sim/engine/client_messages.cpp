// sendMessage, editMessageText, deleteMessages (tdlib-facts §7.1, §7.3–§7.5) and the
// updates other parties' actions produce.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

// Inserts `key` (not yet in `object`) right after `after`, keeping the schema order of the
// other fields, which move.
Json InsertAfter(Json object, std::string_view after, std::string_view key, Json value) {
  Json out = Json::object();
  auto& members = out.get_ref<Json::object_t&>();
  members.reserve(object.size() + 1);
  for (auto& [name, member] : object.get_ref<Json::object_t&>()) {
    members.emplace_back(name, std::move(member));
    if (name == after) members.emplace_back(std::string(key), std::move(value));
  }
  return out;
}

Json FailedState(const Json& error, int retry_after) {
  Json state = Obj("messageSendingStateFailed");
  state["error"] = error;
  state["can_retry"] = error.value("code", 0) == 429;
  state["need_another_sender"] = false;
  state["need_another_reply_quote"] = false;
  state["need_drop_reply"] = false;
  state["required_paid_message_star_count"] = 0;
  state["retry_after"] = retry_after;
  return state;
}

}  // namespace

std::int64_t ClientSession::PendingTopic(std::int64_t chat_id, std::int64_t topic_id) const {
  // TDLib shows a message of a forum in its topic from the start (General without one).
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  if (group != nullptr && group->is_forum && topic_id == 0) return kGeneralTopicId;
  return topic_id;
}

std::int64_t ClientSession::NextTemporaryId(std::int64_t chat_id) {
  std::int64_t& last = last_local_id_[chat_id];
  if (const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id); dialog && dialog->Last()) {
    last = std::max(last, dialog->Last()->id);
  }
  last = ((last + 7) & ~std::int64_t{7}) + 1;
  return last;
}

std::string_view ClientSession::WriteRefusal(std::int64_t chat_id) const {
  // DialogManager::can_send_message_to_dialog.
  if (!world_.cloud().CanAccessChat(user_id_, chat_id)) return "Have no write access to the chat";
  // UserManager::have_input_peer_user refuses write access to a deleted user.
  if (const User* peer = chat_id > 0 ? world_.cloud().FindUser(chat_id) : nullptr; peer != nullptr && peer->deleted) {
    return "Have no write access to the chat";
  }
  if (!world_.cloud().CanPost(user_id_, chat_id)) return "Need administrator rights in the channel chat";
  return "";
}

std::optional<Json> ClientSession::SendableText(Request& request, std::int64_t chat_id) {
  if (!CheckChat(request, chat_id)) return std::nullopt;
  const Json& content = GetObject(request.object, "input_message_content");
  std::string error;
  std::string body = GetString(GetObject(content, "text"), "text");
  if (content.is_null()) error = "Can't send message without content";
  else if (TypeOf(content) != "inputMessageText") error = "tgsim simulates only inputMessageText content";
  else if (!WriteRefusal(chat_id).empty()) error = WriteRefusal(chat_id);
  else if (!IsValidUtf8(body)) error = "Strings must be encoded in UTF-8";
  else if (body.find_first_not_of(" \t\n\r") == std::string::npos) error = "Text must be non-empty";
  if (!error.empty()) {
    RespondError(request, 400, error);
    return std::nullopt;
  }
  Json formatted = FormattedText(body);
  const Json& text = GetObject(content, "text");
  if (text.contains("entities") && text["entities"].is_array()) formatted["entities"] = text["entities"];
  return formatted;
}

Json ClientSession::PendingMessageObject(std::int64_t chat_id, const StoredMessage& pending) {
  Json state = Obj("messageSendingStatePending");
  state["sending_id"] = 0;
  // TDLib sends into a channel as the channel from the start.
  const Group* group = chat_id < 0 ? world_.cloud().FindGroup(chat_id) : nullptr;
  StoredMessage shown = pending;
  shown.channel_post = group != nullptr && group->is_channel;
  return InsertAfter(MessageObject(chat_id, shown, files_), "chat_id", "sending_state", state);
}

void ClientSession::HandleSendMessage(Request& request) {
  const Json& content = GetObject(request.object, "input_message_content");
  if (IsInputMediaContent(TypeOf(content))) return HandleSendMedia(request);
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  MessageMedia extras;
  Json formatted;
  if (TypeOf(content) == "inputMessageContact") {
    std::optional<Json> contact = SendableContact(request, chat_id);
    if (!contact) return;
    extras.contact = std::move(*contact);
    formatted = FormattedText("");
  } else {
    std::optional<Json> sendable = SendableText(request, chat_id);
    if (!sendable) return;
    formatted = std::move(*sendable);
  }
  std::optional<std::int64_t> topic = InputTopic(request, chat_id);
  if (!topic) return;
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, false);
  if (!markup) return;
  extras.reply_markup = std::move(*markup);
  extras.topic_id = *topic;
  std::int64_t reply_to = GetInt(GetObject(request.object, "reply_to"), "message_id");

  std::int64_t temp_id = NextTemporaryId(chat_id);
  StoredMessage pending{temp_id, user_id_, true, world_.scheduler().Now(), 0, formatted, reply_to, 0, {}, 0, {}, {}};
  pending.reply_markup = extras.reply_markup;
  pending.contact = extras.contact;
  pending.topic_id = PendingTopic(chat_id, *topic);
  AnnouncePending(request, chat_id, PendingMessageObject(chat_id, pending), pending.date);
  std::weak_ptr<ClientSession> weak = weak_from_this();
  CallServerDetached(
      "sendMessage",
      [weak, chat_id, temp_id, formatted, reply_to, extras] {
        if (auto self = weak.lock()) self->CompleteSend(chat_id, temp_id, formatted, reply_to, extras);
      },
      [weak, chat_id, temp_id, formatted](Json error) {
        if (auto self = weak.lock()) self->FailSend(chat_id, temp_id, formatted, error);
      });
}

std::optional<Json> ClientSession::SendableContact(Request& request, std::int64_t chat_id) {
  if (!CheckChat(request, chat_id)) return std::nullopt;
  const Json& contact = GetObject(GetObject(request.object, "input_message_content"), "contact");
  std::string error;
  std::int64_t contact_user = GetInt(contact, "user_id");
  // Contact.cpp's checks, in its order.
  if (contact.is_null()) error = "Contact must be non-empty";
  else if (contact_user != 0 && !known_users_.contains(contact_user)) error = "User not found";
  else if (!IsValidUtf8(GetString(contact, "phone_number"))) error = "Phone number must be encoded in UTF-8";
  else if (!IsValidUtf8(GetString(contact, "first_name"))) error = "First name must be encoded in UTF-8";
  else if (!IsValidUtf8(GetString(contact, "last_name"))) error = "Last name must be encoded in UTF-8";
  else if (!IsValidUtf8(GetString(contact, "vcard"))) error = "vCard must be encoded in UTF-8";
  else if (!WriteRefusal(chat_id).empty()) error = WriteRefusal(chat_id);
  if (!error.empty()) {
    RespondError(request, 400, error);
    return std::nullopt;
  }
  Json out = Obj("contact");
  for (const char* field : {"phone_number", "first_name", "last_name", "vcard"}) out[field] = GetString(contact, field);
  out["user_id"] = GetInt(contact, "user_id");
  return out;
}

void ClientSession::CompleteSend(std::int64_t chat_id, std::int64_t temp_id, Json text,
                                 std::int64_t reply_to, MessageMedia extras) {
  if (state_ != AuthState::kReady) return;
  if (Utf16Length(text.value("text", std::string())) > 4096) {
    return FailSend(chat_id, temp_id, text, MakeError(400, "Message is too long"));
  }
  std::weak_ptr<ClientSession> weak = weak_from_this();
  bool held = HoldSend(
      chat_id, temp_id,
      [weak, chat_id, temp_id, text, reply_to, extras] {
        if (auto self = weak.lock()) self->CompleteSend(chat_id, temp_id, text, reply_to, extras);
      },
      [this, chat_id, temp_id, &text, &extras](Json error) {
        StoredMessage failed{0, user_id_, true, 0, 0, text, 0, 0, {}, 0, extras.reply_markup, extras.contact};
        failed.topic_id = PendingTopic(chat_id, extras.topic_id);
        FailMessage(chat_id, temp_id, failed, error);
      },
      extras.topic_id);
  if (held) return;
  SendSucceeded(chat_id, temp_id,
                world_.cloud().Send(user_id_, chat_id, text, reply_to, world_.scheduler().Now(), extras));
}

void ClientSession::AnnouncePending(Request& request, std::int64_t chat_id, const Json& message, std::int64_t date) {
  const std::string text = Dump(message);
  AnnouncePendingNew(text);
  AnnouncePendingLast(chat_id, text, date);
  RespondText(request, text);
}

void ClientSession::AnnouncePendingNew(const std::string& message_text) {
  if (is_bot_) return;
  Json update = Obj("updateNewMessage");
  update["message"] = nullptr;  // written as message_text
  EmitText(DumpWith(update, "message", message_text));
}

void ClientSession::AnnouncePendingLast(std::int64_t chat_id, const std::string& message_text, std::int64_t date) {
  if (is_bot_) return;
  Json last = Obj("updateChatLastMessage");
  last["chat_id"] = chat_id;
  last["last_message"] = nullptr;  // written as message_text
  last["positions"] = Json::array({ChatPosition((date << 32) | 0xfffff)});
  EmitText(DumpWith(last, "last_message", message_text));
}

void ClientSession::SendSucceeded(std::int64_t chat_id, std::int64_t temp_id,
                                  const std::vector<MessageCopy>& copies) {
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  const StoredMessage& sent = dialog->messages.at(copies.front().message_id);
  last_local_id_[chat_id] = std::max(last_local_id_[chat_id], sent.id);
  Json update = Obj("updateMessageSendSucceeded");
  update["message"] = MessageObject(chat_id, sent, files_);
  update["old_message_id"] = temp_id;
  Emit(update);
  EmitChatLastMessage(chat_id, &sent, std::move(update["message"]));
  world_.DeliverNewMessages(copies, this);
}

void ClientSession::FailSend(std::int64_t chat_id, std::int64_t temp_id, const Json& text,
                             const Json& error) {
  FailMessage(chat_id, temp_id, StoredMessage{0, user_id_, true, 0, 0, text, 0, 0, {}, 0, {}, {}}, error);
}

void ClientSession::FailMessage(std::int64_t chat_id, std::int64_t temp_id, StoredMessage message,
                                const Json& error) {
  // A send that meets the ban fails while the client is already logging out.
  if (state_ != AuthState::kReady && state_ != AuthState::kLoggingOut) return;
  std::string message_text = error.value("message", std::string());
  int retry_after = 0;
  if (auto pos = message_text.find("retry after "); pos != std::string::npos) {
    retry_after = std::stoi(message_text.substr(pos + 12));
  }
  // A failed message comes back under a new local id (type bits 2).
  StoredMessage failed = std::move(message);
  failed.id = (temp_id & ~std::int64_t{7}) + 2;
  failed.date = world_.scheduler().Now();
  failed.reply_to_id = 0;
  Json update = Obj("updateMessageSendFailed");
  update["message"] = InsertAfter(MessageObject(chat_id, failed, files_), "chat_id", "sending_state",
                                  FailedState(error, retry_after));
  update["old_message_id"] = temp_id;
  update["error"] = error;
  Emit(update);
}

void ClientSession::HandleEditMessageText(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  const Json& content = GetObject(request.object, "input_message_content");
  if (TypeOf(content) != "inputMessageText") {
    return RespondError(request, 400, "Input message content type must be InputMessageText");
  }
  Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) {
    return RespondError(request, 400, "Message not found");
  }
  if (!dialog->messages.at(message_id).outgoing) return RespondError(request, 400, "Message can't be edited");
  Json text = GetObject(content, "text");
  if (GetString(text, "text").find_first_not_of(" \t\n\r") == std::string::npos) {
    return RespondError(request, 400, "Text must be non-empty");
  }
  Json formatted = FormattedText(GetString(text, "text"));
  if (text.contains("entities") && text["entities"].is_array()) formatted["entities"] = text["entities"];
  // A bot's edit replaces the inline keyboard (none given: removed); a user's keeps it.
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, true);
  if (!markup) return;
  if (!is_bot_) markup.reset();
  CallServer(request, [this, chat_id, message_id, formatted, markup](Request& r) {
    auto copies = world_.cloud().Edit(user_id_, chat_id, message_id, formatted, markup, world_.scheduler().Now());
    world_.DeliverEdits(copies);
    const Dialog* d = world_.cloud().FindDialog(user_id_, chat_id);
    if (d == nullptr || !d->messages.contains(message_id)) return RespondError(r, 400, "Message not found");
    Respond(r, MessageObject(chat_id, d->messages.at(message_id), files_));
  });
}

void ClientSession::HandleDeleteMessages(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::vector<std::int64_t> ids = GetIntArray(request.object, "message_ids");
  bool revoke = GetBool(request.object, "revoke");
  if (ids.empty()) return Respond(request, Obj("ok"));
  if (!CheckChat(request, chat_id)) return;
  for (auto id : ids) {
    if (id <= 0) return RespondError(request, 400, "Invalid message identifier");
  }
  const Group* group = world_.cloud().FindGroup(chat_id);
  if (group != nullptr && group->kind == GroupKind::kSupergroup) {
    revoke = true;
    for (auto id : ids) {
      if (!CanDeleteInSupergroup(chat_id, id)) return RespondError(request, 400, "Message can't be deleted");
    }
  }
  CallServer(request, [this, chat_id, ids, revoke](Request& r) {
    world_.DeliverDeletions(world_.cloud().Delete(user_id_, chat_id, ids, revoke), user_id_);
    Respond(r, Obj("ok"));
  });
}

bool ClientSession::CanDeleteInSupergroup(std::int64_t chat_id, std::int64_t message_id) const {
  // MessagesManager::can_delete_channel_message, for messages the client has.
  const StoredMessage* message = world_.cloud().FindMessage(user_id_, chat_id, message_id);
  if (message == nullptr) return true;
  if (message_id == kServerIdShift) return false;  // the group's first message
  if (message->service.is_object() && message->service.value("@type", "") == "messageForumTopicCreated") return false;
  if (world_.cloud().HasRight(user_id_, chat_id, "can_delete_messages")) return true;
  return message->outgoing;
}

void ClientSession::OnNewMessage(std::int64_t chat_id, std::int64_t message_id) {
  if (state_ != AuthState::kReady) return;
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) return;
  const StoredMessage& message = dialog->messages.at(message_id);
  if (!message.channel_post) EnsureUser(message.sender_user_id);  // a channel hides its author
  EnsureChat(chat_id, false);
  last_local_id_[chat_id] = std::max(last_local_id_[chat_id], message_id);
  Json update = Obj("updateNewMessage");
  update["message"] = MessageObject(chat_id, message, files_);
  Emit(update);
  EmitChatLastMessage(chat_id, &message, std::move(update["message"]));
  if (!message.outgoing) OnReadInbox(chat_id);
}

void ClientSession::OnMessageEdited(std::int64_t chat_id, std::int64_t message_id, bool content_changed) {
  if (state_ != AuthState::kReady || !known_chats_.contains(chat_id)) return;
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) return;
  const StoredMessage& message = dialog->messages.at(message_id);
  if (content_changed) {
    Json content = Obj("updateMessageContent");
    content["chat_id"] = chat_id;
    content["message_id"] = message_id;
    content["new_content"] = MessageContent(message, files_);
    Emit(content);
  }
  Json edited = Obj("updateMessageEdited");
  edited["chat_id"] = chat_id;
  edited["message_id"] = message_id;
  edited["edit_date"] = message.edit_date;
  if (!message.reply_markup.is_null()) edited["reply_markup"] = message.reply_markup;
  Emit(edited);
}

void ClientSession::OnMessagesDeleted(std::int64_t chat_id, const std::vector<std::int64_t>& ids) {
  if (state_ != AuthState::kReady || !known_chats_.contains(chat_id)) return;
  Json update = Obj("updateDeleteMessages");
  update["chat_id"] = chat_id;
  update["message_ids"] = ids;
  update["is_permanent"] = true;
  update["from_cache"] = false;
  Emit(update);
  EmitChatLastMessage(chat_id);
}

}  // namespace tgsim
