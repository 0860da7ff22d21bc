// What accounts and the outbox report, turned into event drafts.
#include "common/time.h"
#include "service/events/events.h"

namespace tgmux::service {
namespace {

using nlohmann::json;

// The message a key names, per account: the same message is one event, however
// often TDLib or gap recovery reports it.
std::string MessageKey(const char* kind, const std::string& account_id, std::int64_t chat_id,
                       std::int64_t message_id) {
  return std::string(kind) + ":" + account_id + ":" + std::to_string(chat_id) + ":" + std::to_string(message_id);
}

std::string StatusName(store::AccountStatus status) { return std::string(store::AccountStatusName(status)); }

}  // namespace

nlohmann::json LoginEventData(const LoginView& login) {
  json data = {{"login_id", login.id},
               {"method", std::string(store::LoginMethodName(login.method))},
               {"state", std::string(LoginStateName(login.state))}};
  if (!login.phone_masked.empty()) data["phone_masked"] = login.phone_masked;
  if (login.account) data["account_id"] = login.account->id;
  if (login.error) data["error"] = {{"code", std::string(CodeName(login.error->code()))}, {"message", login.error->what()}};
  return data;
}

EventDraft EventService::ReceivedDraft(const std::string& account_id, const telegram::Message& m) {
  return {"message.received", account_id, "",
          {{"chat_type", std::string(telegram::ChatTypeName(m.chat_type))}, {"message", shapes_.message(m)}},
          MessageKey("received", account_id, m.chat_id, m.message_id), m.chat_type};
}

void EventService::Recovered(const std::string& account_id, const telegram::Message& m) {
  Append(ReceivedDraft(account_id, m));
}

void EventService::Received(const std::string& account_id, const telegram::Message& m) {
  auto draft = ReceivedDraft(account_id, m);
  {
    std::lock_guard lock(mutex_);
    auto it = holds_.find(account_id);
    if (it != holds_.end() && (it->second.all || it->second.chats.count(m.chat_id)) &&
        it->second.held.size() < kMaxHeld) {
      it->second.held.emplace_back(m.chat_id, std::move(draft));
      return;
    }
  }
  Append(std::move(draft));
}

void EventService::HoldLive(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  holds_.try_emplace(account_id);
}

void EventService::NarrowHold(const std::string& account_id, const std::vector<std::int64_t>& chats) {
  {
    std::lock_guard lock(mutex_);
    auto it = holds_.find(account_id);
    if (it == holds_.end()) return;
    it->second.all = false;
    it->second.chats = {chats.begin(), chats.end()};
    ReleaseHeld(it->second, [&](std::int64_t chat) { return !it->second.chats.count(chat); });
  }
  wake_writer_.notify_one();
}

void EventService::ReleaseChat(const std::string& account_id, std::int64_t chat_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = holds_.find(account_id);
    if (it == holds_.end()) return;
    it->second.chats.erase(chat_id);
    ReleaseHeld(it->second, [&](std::int64_t chat) { return chat == chat_id; });
  }
  wake_writer_.notify_one();
}

void EventService::ReleaseLive(const std::string& account_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = holds_.find(account_id);
    if (it == holds_.end()) return;
    ReleaseHeld(it->second, [](std::int64_t) { return true; });
    holds_.erase(it);
  }
  wake_writer_.notify_one();
}

void EventService::ReleaseHeld(Hold& hold, const std::function<bool(std::int64_t chat)>& release) {
  std::vector<std::pair<std::int64_t, EventDraft>> kept;
  for (auto& item : hold.held) {
    if (!release(item.first)) {
      kept.push_back(std::move(item));
    } else if (!stopping_) {
      queue_.push_back(std::move(item.second));
      ++queued_total_;
    }
  }
  hold.held = std::move(kept);
}

void EventService::OnMessage(const std::string& account_id, const telegram::Message& m) {
  if (!m.is_outgoing) {
    Received(account_id, m);
    return;
  }
  {
    // Sent by our outbox: its message.sent carries the entry's id.
    std::lock_guard lock(mutex_);
    if (outbox_messages_.erase({account_id, m.chat_id, m.message_id}) > 0) return;
  }
  // Sent from another of the user's devices.
  Append({"message.sent", account_id, "", {{"outbox_id", nullptr}, {"message", shapes_.message(m)}},
          MessageKey("sent", account_id, m.chat_id, m.message_id)});
}

void EventService::OnSendResult(const std::string& account_id, std::int64_t chat_id, std::int64_t,
                                const telegram::Result<telegram::Message>& result) {
  if (!result.ok()) return;
  std::lock_guard lock(mutex_);
  // OnMessage for the same message follows at once; bound the set anyway.
  if (outbox_messages_.size() > 10000) outbox_messages_.clear();
  outbox_messages_.insert({account_id, chat_id, result.value().message_id});
}

EventDraft EventService::OutboxEnd(const store::OutboxEntry& e) {
  if (e.state != store::OutboxState::kSent) {
    return {"message.failed", e.account_id, "",
            {{"outbox_id", e.id},
             {"to", e.to},
             {"chat_id", e.chat_id == 0 ? json(nullptr) : json(e.chat_id)},
             {"error", {{"code", e.error_code}, {"message", e.error_message}}}},
            "failed:" + e.id};
  }
  json message = {{"chat_id", e.chat_id},
                  {"message_id", e.message_id},
                  {"is_outgoing", true},
                  {"date", Rfc3339(e.message_date)},
                  {"text", e.text}};
  if (e.reply_to_message_id != 0) message["reply_to_message_id"] = e.reply_to_message_id;
  return {"message.sent", e.account_id, "", {{"outbox_id", e.id}, {"to", e.to}, {"message", message}},
          MessageKey("sent", e.account_id, e.chat_id, e.message_id)};
}

void EventService::OnMessageEdited(const std::string& account_id, const telegram::MessageEdit& edit) {
  json data = {{"chat_id", edit.chat_id},
               {"message_id", edit.message_id},
               {"edit_date", Rfc3339(edit.edit_date)},
               {"text", edit.text.text}};
  if (!edit.text.entities.empty()) data["entities"] = shapes_.entities(edit.text.entities);
  Append({"message.edited", account_id, "", std::move(data), ""});
}

void EventService::OnMessagesDeleted(const std::string& account_id, std::int64_t chat_id,
                                     const std::vector<std::int64_t>& message_ids) {
  Append({"message.deleted", account_id, "", {{"chat_id", chat_id}, {"message_ids", message_ids}}, ""});
}

void EventService::OnChatRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read,
                              int unread_count) {
  {
    // TDLib reports a new incoming message the same way, with the read
    // position unchanged: only a position that moved is a read.
    std::lock_guard lock(mutex_);
    auto [it, added] = last_read_.try_emplace({account_id, chat_id}, last_read);
    if (!added && it->second >= last_read) return;
    it->second = last_read;
    if (added && unread_count > 0) return;
  }
  Append({"chat.read", account_id, "",
          {{"chat_id", chat_id}, {"last_read_message_id", last_read}, {"unread_count", unread_count}}, ""});
}

void EventService::OnPeerRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read) {
  Append({"message.read", account_id, "", {{"chat_id", chat_id}, {"last_read_message_id", last_read}}, ""});
}

void EventService::OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) {
  Append({"account.status", account.id, "",
          {{"status", StatusName(account.status)},
           {"previous_status", previous ? json(StatusName(*previous)) : json(nullptr)},
           {"last_error", account.last_error.empty() ? json(nullptr) : json(account.last_error)}},
          ""});
}

void EventService::OnUnlinked(const store::Account& account) {
  {
    std::lock_guard lock(mutex_);
    accounts_info_.erase(account.id);
  }
  // The row is gone: the event names the tenant itself.
  Append({"account.status", account.id, account.tenant_id,
          {{"status", "unlinked"}, {"previous_status", StatusName(account.status)}, {"last_error", nullptr}}, ""});
}

}  // namespace tgmux::service
