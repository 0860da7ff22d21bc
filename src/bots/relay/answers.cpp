// WorkGroupRelay: what operators do in the work group. A message in a
// conversation's topic (or, in replies mode, a reply to one of its posts) is
// an answer, sent from the account through the outbox under a key derived
// from the operator's message (so it is never sent twice); a reaction (or a
// short reply) says when it was delivered, a reply says why it was not.
// Commands: /edit and /delete as replies to one's answer, /close, /reopen, /who.
#include <spdlog/spdlog.h>


#include "bots/relay/relay_text.h"
#include "bots/relay/work_group_relay.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using service::relay::RelayMode;
using telegram::Message;
using telegram::Result;

constexpr const char* kDelivered = "👍";

}  // namespace

std::optional<store::Dialog> WorkGroupRelay::DialogOf(const Message& m, const store::Relay* replies_relay) {
  auto& store = services_.infra.store();
  if (m.topic_id != 0) {
    if (auto dialog = store.FindDialogByTopic(m.chat_id, m.topic_id)) return dialog;
  }
  if (replies_relay == nullptr || m.reply_to_message_id == 0) return std::nullopt;
  if (auto dialog = store.FindDialogByHeader(m.chat_id, m.reply_to_message_id)) return dialog;
  if (auto post = store.FindRelayPostByPost(m.chat_id, m.reply_to_message_id)) {
    return store.FindDialog(post->account_id, post->peer_chat_id);
  }
  // A reply to an earlier answer (or to a note) of the same conversation.
  if (auto entry = AnswerOfAnyAccount(m.chat_id, m.reply_to_message_id)) {
    return store.FindDialog(entry->account_id, entry->chat_id);
  }
  return std::nullopt;
}

std::optional<store::OutboxEntry> WorkGroupRelay::AnswerOfAnyAccount(std::int64_t group, std::int64_t message_id) {
  for (const auto& [account_id, relay] : relays_) {
    if (relay.group_chat_id != group) continue;
    auto entry = services_.infra.store().FindOutboxByKey(bot_.tenant_id, account_id, RelayAnswerKey(group, message_id));
    if (entry) return entry;
  }
  return std::nullopt;
}

void WorkGroupRelay::OnGroupMessage(const Message& m) {
  if (!running_ || m.is_outgoing) return;
  const store::Relay* replies_relay = nullptr;
  bool relayed_here = false;
  for (const auto& [account_id, relay] : relays_) {
    if (relay.group_chat_id != m.chat_id) continue;
    relayed_here = true;
    if (relay.mode == service::relay::RelayModeName(RelayMode::kReplies)) replies_relay = &relay;
  }
  // Bots, anonymous administrators and the group's linked channel never answer customers.
  if (!relayed_here || m.sender.user_id == 0 || m.sender.is_bot) return;
  std::string command, args;
  if (auto line = ParseCommand(m.text.text)) {
    if (!line->bot.empty() && line->bot != Lower(bot_.username)) return;  // "/who@other_bot" is for another bot
    command = line->name;
    args = line->args;
  }
  auto dialog = DialogOf(m, replies_relay);
  if (!dialog) {
    if (command == "who" || command == "close" || command == "reopen") {
      Tell(m, "This is not a customer's conversation: use the command in one of the relay's topics.");
    }
    return;
  }
  auto relay = relays_.find(dialog->account_id);
  if (relay == relays_.end() || relay->second.group_chat_id != m.chat_id) return;
  if (!service::relay::RelaySettings::Of(relay->second).IsOperator(m.sender.user_id)) {
    if (command.empty()) Tell(m, "Only the relay's operators answer customers: this was not sent.");
    return;
  }
  if (!command.empty()) return OnCommand(m, command, args, *dialog, relay->second);
  Answer(m, *dialog);
}

void WorkGroupRelay::OnCommand(const Message& m, const std::string& command, const std::string& args,
                               const store::Dialog& dialog, const store::Relay& relay) {
  if (command == "edit") return EditAnswer(m, args, dialog);
  if (command == "delete") return DeleteAnswer(m, dialog);
  if (command == "who") {
    std::string who = "Account: " + AccountName(dialog.account_id) + " (" + dialog.account_id + ")\nConversation: " +
                      dialog.title + "\nChat id: " + std::to_string(dialog.peer_chat_id);
    if (dialog.first_message_at != 0) who += "\nSince: " + When(dialog.first_message_at);
    if (dialog.closed) who += "\nClosed: answers are not sent until /reopen.";
    return Tell(m, who);
  }
  if (command == "close" || command == "reopen") {
    const bool close = command == "close";
    store::Dialog changed = dialog;
    changed.closed = close;
    changed.updated_at = UnixSeconds();
    services_.infra.store().PutDialog(changed);
    const std::string said = close ? "Closed: answers here are not sent to the customer until /reopen."
                                   : "Reopened: answers here go to the customer again.";
    auto bot = services_.bots.Client(bot_.id);
    if (relay.mode != service::relay::RelayModeName(RelayMode::kTopics) || dialog.topic_id == 0 || !bot) {
      return Tell(m, said);
    }
    bot->CloseForumTopic(m.chat_id, dialog.topic_id, close,
                         Later<telegram::Status>([m, said](WorkGroupRelay& self, telegram::Status status) {
                           self.Tell(m, status.ok() ? said : said + " (the topic itself stays as it was: " +
                                                                 std::string(status.error().what()) + ")");
                         }));
    return;
  }
  // Anything else goes to the customer like any answer.
  Answer(m, dialog);
}

void WorkGroupRelay::Answer(const Message& m, const store::Dialog& dialog) {
  if (dialog.closed) return Tell(m, "This conversation is closed: /reopen it to answer.");
  if (Trim(m.text.text).empty()) {
    return Tell(m, "Only text answers reach the customer for now: this was not sent.");
  }
  service::SendRequest request;
  request.to = std::to_string(dialog.peer_chat_id);
  request.text = m.text.text;
  request.idempotency_key = RelayAnswerKey(m.chat_id, m.message_id);
  // A reply to a mirrored message answers that message.
  if (m.reply_to_message_id != 0) {
    auto post = services_.infra.store().FindRelayPostByPost(m.chat_id, m.reply_to_message_id);
    if (post && post->account_id == dialog.account_id && post->peer_chat_id == dialog.peer_chat_id) {
      request.reply_to_message_id = post->message_id;
    }
  }
  try {
    auto entry = services_.outbox.Enqueue(bot_.tenant_id, dialog.account_id, std::move(request));
    // Heard again after a restart: the entry may have ended already.
    if (entry.state == store::OutboxState::kSent || entry.state == store::OutboxState::kFailed) {
      OnAnswerFinished(m.chat_id, m.message_id, entry);
    }
  } catch (const Error& e) {
    Tell(m, "✗ Not sent: " + std::string(e.what()));
  }
}

void WorkGroupRelay::OnAnswerFinished(std::int64_t group, std::int64_t operator_message_id,
                                      const store::OutboxEntry& entry) {
  auto dialog = services_.infra.store().FindDialog(entry.account_id, entry.chat_id);
  if (entry.state == store::OutboxState::kSent) {
    if (dialog) {
      store::Dialog changed = *dialog;
      changed.last_message_at = changed.updated_at = UnixSeconds();
      services_.infra.store().PutDialog(changed);
    }
    return Mark(group, operator_message_id, dialog);
  }
  const std::string why = entry.error_message.empty() ? entry.error_code : entry.error_message;
  Reply(group, operator_message_id, dialog, "✗ Not delivered: " + why);
}

void WorkGroupRelay::Mark(std::int64_t group, std::int64_t message_id, const std::optional<store::Dialog>& dialog) {
  auto bot = services_.bots.Client(bot_.id);
  if (!bot) return;
  auto react = [this, group, message_id, dialog](bool allowed) {
    auto bot = services_.bots.Client(bot_.id);
    if (!allowed || !bot) return Reply(group, message_id, dialog, "✓ Delivered");
    bot->SetMessageReaction(group, message_id, kDelivered,
                            Later<telegram::Status>([group, message_id, dialog](WorkGroupRelay& self,
                                                                                telegram::Status status) {
                              if (status.ok()) return;
                              // Reactions turned off meanwhile: say it in words.
                              self.reactions_.erase(group);
                              self.Reply(group, message_id, dialog, "✓ Delivered");
                            }));
  };
  if (auto known = reactions_.find(group); known != reactions_.end()) return react(known->second);
  auto learned = Later<bool>([group, react](WorkGroupRelay& self, bool allowed) {
    self.reactions_[group] = allowed;
    react(allowed);
  });
  bot->GetGroupInfo(group, [learned](const Result<telegram::AccountClient::GroupInfo>& info) {
    learned(info.ok() && info.value().reactions);
  });
}

void WorkGroupRelay::Reply(std::int64_t group, std::int64_t message_id, const std::optional<store::Dialog>& dialog,
                           const std::string& words) {
  store::Dialog where;
  if (dialog && dialog->relay_group_chat_id == group) where = *dialog;
  where.header_message_id = 0;  // a reply to the operator's message, not to the header
  Send(group, where, relay_text::Note(words), message_id, [this](Result<Message> sent) {
    if (!sent.ok()) spdlog::warn("bot {}: a note to an operator was not sent: {}", bot_.id, sent.error().what());
  });
}

void WorkGroupRelay::Tell(const Message& m, const std::string& text) {
  store::Dialog where;
  where.topic_id = m.topic_id;
  Send(m.chat_id, where, relay_text::Note(text), m.message_id, [this](Result<Message> sent) {
    if (!sent.ok()) spdlog::warn("bot {}: a note to an operator was not sent: {}", bot_.id, sent.error().what());
  });
}

std::optional<store::OutboxEntry> WorkGroupRelay::AnswerOf(const Message& m, const store::Dialog& dialog) {
  if (m.reply_to_message_id == 0) return std::nullopt;
  return services_.infra.store().FindOutboxByKey(bot_.tenant_id, dialog.account_id,
                                                 RelayAnswerKey(m.chat_id, m.reply_to_message_id));
}

void WorkGroupRelay::EditAnswer(const Message& m, const std::string& text, const store::Dialog& dialog) {
  auto entry = AnswerOf(m, dialog);
  if (!entry) return Tell(m, "Reply /edit to one of the answers sent from here, with the new text.");
  if (text.empty()) return Tell(m, "Write the new text after /edit.");
  if (entry->state != store::OutboxState::kSent) return Tell(m, "That answer was not delivered: nothing to edit.");
  services_.messages.Edit(bot_.tenant_id, entry->account_id, entry->chat_id, entry->message_id, text,
                          telegram::ParseMode::kNone, false,
                          Later<Result<Message>>([m](WorkGroupRelay& self, Result<Message> edited) {
                            self.Tell(m, edited.ok() ? "✏️ Edited for the customer."
                                                     : "✗ Not edited: " + std::string(edited.error().what()));
                          }));
}

void WorkGroupRelay::DeleteAnswer(const Message& m, const store::Dialog& dialog) {
  auto entry = AnswerOf(m, dialog);
  if (!entry) return Tell(m, "Reply /delete to one of the answers sent from here.");
  if (entry->state != store::OutboxState::kSent) return Tell(m, "That answer was not delivered: nothing to delete.");
  services_.messages.Delete(bot_.tenant_id, entry->account_id, entry->chat_id, entry->message_id, true,
                            Later<Result<telegram::Ok>>([m](WorkGroupRelay& self, Result<telegram::Ok> deleted) {
                              self.Tell(m, deleted.ok() ? "🗑 Deleted for the customer."
                                                        : "✗ Not deleted: " + std::string(deleted.error().what()));
                            }));
}

}  // namespace tgmux::bots
