// The health monitor (docs/pools.md, Account health): every
// TGMUX_MONITOR_INTERVAL (jittered ±20%) each running account is checked with
// a request that really reaches Telegram and changes nothing (pingProxy
// without a proxy, through the account's own connection), after a look at its
// authorization state. A check without an answer makes the account
// `connecting` with last_error until one answers; a ban Telegram shows makes
// it `banned`; a limit whose time ran out ends (`active` again).
//
// Cost with 10,000 accounts: one request per account per interval, spread
// evenly over it in small batches (never all at once); the round's list of
// accounts is the only per-round allocation. Everything runs on the
// background thread except the answers, which take no lock of the monitor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/infrastructure.h"

namespace tgmux::service {

// One round's plan: which of `count` checks go in which tick. Pure, for tests.
struct CheckPlan {
  std::chrono::milliseconds round;  // this round's length (the interval, jittered)
  std::chrono::milliseconds tick;   // time between two batches
  std::size_t per_tick = 0;         // checks in each batch (the last one may have fewer)
};
// `jitter` in [-1, 1] scales the ±20%.
CheckPlan PlanChecks(std::size_t count, std::chrono::milliseconds interval, double jitter);

// A limit (PEER_FLOOD) whose time ran out at `now` (unix seconds).
bool LimitOver(const store::AccountHealth& health, std::int64_t now);

// Also keeps the gauge tgmux_accounts{status}: accounts by status, counted
// from status changes (seeded from the store once), so a scrape reads no rows.
class HealthMonitor : public AccountObserver {
 public:
  using UnixClock = std::function<std::int64_t()>;  // unix seconds; injectable for tests

  HealthMonitor(Infrastructure& infra, AccountService& accounts, Background& background,
                UnixClock now = nullptr);
  ~HealthMonitor();

  // Starts the rounds (nothing when TGMUX_MONITOR_INTERVAL is 0).
  void Start();
  // No check starts after this; answers still coming are ignored.
  void Stop();

  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;
  void OnUnlinked(const store::Account& account) override;

 private:
  struct State;
  void BeginRound();
  void RunTick();
  void Check(const std::string& account_id);
  void OnAnswer(const std::string& account_id, const telegram::Result<double>& answer);

  Infrastructure& infra_;
  AccountService& accounts_;
  Background& background_;
  UnixClock now_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds deadline_;  // a check without an answer by then failed
  std::shared_ptr<State> state_;              // shared with answers still on their way
  std::mutex counts_mutex_;
  std::map<store::AccountStatus, std::int64_t> counts_;  // the gauge's values
};

}  // namespace tgmux::service
