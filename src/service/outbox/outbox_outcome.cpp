// How an outbox entry ends (sent, failed) or waits (flood wait, backoff, a
// late outcome), on the background thread.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/time.h"
#include "service/outbox/outbox.h"
#include "telegram/error_map.h"

namespace tgmux::service {
namespace {

using store::OutboxState;

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

// At most once: a send whose outcome cannot be learnt is not made again.
store::OutboxEntry EndedUnknown(store::OutboxEntry entry, const std::string& why) {
  entry.state = OutboxState::kFailed;
  entry.error_code = std::string(CodeName(ErrorCode::kTelegramUnreachable));
  entry.error_message = "no outcome from Telegram (" + why +
                        "): the message may or may not have been delivered, and it is not sent again to avoid a "
                        "double send";
  return entry;
}

}  // namespace

store::OutboxEntry OutboxService::Sent(store::OutboxEntry entry, const telegram::Message& message) {
  entry.state = OutboxState::kSent;
  entry.message_id = message.message_id;
  entry.message_date = message.date;
  entry.error_code.clear();
  entry.error_message.clear();
  entry.next_attempt_at = 0;
  return entry;
}

void OutboxService::OnFailure(const std::string& account_id, Queued& item, const Error& error) {
  switch (error.code()) {
    case ErrorCode::kFloodWait:
      return PauseForFlood(account_id, item, error);
    case ErrorCode::kAccountNotReady:
    case ErrorCode::kTelegramUnreachable:
      // Here the request never reached Telegram, or was only a lookup.
      return RetryLater(account_id, item, error);
    default: {
      // The spam limit and a ban are the account's, not only this message's.
      switch (telegram::AccountVerdictOf(error)) {
        case telegram::AccountVerdict::kLimited: accounts_.MarkLimited(account_id, error.what()); break;
        case telegram::AccountVerdict::kBanned: accounts_.MarkBanned(account_id, error.what()); break;
        case telegram::AccountVerdict::kNone: break;
      }
      const std::string id = item.entry.id;
      store::OutboxEntry entry = item.entry;
      RecordError(entry, error);
      entry.state = OutboxState::kFailed;
      return Complete(account_id, id, std::move(entry));
    }
  }
}

void OutboxService::PauseForFlood(const std::string& account_id, Queued& item, const Error& error) {
  const int seconds = std::max(1, error.retry_after().value_or(kDefaultFloodSeconds));
  Sender& sender = SenderOf(account_id);
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  sender.paused_until = std::max(sender.paused_until, until);
  RecordError(item.entry, error);
  item.entry.state = OutboxState::kQueued;
  item.entry.next_attempt_at = NowMs() + seconds * 1000;
  item.entry.updated_at = UnixSeconds();
  Save(item.entry);
  accounts_.SetFloodWait(account_id, UnixSeconds() + seconds);
  metrics_.FloodWait(seconds);
  spdlog::warn("account {}: flood wait of {} s; its sends are paused", account_id, seconds);
  background_.PostAt(until, [this, account_id] {
    // A later flood wait may have pushed the pause further: its own timer ends it.
    if (Clock::now() >= SenderOf(account_id).paused_until) accounts_.SetFloodWait(account_id, 0);
    Pump(account_id);
  });
  MoveWaiting(account_id);
}

void OutboxService::MoveWaiting(const std::string& account_id) {
  if (!reassigner_) return;
  auto& queue = SenderOf(account_id).queue;
  for (auto it = queue.begin(); it != queue.end();) {
    auto& entry = it->entry;
    std::optional<std::string> to;
    if (!it->in_flight && it->confirmed && entry.media.empty()) to = reassigner_(entry);
    if (!to || (!entry.idempotency_key.empty() &&
                infra_.store().FindOutboxByKey(entry.tenant_id, *to, entry.idempotency_key))) {
      ++it;
      continue;
    }
    store::OutboxEntry moved = std::move(entry);
    it = queue.erase(it);
    moved.account_id = *to;
    moved.chat_id = 0;
    moved.next_attempt_at = 0;
    moved.error_code.clear();
    moved.error_message.clear();
    moved.updated_at = UnixSeconds();
    Save(moved, {}, WriteKind::kWhole);  // sealed with its new account's key
    spdlog::info("outbox {}: a first message waiting on account {} (flood wait) moved to account {}", moved.id,
                 account_id, *to);
    Accept({std::move(moved)});
  }
}

void OutboxService::RetryLater(const std::string& account_id, Queued& item, const Error& error) {
  const int seconds = std::min(kMaxBackoffSeconds, 1 << std::min(item.entry.attempts, 6));
  RecordError(item.entry, error);
  item.entry.state = OutboxState::kQueued;
  item.entry.next_attempt_at = NowMs() + seconds * 1000;
  item.entry.updated_at = UnixSeconds();
  Save(item.entry);
  Repump(account_id, SenderOf(account_id));
}

void OutboxService::AwaitLateOutcome(const std::string& account_id, Sender& sender, Queued& item) {
  const std::string id = item.entry.id;
  if (item.temporary_id == 0) {
    // TDLib never said it took the message, so no outcome can be matched to it.
    return Complete(account_id, id, EndedUnknown(item.entry, "Telegram did not answer in time"));
  }
  // The chat's next entries may go: this one was handed to TDLib before them.
  const SendKey key{item.entry.chat_id, item.temporary_id};
  sender.settling[key] = item.entry;
  sender.queue.remove_if([&](const Queued& q) { return q.entry.id == id; });
  spdlog::info("outbox {}: no answer from Telegram in time; waiting for its late outcome", id);
  background_.PostAt(Clock::now() + kSettleTimeout, [this, account_id, key, id] {
    auto& settling = SenderOf(account_id).settling;
    if (auto it = settling.find(key); it != settling.end() && it->second.id == id) {
      EndUnknown(account_id, key, "no outcome within " + std::to_string(kSettleTimeout.count()) + " minutes");
    }
  });
  Repump(account_id, sender);
}

void OutboxService::Settle(const std::string& account_id, const SendKey& key, const SendResult& result) {
  auto& settling = SenderOf(account_id).settling;
  auto it = settling.find(key);
  if (it == settling.end()) return;
  store::OutboxEntry entry = std::move(it->second);
  settling.erase(it);
  if (result.ok()) {
    accounts_.ClearLimited(account_id);
    entry = Sent(std::move(entry), result.value());
  } else {
    RecordError(entry, result.error());
    entry.state = OutboxState::kFailed;
  }
  spdlog::info("outbox {}: late outcome {}", entry.id, store::OutboxStateName(entry.state));
  Finish(account_id, std::move(entry));
}

void OutboxService::EndUnknown(const std::string& account_id, const SendKey& key, const std::string& why) {
  auto& settling = SenderOf(account_id).settling;
  auto it = settling.find(key);
  if (it == settling.end()) return;
  store::OutboxEntry entry = EndedUnknown(std::move(it->second), why);
  settling.erase(it);
  Finish(account_id, std::move(entry));
}

void OutboxService::FailQueue(const std::string& account_id, const Error& error) {
  Sender& sender = SenderOf(account_id);
  std::vector<store::OutboxEntry> ended;
  for (auto it = sender.queue.begin(); it != sender.queue.end();) {
    // A send in flight ends by its own answer, then here on the next pass; one
    // not yet known to be written, once it is (Confirm pumps again).
    if (it->in_flight || !it->confirmed) {
      ++it;
      continue;
    }
    ended.push_back(std::move(it->entry));
    it = sender.queue.erase(it);
  }
  for (auto& entry : ended) {
    RecordError(entry, error);
    entry.state = OutboxState::kFailed;
    Finish(account_id, std::move(entry));
  }
  std::vector<SendKey> unsettled;
  for (const auto& [key, entry] : sender.settling) unsettled.push_back(key);
  for (const auto& key : unsettled) EndUnknown(account_id, key, error.what());
}

void OutboxService::Finish(const std::string& account_id, store::OutboxEntry entry) {
  entry.updated_at = UnixSeconds();
  if (entry.state == OutboxState::kFailed) {
    spdlog::info("outbox {} of account {}: failed ({})", entry.id, account_id, entry.error_code);
  }
  // Its message.sent or message.failed goes down with the final state.
  auto events = EndEvent(entry);
  Save(entry, [this, entry] {
    // Once on disk: whoever hears of the end can rely on it. Listeners first
    // (a pool's counters, a dialog's), so that a client answered by Notify
    // (?wait) and reading those at once finds them counted.
    ReleaseMedia(entry);
    for (const auto& listener : finished_listeners_) listener(entry);
    Notify(entry);
  }, WriteKind::kState, std::move(events));
  metrics_.Ended(entry);
}

void OutboxService::Complete(const std::string& account_id, const std::string& id, store::OutboxEntry entry) {
  Sender& sender = SenderOf(account_id);
  sender.queue.remove_if([&](const Queued& q) { return q.entry.id == id; });
  Finish(account_id, std::move(entry));
  Repump(account_id, sender);
}

}  // namespace tgmux::service
