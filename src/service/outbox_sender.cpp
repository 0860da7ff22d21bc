// The sender of one account: takes its oldest unfinished entry, resolves the
// recipient, waits for the chat's pacing, sends, and records the outcome. All
// steps run on the background thread; TDLib's answers are posted back to it.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "service/outbox.h"

namespace tgmux::service {
namespace {

using Kind = telegram::AuthState::Kind;

constexpr int kMaxBackoffSeconds = 60;
constexpr int kDefaultFloodSeconds = 5;  // a flood wait without its seconds

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RecordError(store::OutboxEntry& entry, const Error& error) {
  entry.error_code = std::string(CodeName(error.code()));
  entry.error_message = error.what();
}

}  // namespace

telegram::ParseMode ParseModeOf(const std::string& name) {
  if (name == "markdown") return telegram::ParseMode::kMarkdown;
  if (name == "html") return telegram::ParseMode::kHtml;
  return telegram::ParseMode::kNone;
}

void OutboxService::Pump(const std::string& account_id) {
  Sender& sender = senders_[account_id];
  if (sender.busy || Clock::now() < sender.paused_until) return;  // a later Pump is scheduled
  auto pending = gateway_.store().ListUnfinishedOutbox(account_id, 1);
  if (pending.empty()) return;
  store::OutboxEntry entry = Sealed(std::move(pending.front()), false);
  if (std::int64_t wait_ms = entry.next_attempt_at - NowMs(); wait_ms > 0) {
    return PumpAt(account_id, Clock::now() + std::chrono::milliseconds(wait_ms));
  }
  sender.busy = true;
  ++entry.attempts;
  auto client = accounts_.Client(account_id);
  if (!client || client->auth_state().kind != Kind::kReady) {
    return OnFailure(std::move(entry), Error(ErrorCode::kAccountNotReady, "the account is not connected"), false);
  }
  // Resolved on every attempt, even with a chat id from an earlier one: TDLib
  // keeps no chat database here, so a restarted client knows no chat yet.
  Resolve(std::move(entry));
}

void OutboxService::Resolve(store::OutboxEntry entry) {
  auto client = accounts_.Client(entry.account_id);
  if (!client) return OnFailure(std::move(entry), Error(ErrorCode::kAccountNotReady, "the account is not connected"), false);
  client->ResolveRecipient(entry.to, [this, entry](telegram::Result<std::int64_t> chat) mutable {
    background_.Post([this, entry = std::move(entry), chat = std::move(chat)]() mutable {
      if (!chat.ok()) return OnFailure(std::move(entry), chat.error(), false);
      entry.chat_id = chat.value();
      entry.updated_at = NowSeconds();
      Save(entry);
      PaceThenSend(std::move(entry));
    });
  });
}

void OutboxService::PaceThenSend(store::OutboxEntry entry) {
  Sender& sender = senders_[entry.account_id];
  auto last = sender.last_send.find(entry.chat_id);
  if (last != sender.last_send.end() && Clock::now() < last->second + chat_interval_) {
    return background_.PostAt(last->second + chat_interval_,
                              [this, entry = std::move(entry)]() mutable { Send(std::move(entry)); });
  }
  Send(std::move(entry));
}

void OutboxService::Send(store::OutboxEntry entry) {
  auto client = accounts_.Client(entry.account_id);
  if (!client) return OnFailure(std::move(entry), Error(ErrorCode::kAccountNotReady, "the account is not connected"), false);
  auto text = client->ParseText(entry.text, ParseModeOf(entry.parse_mode));
  if (!text.ok()) return OnFailure(std::move(entry), text.error(), false);
  // Written before the request leaves: after a crash this entry is known to be
  // in flight (see the header on why it is then not sent again).
  entry.state = "sending";
  entry.updated_at = NowSeconds();
  Save(entry);
  client->SendText(entry.chat_id, text.value(), entry.reply_to_message_id, entry.silent,
                   [this, entry](telegram::Result<telegram::Message> result) mutable {
                     background_.Post([this, entry = std::move(entry), result = std::move(result)]() mutable {
                       OnSent(std::move(entry), result);
                     });
                   });
}

void OutboxService::OnSent(store::OutboxEntry entry, const telegram::Result<telegram::Message>& result) {
  senders_[entry.account_id].last_send[entry.chat_id] = Clock::now();
  if (!result.ok()) {
    return OnFailure(std::move(entry), result.error(), result.error().code() == ErrorCode::kTelegramUnreachable);
  }
  entry.state = "sent";
  entry.message_id = result.value().message_id;
  entry.message_date = result.value().date;
  entry.error_code.clear();
  entry.error_message.clear();
  entry.next_attempt_at = 0;
  Finish(std::move(entry));
}

void OutboxService::OnFailure(store::OutboxEntry entry, const Error& error, bool outcome_unknown) {
  switch (error.code()) {
    case ErrorCode::kFloodWait:
      return PauseForFlood(std::move(entry), error);
    case ErrorCode::kAccountNotReady:
      return RetryLater(std::move(entry), error);
    case ErrorCode::kTelegramUnreachable:
      if (!outcome_unknown) return RetryLater(std::move(entry), error);
      RecordError(entry, error);
      entry.error_message = "no answer from Telegram: the message may or may not have been delivered, and it is "
                            "not sent again to avoid a double send";
      entry.state = "failed";
      return Finish(std::move(entry));
    default:
      RecordError(entry, error);
      entry.state = "failed";
      return Finish(std::move(entry));
  }
}

void OutboxService::PauseForFlood(store::OutboxEntry entry, const Error& error) {
  const int seconds = std::max(1, error.retry_after().value_or(kDefaultFloodSeconds));
  const std::string account_id = entry.account_id;
  senders_[account_id].paused_until = Clock::now() + std::chrono::seconds(seconds);
  RecordError(entry, error);
  entry.state = "queued";
  entry.next_attempt_at = NowMs() + seconds * 1000;
  entry.updated_at = NowSeconds();
  Save(entry);
  accounts_.SetFloodWait(account_id, true);
  spdlog::warn("account {}: flood wait of {} s; its sends are paused", account_id, seconds);
  senders_[account_id].busy = false;
  background_.PostAt(senders_[account_id].paused_until, [this, account_id] {
    accounts_.SetFloodWait(account_id, false);
    Pump(account_id);
  });
}

void OutboxService::RetryLater(store::OutboxEntry entry, const Error& error) {
  const int seconds = std::min(kMaxBackoffSeconds, 1 << std::min(entry.attempts, 6));
  RecordError(entry, error);
  entry.state = "queued";
  entry.next_attempt_at = NowMs() + seconds * 1000;
  entry.updated_at = NowSeconds();
  Save(entry);
  Release(entry.account_id);
}

void OutboxService::Finish(store::OutboxEntry entry) {
  entry.updated_at = NowSeconds();
  Save(entry);
  if (entry.state == "failed") spdlog::info("outbox {}: failed ({})", entry.id, entry.error_code);
  Notify(entry);
  Release(entry.account_id);
}

void OutboxService::Release(const std::string& account_id) {
  senders_[account_id].busy = false;
  Pump(account_id);
}

}  // namespace tgmux::service
