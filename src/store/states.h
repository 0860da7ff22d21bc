// The states and kinds the store keeps in its rows, each an enum with one name
// table (states.cpp). The names are the ones the API, the event log and the
// database columns use; the store converts at its boundary, and reading a
// name no table holds is a StoreError naming the column.
#pragma once

#include <optional>
#include <string_view>

namespace tgmux::store {

// An account's connection to Telegram (docs/architecture.md, Account statuses).
enum class AccountStatus {
  kConnecting,  // its TDLib client is starting
  kActive,
  kFloodWait,   // Telegram makes it wait; its sends are paused
  kError,       // its client could not start (last_error says why)
  kRevoked,     // its session ended at Telegram: link it again
  kDisabled,    // switched off by a user; its client is stopped
  kLimited,     // Telegram's spam limit (PEER_FLOOD): it may not write to strangers for now
  kBanned,      // Telegram banned it (USER_DEACTIVATED_BAN, PHONE_NUMBER_BANNED)
};
std::string_view AccountStatusName(AccountStatus status);
std::optional<AccountStatus> ParseAccountStatus(std::string_view name);

// A tracked dialog's status (docs/pools.md): set by the API, except failed,
// which it also becomes when Telegram refuses messages to the person.
enum class DialogStatus { kActive, kQualified, kStopped, kFailed };
std::string_view DialogStatusName(DialogStatus status);
std::optional<DialogStatus> ParseDialogStatus(std::string_view name);

// How an account was (or is being) linked: phone number + code, or QR code.
enum class LoginMethod { kPhone, kQr };
std::string_view LoginMethodName(LoginMethod method);
std::optional<LoginMethod> ParseLoginMethod(std::string_view name);

// An outbox entry's delivery: queued -> sending -> sent | failed.
enum class OutboxState { kQueued, kSending, kSent, kFailed };
std::string_view OutboxStateName(OutboxState state);
std::optional<OutboxState> ParseOutboxState(std::string_view name);
// Sent or failed: the entry will not change again.
bool IsFinal(OutboxState state);

// A bot tgmux runs (docs/bots.md): logging in, running, failed (last_error
// says why: a revoked token, keys that do not open), or switched off.
enum class BotStatus { kConnecting, kActive, kError, kDisabled };
std::string_view BotStatusName(BotStatus status);
std::optional<BotStatus> ParseBotStatus(std::string_view name);

// A webhook: delivering, or disabled after failing for too long.
enum class WebhookState { kActive, kDisabled };
std::string_view WebhookStateName(WebhookState state);
std::optional<WebhookState> ParseWebhookState(std::string_view name);

// A watcher match's notification (docs/watcher.md): waiting for the bot,
// handed to Telegram (after a crash it is never sent again: at most once),
// delivered, folded into an hourly summary (the subscriber's cap was
// reached), or refused by Telegram for good (the person blocked the bot).
enum class WatchNotifyState { kPending, kSending, kSent, kSummarized, kFailed };
std::string_view WatchNotifyStateName(WatchNotifyState state);
std::optional<WatchNotifyState> ParseWatchNotifyState(std::string_view name);

// The subscriber's answer to a match: none yet, waiting for their text,
// queued in the outbox of their own account, sent, failed (the reason is
// kept), or ignored.
enum class WatchAnswerState { kNone, kAsked, kQueued, kSent, kFailed, kIgnored };
std::string_view WatchAnswerStateName(WatchAnswerState state);
std::optional<WatchAnswerState> ParseWatchAnswerState(std::string_view name);

}  // namespace tgmux::store
