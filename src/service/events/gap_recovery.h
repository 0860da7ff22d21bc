// Gap recovery (docs/architecture.md, Gap recovery): messages that reached an account while tgmux
// was down are read back from Telegram's history when its client is ready
// again and appended as message.received; the event log's dedup key keeps
// each exactly once even when TDLib also reports it.
//
// Each account has a checkpoint in the store: every incoming message dated
// before it is known to be in the log. It advances every `interval` (once the
// events queued so far are written; never again in a run where the store
// refused a batch of events) and at shutdown, and trails the clock by
// a margin for messages still on their way. At start an account's chats whose
// last message is newer than the checkpoint are read back to it, but never
// past the retention horizon (TGMUX_EVENT_RETENTION). A new account starts at
// its link time. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/events/events.h"
#include "service/infrastructure.h"

namespace tgmux::service {

class GapRecovery : public AccountObserver {
 public:
  GapRecovery(Infrastructure& infra, AccountService& accounts, EventService& events, Background& background);

  void OnReady(const std::string& account_id) override;
  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;
  // Also hears every message read back (the watcher); only before accounts start.
  void OnRecovered(std::function<void(const std::string& account_id, const telegram::Message&)> listener) {
    recovered_listener_ = std::move(listener);
  }
  // Advances the checkpoint of every account recovered in this run.
  void Checkpoint();

  // Seconds the checkpoint trails the clock.
  static constexpr std::int64_t kMargin = 120;
  // Chats read back at most per account (the most recent ones).
  static constexpr int kMaxChats = 500;

 private:
  struct Run;
  // Reads back what the event log dropped while the store was away (EventService::OnRefill).
  void Refill(const std::set<std::string>& account_ids);
  // Where reading back starts for a checkpoint: never before the retention horizon.
  std::int64_t Since(std::int64_t checkpoint) const;
  void Recover(const std::string& account_id, std::int64_t since);
  void Finished(const std::string& account_id, int recovered, bool complete);

  Infrastructure& infra_;
  AccountService& accounts_;
  EventService& events_;
  Background& background_;
  std::mutex mutex_;
  std::set<std::string> recovering_;
  std::set<std::string> again_;     // handed over again while recovering: read back once more
  std::set<std::string> caught_up_;  // their checkpoints may advance
  std::function<void(const std::string&, const telegram::Message&)> recovered_listener_;
};

}  // namespace tgmux::service
