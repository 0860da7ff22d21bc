// getChatHistory, getMessage, viewMessages and read receipts (tdlib-facts §7.6, §7.7).
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {

void ClientSession::HandleGetChatHistory(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t from = GetInt(request.object, "from_message_id");
  std::int64_t offset = GetInt(request.object, "offset");
  std::int64_t limit = GetInt(request.object, "limit");
  if (!CheckChat(request, chat_id)) return;
  if (limit <= 0) return RespondError(request, 400, "Parameter limit must be positive");
  if (offset > 0) return RespondError(request, 400, "Parameter offset must be non-positive");
  if (offset <= -100) return RespondError(request, 400, "Parameter offset must be greater than -100");
  if (offset < -limit) return RespondError(request, 400, "Parameter offset must be greater than or equal to -limit");
  if (from < 0) return RespondError(request, 400, "Invalid value of parameter from_message_id specified");
  limit = std::min<std::int64_t>(limit, 100);
  // TDLib answers the first unanchored request with what it has in memory, usually
  // just the last message, while it preloads more: clients must paginate.
  bool first_look = from == 0 && offset == 0 && !preloaded_history_.contains(chat_id);
  preloaded_history_.insert(chat_id);
  if (first_look) limit = 1;
  std::vector<const StoredMessage*> newest_first;
  if (const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id)) {
    for (auto it = dialog->messages.rbegin(); it != dialog->messages.rend(); ++it) {
      newest_first.push_back(&it->second);
    }
  }
  std::size_t older = 0;  // index of the first message older than from_message_id
  while (from != 0 && older < newest_first.size() && newest_first[older]->id >= from) ++older;
  std::int64_t start = std::max<std::int64_t>(0, static_cast<std::int64_t>(older) + offset);
  Json messages = Json::array();
  for (std::size_t i = start; i < newest_first.size() && static_cast<std::int64_t>(messages.size()) < limit; ++i) {
    EnsureUser(newest_first[i]->sender_user_id);
    messages.push_back(MessageObject(chat_id, *newest_first[i], files_));
  }
  Json out = Obj("messages");
  out["total_count"] = static_cast<int>(messages.size());
  out["messages"] = messages;
  Respond(request, out);
}

void ClientSession::HandleGetMessage(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  if (message_id <= 0) return RespondError(request, 400, "Invalid message identifier");
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) return RespondError(request, 404, "Not Found");
  Respond(request, MessageObject(chat_id, dialog->messages.at(message_id), files_));
}

void ClientSession::HandleViewMessages(Request& request) {
  if (RejectBot(request)) return;
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::vector<std::int64_t> ids = GetIntArray(request.object, "message_ids");
  if (!CheckChat(request, chat_id)) return;
  for (auto id : ids) {
    if (id <= 0) return RespondError(request, 400, "Invalid message identifier");
  }
  // Messages are marked read only from an open chat, from the chat history, or forced;
  // otherwise viewMessages only counts views.
  bool marks_read = open_chats_.contains(chat_id) || GetBool(request.object, "force_read") ||
                    TypeOf(GetObject(request.object, "source")) == "messageSourceChatHistory";
  std::int64_t up_to = 0;
  if (const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id)) {
    for (auto id : ids) {
      if (dialog->messages.contains(id)) up_to = std::max(up_to, id);
    }
  }
  Respond(request, Obj("ok"));
  if (!marks_read || up_to == 0) return;
  CallServerDetached("viewMessages", [weak = weak_from_this(), chat_id, up_to] {
    if (auto self = weak.lock(); self && self->state_ == AuthState::kReady) {
      self->world_.DeliverReads(self->world_.cloud().Read(self->user_id_, chat_id, up_to));
    }
  }, [](Json) {});
}

void ClientSession::OnReadInbox(std::int64_t chat_id) {
  if (state_ != AuthState::kReady) return;
  EnsureChat(chat_id);
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr) return;
  Json update = Obj("updateChatReadInbox");
  update["chat_id"] = chat_id;
  update["last_read_inbox_message_id"] = dialog->last_read_inbox;
  update["unread_count"] = dialog->UnreadCount();
  Emit(update);
}

void ClientSession::OnReadOutbox(std::int64_t chat_id, std::int64_t last_read) {
  if (state_ != AuthState::kReady || !known_chats_.contains(chat_id)) return;
  Json update = Obj("updateChatReadOutbox");
  update["chat_id"] = chat_id;
  update["last_read_outbox_message_id"] = last_read;
  Emit(update);
}

}  // namespace tgsim
