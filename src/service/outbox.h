// The outbox (DESIGN.md 2.4): every send is a durable row first, then one
// sender per account delivers its entries in creation order, paced per chat;
// a flood wait pauses that account until it ends; transient failures retry
// with backoff, permanent ones end `failed` with the reason.
//
// Delivery is at most once. An entry is marked `sending` before SendText, and
// a send whose outcome is unknown (TDLib's answer missed the deadline, or the
// process stopped meanwhile) ends `failed` with telegram_unreachable instead
// of being sent again: a missing message can be resent by the caller, a
// doubled one cannot be unsent. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>
#include <string>

#include "service/accounts.h"
#include "service/background.h"
#include "service/gateway.h"

namespace tgmux::service {

struct SendRequest {
  std::string to;          // numeric id, @username or +phone
  std::string text;
  std::string parse_mode;  // "", markdown, html
  std::int64_t reply_to_message_id = 0;
  bool silent = false;
  std::string idempotency_key;  // "" when none
};

// The TDLib parse mode of an entry's parse_mode ("": plain text).
telegram::ParseMode ParseModeOf(const std::string& name);

class OutboxService {
 public:
  using EntryDone = std::function<void(const store::OutboxEntry&)>;

  OutboxService(Gateway& gateway, AccountService& accounts, Background& background);

  // Writes the entry (or returns the one with the same idempotency key) and
  // wakes the account's sender. Throws Error: not_found (account of another
  // tenant), invalid_request (empty or too long text, bad formatting).
  store::OutboxEntry Enqueue(const std::string& tenant_id, const std::string& account_id, const SendRequest& request);
  // Throws Error(not_found) for unknown ids and other tenants' entries.
  store::OutboxEntry Get(const std::string& tenant_id, const std::string& id);
  // Calls `done` once: when the entry is sent or failed, or with its state
  // when `timeout` passes first.
  void Wait(const std::string& id, std::chrono::milliseconds timeout, EntryDone done);
  // At start-up: settles the sends the last run left in flight and starts
  // every account's sender.
  void Resume();
  // Told of every entry that ends sent or failed (e.g. for the event log).
  // Only before Resume.
  void OnFinished(EntryDone listener) { finished_listener_ = std::move(listener); }

 private:
  using Clock = std::chrono::steady_clock;
  // Touched only on the background thread.
  struct Sender {
    bool busy = false;  // one entry in flight at a time keeps the order
    Clock::time_point paused_until{};
    std::map<std::int64_t, Clock::time_point> last_send;  // per chat, for pacing
  };

  // The store keeps recipient and text sealed with the account's data key:
  // phone numbers and message texts are never on disk in clear.
  store::OutboxEntry Sealed(store::OutboxEntry entry, bool seal);
  void Save(const store::OutboxEntry& entry) { gateway_.store().UpdateOutbox(Sealed(entry, true)); }
  std::optional<store::OutboxEntry> Load(const std::string& id);

  void Kick(const std::string& account_id);
  void PumpAt(const std::string& account_id, Clock::time_point when);
  // outbox_sender.cpp: the sender's steps, on the background thread.
  void Pump(const std::string& account_id);
  void Resolve(store::OutboxEntry entry);
  void PaceThenSend(store::OutboxEntry entry);
  void Send(store::OutboxEntry entry);
  void OnSent(store::OutboxEntry entry, const telegram::Result<telegram::Message>& result);
  void OnFailure(store::OutboxEntry entry, const Error& error, bool outcome_unknown);
  void PauseForFlood(store::OutboxEntry entry, const Error& error);
  void RetryLater(store::OutboxEntry entry, const Error& error);
  void Finish(store::OutboxEntry entry);
  void Release(const std::string& account_id);
  void Notify(const store::OutboxEntry& entry);

  Gateway& gateway_;
  AccountService& accounts_;
  Background& background_;
  const Clock::duration chat_interval_;
  std::map<std::string, Sender> senders_;

  std::mutex mutex_;  // guards the waiters
  std::uint64_t next_waiter_ = 0;
  std::map<std::uint64_t, std::pair<std::string, EntryDone>> waiters_;
  EntryDone finished_listener_;
};

}  // namespace tgmux::service
