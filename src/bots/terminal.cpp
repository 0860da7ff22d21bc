// The `terminal` feature's answering side (docs/bots.md): people answer the
// relayed messages as themselves (through the outbox), edit and delete what
// they sent, mark chats read, and browse /chats and history.
#include <spdlog/spdlog.h>

#include "bots/bot_runtime.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using telegram::Message;

constexpr int kHistoryPage = 10;

// The idempotency key of an answer sent through the bot: the outbox's
// finished listener finds the person from it, even after a restart.
std::string ReplyKey(const std::string& bot_id, std::int64_t user_id, std::int64_t person_message_id) {
  return "tgmux-bot:" + bot_id + ":" + std::to_string(user_id) + ":" + std::to_string(person_message_id);
}

std::int64_t Number(std::string_view text) {
  try {
    return std::stoll(std::string(text));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

bool ParseReplyKey(const std::string& key, std::string& bot_id, std::int64_t& user_id, std::int64_t& message_id) {
  if (key.rfind("tgmux-bot:", 0) != 0) return false;
  auto first = key.find(':', 10), second = key.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  bot_id = key.substr(10, first - 10);
  user_id = Number(key.substr(first + 1, second - first - 1));
  message_id = Number(key.substr(second + 1));
  return user_id != 0 && message_id != 0;
}

std::optional<store::Account> BotRuntime::TerminalAccount(std::int64_t user_id) {
  for (auto& account : AccountsOf(user_id)) {
    if (!service::AccountService::SessionGone(account.status)) return account;
  }
  Say(user_id, "No account is linked. Send /account to link one.");
  return std::nullopt;
}

// --- Answering, editing, deleting.

bool BotRuntime::OnTerminalText(Conversation& c, const Message& m) {
  if (!Has(service::BotFeature::kTerminal)) return false;
  if (c.step == Step::kReply) {
    store::BotRelay target{bot_.id, c.user_id, 0, c.account_id, c.target_chat_id, c.target_message_id, "", 0};
    Idle(c);
    SendAsPerson(c, target, m);
    return true;
  }
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay) return false;
  if (relay->kind == "received") {
    SendAsPerson(c, *relay, m);
  } else {
    Say(c.user_id, "To change a message you sent, reply to it with /edit and the new text, or with /delete.");
  }
  return true;
}

void BotRuntime::SendAsPerson(Conversation& c, const store::BotRelay& target, const Message& m) {
  if (m.text.text.empty()) return Say(c.user_id, "Only text can be sent as an answer for now.");
  service::SendRequest request;
  request.to = std::to_string(target.chat_id);
  request.text = m.text.text;
  request.reply_to_message_id = target.message_id;
  request.idempotency_key = ReplyKey(bot_.id, c.user_id, m.message_id);
  try {
    services_.outbox.Enqueue(bot_.tenant_id, target.account_id, std::move(request));
  } catch (const Error& e) {
    Say(c.user_id, "Not sent: " + std::string(e.what()) + ".", {}, nullptr, m.message_id);
  }
}

void BotRuntime::OnReplyFinished(std::int64_t user_id, std::int64_t person_message_id,
                                 const store::OutboxEntry& entry) {
  if (entry.state != store::OutboxState::kSent) {
    return Say(user_id, "Not sent: " + entry.error_message + ".", {}, nullptr, person_message_id);
  }
  Remember(user_id, person_message_id, entry.account_id, entry.chat_id, entry.message_id, "sent");
  Say(user_id, "✓", {},
      [weak = weak_from_this(), user_id, entry](const Message* sent) {
        auto self = weak.lock();
        if (self && sent) self->Remember(user_id, sent->message_id, entry.account_id, entry.chat_id, entry.message_id, "sent");
      },
      person_message_id);
}

void BotRuntime::EditCommand(Conversation& c, std::string_view text, const Message& m) {
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay || relay->kind != "sent") {
    return Say(c.user_id, "Reply to a message you sent through me with /edit and the new text.");
  }
  if (text.empty()) return Say(c.user_id, "Write the new text after /edit.");
  const std::int64_t user_id = c.user_id;
  services_.messages.Edit(bot_.tenant_id, relay->account_id, relay->chat_id, relay->message_id, std::string(text),
                          telegram::ParseMode::kNone, false,
                          OnWorker<telegram::Result<Message>>([user_id, id = m.message_id](BotRuntime& self, auto r) {
                            self.Say(user_id, r.ok() ? "Edited ✓" : "Not edited: " + std::string(r.error().what()),
                                     {}, nullptr, id);
                          }));
}

void BotRuntime::DeleteCommand(Conversation& c, const Message& m) {
  auto relay = RelayOf(c.user_id, m.reply_to_message_id);
  if (!relay) return Say(c.user_id, "Reply to a message with /delete to delete it for everyone.");
  c.step = Step::kConfirmDelete;
  c.account_id = relay->account_id;
  c.target_chat_id = relay->chat_id;
  c.target_message_id = relay->message_id;
  Save(c);
  Say(c.user_id, "Delete this message for everyone?",
      Markup::Inline({{Button::Callback("Delete", "term:delete"), Button::Callback("Keep it", "term:keep")}}), nullptr,
      m.reply_to_message_id);
}

// --- Buttons, /chats and history.

void BotRuntime::OnTerminalCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action) {
  const std::int64_t user_id = c.user_id;
  if (action == "delete" || action == "keep") {
    if (c.step != Step::kConfirmDelete) return Answer(q, "Send /delete again.");
    store::BotRelay target{bot_.id, user_id, 0, c.account_id, c.target_chat_id, c.target_message_id, "", 0};
    Idle(c);
    if (action == "keep") {
      Answer(q);
      return Edit(q.chat_id, q.message_id, "Nothing was deleted.");
    }
    Answer(q);
    return services_.messages.Delete(
        bot_.tenant_id, target.account_id, target.chat_id, target.message_id, true,
        OnWorker<telegram::Result<telegram::Ok>>([q](BotRuntime& self, auto r) {
          self.Edit(q.chat_id, q.message_id, r.ok() ? "Deleted for everyone." : "Not deleted: " + std::string(r.error().what()));
        }));
  }
  if (action.rfind("open:", 0) == 0 || action.rfind("older:", 0) == 0 || action.rfind("to:", 0) == 0) {
    Answer(q);
    auto account = TerminalAccount(user_id);
    if (!account) return;
    std::string_view rest = action.substr(action.find(':') + 1);
    const std::int64_t chat_id = Number(rest.substr(0, rest.find(':')));
    if (action.rfind("to:", 0) == 0) {
      c.step = Step::kReply;
      c.account_id = account->id;
      c.target_chat_id = chat_id;
      c.target_message_id = 0;
      Save(c);
      return Say(user_id, "Write your message; it is sent as you. /cancel to stop.");
    }
    std::int64_t before = rest.find(':') == std::string_view::npos ? 0 : Number(rest.substr(rest.find(':') + 1));
    return ShowHistory(user_id, account->id, chat_id, before);
  }
  auto relay = RelayOf(user_id, q.message_id);
  if (!relay) return Answer(q, "This message is too old to act on.");
  if (action == "reply") {
    Answer(q);
    c.step = Step::kReply;
    c.account_id = relay->account_id;
    c.target_chat_id = relay->chat_id;
    c.target_message_id = relay->message_id;
    Save(c);
    return Say(user_id, "Write your answer; it is sent as you. /cancel to stop.");
  }
  if (action == "read") {
    return services_.messages.MarkRead(bot_.tenant_id, relay->account_id, relay->chat_id, relay->message_id,
                                       OnWorker<telegram::Result<service::ReadState>>([q](BotRuntime& self, auto r) {
                                         self.Answer(q, r.ok() ? "Marked as read" : r.error().what());
                                       }));
  }
  if (action == "history") {
    Answer(q);
    return ShowHistory(user_id, relay->account_id, relay->chat_id, 0);
  }
  Answer(q, "This button no longer does anything.");
}

void BotRuntime::ShowHistory(std::int64_t user_id, const std::string& account_id, std::int64_t chat_id,
                             std::int64_t before) {
  services_.messages.History(
      bot_.tenant_id, account_id, chat_id, kHistoryPage, before,
      OnWorker<telegram::Result<service::HistoryPage>>([user_id, chat_id](BotRuntime& self, auto r) {
        if (!r.ok()) return self.Say(user_id, "The history did not load: " + std::string(r.error().what()) + ".");
        const auto& messages = r.value().messages;
        if (messages.empty()) return self.Say(user_id, "No messages in this chat.");
        std::string text;
        for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
          std::string who = it->is_outgoing ? "You" : (it->sender.name.empty() ? "Them" : it->sender.name);
          std::string body = it->text.text;
          if (it->content_type != "text") body = "[" + it->content_type + "]" + (body.empty() ? "" : " " + body);
          text += (text.empty() ? "" : "\n") + who + ": " + body;
        }
        std::vector<Button> row = {Button::Callback("Write", "term:to:" + std::to_string(chat_id))};
        if (r.value().next_before) {
          row.push_back(Button::Callback(
              "Older", "term:older:" + std::to_string(chat_id) + ":" + std::to_string(*r.value().next_before)));
        }
        self.Say(user_id, text, Markup::Inline({row}));
      }));
}

void BotRuntime::ChatsCommand(Conversation& c) {
  auto account = TerminalAccount(c.user_id);
  if (!account) return;
  const std::int64_t user_id = c.user_id;
  service::ChatListQuery query;
  query.limit = 20;
  services_.messages.ListChats(
      bot_.tenant_id, account->id, query,
      OnWorker<telegram::Result<service::ChatPage>>([user_id](BotRuntime& self, auto r) {
        if (!r.ok()) return self.Say(user_id, "The chats did not load: " + std::string(r.error().what()) + ".");
        std::string text;
        std::vector<std::vector<Button>> rows;
        for (const auto& chat : r.value().chats) {
          if (chat.type != telegram::ChatType::kPrivate || rows.size() >= 10) continue;
          std::string unread = chat.unread_count > 0 ? " (" + std::to_string(chat.unread_count) + ")" : "";
          text += "\n" + chat.title + (chat.unread_count > 0 ? ": " + std::to_string(chat.unread_count) + " unread" : "");
          rows.push_back({Button::Callback(chat.title + unread, "term:open:" + std::to_string(chat.chat_id))});
        }
        if (rows.empty()) return self.Say(user_id, "No private chats yet.");
        self.Say(user_id, "Your recent private chats:" + text, Markup::Inline(std::move(rows)));
      }));
}

}  // namespace tgmux::bots
