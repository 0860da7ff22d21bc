// An account's updates about messages, turned into the typed callbacks of
// AccountCallbacks (tdlib-facts §7.3-§7.7). Every handler copies what it needs
// before the first callback: the owner may destroy the client inside one.
#include <nlohmann/json.hpp>

#include "telegram/account_client.h"
#include "telegram/chat_cache.h"
#include "telegram/error_map.h"
#include "telegram/media_json.h"
#include "telegram/message_parse.h"
#include "telegram/send_tracker.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// Edits whose updateMessageEdited never came (content changes that are not
// edits) must not pile up.
constexpr std::size_t kMaxPendingEdits = 64;

const json& Field(const json& object, const char* name) {
  static const json kNull;
  auto field = object.find(name);
  return field == object.end() ? kNull : *field;
}

}  // namespace

bool AccountClient::OnMessageUpdate(const std::string& type, const json& update) {
  if (type == "updateNewMessage") {
    OnNewMessage(update);
  } else if (type == "updateMessageSendSucceeded") {
    OnSendOutcome(update, true);
  } else if (type == "updateMessageSendFailed") {
    OnSendOutcome(update, false);
  } else if (type == "updateMessageContent") {
    OnMessageContent(update);
  } else if (type == "updateMessageEdited") {
    OnMessageEdited(update);
  } else if (type == "updateDeleteMessages") {
    OnDeleteMessages(update);
  } else if (type == "updateChatReadInbox") {
    OnReadInbox(update);
  } else if (type == "updateChatReadOutbox") {
    OnReadOutbox(update);
  } else if (type == "updateOption") {
    OnOption(update);
  } else if (type == "updateNewCallbackQuery") {
    OnCallbackQuery(update);  // account_bot.cpp
  } else {
    return false;
  }
  return true;
}

void AccountClient::OnNewMessage(const json& update) {
  const json& message = Field(update, "message");
  // Our own sends first appear with a temporary id and a sending state; they
  // are reported once final, from updateMessageSendSucceeded.
  if (message.is_object() && message.contains("sending_state")) return;
  auto parsed = ParseMessage(message);
  if (!parsed) return;
  chats_->Describe(*parsed);
  auto on_new_message = callbacks_.on_new_message;
  if (on_new_message) on_new_message(*parsed);
}

void AccountClient::OnSendOutcome(const json& update, bool succeeded) {
  const json& message = Field(update, "message");
  std::int64_t chat_id = IntField(message, "chat_id");
  std::int64_t old_id = IntField(update, "old_message_id");
  std::optional<Message> parsed = ParseMessage(message);
  if (!parsed) return;
  chats_->Describe(*parsed);
  Result<json> raw = message;
  Result<Message> outcome = *parsed;
  if (!succeeded) {
    const json& error = Field(update, "error");
    Error mapped = MapTdError(Int32Field(error, "code"), error.value("message", ""));
    raw = mapped;
    outcome = mapped;
  }
  auto sends = sends_;
  auto on_send_result = callbacks_.on_send_result;
  auto on_new_message = succeeded ? callbacks_.on_new_message : nullptr;
  sends->Complete(chat_id, old_id, std::move(raw));
  if (on_send_result) on_send_result(chat_id, old_id, outcome);
  if (on_new_message) on_new_message(*parsed);
}

void AccountClient::OnMessageContent(const json& update) {
  const json& content = Field(update, "new_content");
  if (!content.is_object()) return;
  FormattedText text;
  if (content.value("@type", "") == "messageText") {
    text = ParseFormattedText(Field(content, "text"));
  } else if (ParseMediaContent(content)) {
    text = MediaCaption(content);  // a caption edit
  } else {
    return;
  }
  if (edited_texts_.size() >= kMaxPendingEdits) edited_texts_.clear();
  edited_texts_[{IntField(update, "chat_id"), IntField(update, "message_id")}] = std::move(text);
}

void AccountClient::OnMessageEdited(const json& update) {
  MessageEdit edit;
  edit.chat_id = IntField(update, "chat_id");
  edit.message_id = IntField(update, "message_id");
  edit.edit_date = IntField(update, "edit_date");
  // TDLib sends the new content first, then the edit itself.
  if (auto text = edited_texts_.find({edit.chat_id, edit.message_id}); text != edited_texts_.end()) {
    edit.text = std::move(text->second);
    edited_texts_.erase(text);
  }
  auto on_message_edited = callbacks_.on_message_edited;
  if (on_message_edited) on_message_edited(edit);
}

void AccountClient::OnDeleteMessages(const json& update) {
  // Cache unloads of the message database are not deletions (tdlib-facts §7.5).
  if (update.value("from_cache", false)) return;
  std::vector<std::int64_t> ids;
  const json& message_ids = Field(update, "message_ids");
  if (message_ids.is_array()) {
    for (const auto& id : message_ids) {
      if (id.is_number_integer()) ids.push_back(id.get<std::int64_t>());
    }
  }
  auto on_messages_deleted = callbacks_.on_messages_deleted;
  if (on_messages_deleted && !ids.empty()) on_messages_deleted(IntField(update, "chat_id"), ids);
}

void AccountClient::OnReadInbox(const json& update) {
  auto on_chat_read_inbox = callbacks_.on_chat_read_inbox;
  if (!on_chat_read_inbox) return;
  on_chat_read_inbox(IntField(update, "chat_id"), IntField(update, "last_read_inbox_message_id"),
                     Int32Field(update, "unread_count"));
}

void AccountClient::OnReadOutbox(const json& update) {
  auto on_chat_read_outbox = callbacks_.on_chat_read_outbox;
  if (on_chat_read_outbox) {
    on_chat_read_outbox(IntField(update, "chat_id"), IntField(update, "last_read_outbox_message_id"));
  }
}

void AccountClient::OnOption(const json& update) {
  std::string name = update.value("name", "");
  std::int64_t value = IntField(Field(update, "value"), "value");
  if (value <= 0) return;
  if (name == "message_text_length_max") text_length_max_ = static_cast<int>(value);
  if (name == "message_caption_length_max") caption_length_max_ = static_cast<int>(value);
}

}  // namespace tgmux::telegram
