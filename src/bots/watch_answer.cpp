// BotRuntime, feature `notify`: the subscriber's answer to a match's author,
// sent from their own linked account through the outbox (idempotency key
// tgmux-watch:<match>, so pressing twice sends once), and its outcome shown
// on the notification.
#include <spdlog/spdlog.h>

#include "bots/bot_runtime.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using nlohmann::json;
using store::WatchAnswerState;
using telegram::AccountClient;
using telegram::Result;

// Why a private message to the author cannot go, in words; "" when it can.
std::string Unreachable(AccountClient::CanMessage can, const std::string& author) {
  switch (can) {
    case AccountClient::CanMessage::kYes:
      return "";
    case AccountClient::CanMessage::kUnknownUser:
      return "can't reach " + author +
             ": they have no public @username and your account shares no group with them";
    case AccountClient::CanMessage::kPremiumRequired:
      return author + " accepts new chats only from their contacts and Telegram Premium users";
    case AccountClient::CanMessage::kPaid:
      return author + " charges Telegram Stars for messages; tgmux does not pay them";
  }
  return "can't reach " + author;
}

}  // namespace

void BotRuntime::SendWatchAnswer(Conversation& c, store::WatchMatch match, const std::string& text) {
  if (match.answer_state == WatchAnswerState::kQueued || match.answer_state == WatchAnswerState::kSent) {
    return Say(c.user_id, "Already answered: it is sent once.");
  }
  auto account = AnsweringAccount(c.user_id);
  if (!account) return Say(c.user_id, "To answer as you, link your Telegram account first: send /account.");
  json message = services_.watch.MatchJson(match).value("message", json::object());
  const json& author = message.value("author", json::object());
  std::string author_name = TextField(author, "name").empty() ? "the author" : TextField(author, "name");
  if (!author.contains("id") || !author["id"].is_number_integer()) {
    return WatchAnswerFailed(match, "the message was written by a chat, not a person: there is nobody to answer");
  }
  std::int64_t author_id = author["id"].get<std::int64_t>();
  if (std::string username = TextField(author, "username"); !username.empty()) {
    return QueueWatchAnswer(match, *account, "@" + username, text);
  }
  // No username: only an account that has seen the author (a shared group)
  // can open a private chat with them; Telegram says whether it may.
  auto client = services_.accounts.Client(account->id);
  if (!client) return WatchAnswerFailed(match, "your account is not connected right now; try again later");
  client->CanSendMessageToUser(
      author_id, OnWorker<Result<AccountClient::CanMessage>>(
                     [match, account = *account, author_id, author_name, text](BotRuntime& self,
                                                                               Result<AccountClient::CanMessage> can) {
                       auto now = self.services_.infra.store().FindWatchMatch(match.id);
                       if (!now) return;
                       std::string why = can.ok() ? Unreachable(can.value(), author_name)
                                                  : Unreachable(AccountClient::CanMessage::kUnknownUser, author_name);
                       if (!why.empty()) return self.WatchAnswerFailed(*now, why);
                       self.QueueWatchAnswer(*now, account, std::to_string(author_id), text);
                     }));
}

void BotRuntime::QueueWatchAnswer(store::WatchMatch match, const store::Account& account, const std::string& to,
                                  const std::string& text) {
  if (match.answer_state == WatchAnswerState::kQueued || match.answer_state == WatchAnswerState::kSent) return;
  service::SendRequest request;
  request.to = to;
  request.text = text;
  request.idempotency_key = WatchAnswerKey(match.id);
  try {
    auto entry = services_.outbox.Enqueue(bot_.tenant_id, account.id, std::move(request));
    match.answer_state = WatchAnswerState::kQueued;
    match.outbox_id = entry.id;
    match.error.clear();
    match.updated_at = UnixSeconds();
    services_.infra.store().UpdateWatchMatch(match);
    if (store::IsFinal(entry.state)) OnWatchAnswerFinished(match.id, entry);
  } catch (const Error& e) {
    WatchAnswerFailed(match, e.what());
  }
}

void BotRuntime::WatchAnswerFailed(store::WatchMatch match, const std::string& why) {
  match.answer_state = WatchAnswerState::kFailed;
  match.error = why;
  match.updated_at = UnixSeconds();
  services_.infra.store().UpdateWatchMatch(match);
  ShowWatchOutcome(match, "✗ Not sent: " + why + ".");
}

void BotRuntime::OnWatchAnswerFinished(const std::string& match_id, const store::OutboxEntry& entry) {
  auto match = services_.infra.store().FindWatchMatch(match_id);
  if (!match || match->answer_state == WatchAnswerState::kSent) return;
  if (entry.state != store::OutboxState::kSent) {
    return WatchAnswerFailed(*match, entry.error_message.empty() ? entry.error_code : entry.error_message);
  }
  match->answer_state = WatchAnswerState::kSent;
  match->updated_at = UnixSeconds();
  services_.infra.store().UpdateWatchMatch(*match);
  ShowWatchOutcome(*match, "✓ Sent from your account.");
}

void BotRuntime::ShowWatchOutcome(const store::WatchMatch& match, const std::string& outcome) {
  auto subscriber = services_.infra.store().FindSubscriber(match.subscriber_id);
  if (!subscriber) return;
  if (match.bot_message_id == 0) return Say(subscriber->telegram_user_id, outcome);
  Edit(subscriber->telegram_user_id, match.bot_message_id,
       NotificationText(services_.watch.MatchJson(match)) + "\n\n" + outcome);
}

}  // namespace tgmux::bots
