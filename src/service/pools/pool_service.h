// Account pools (docs/pools.md): accounts grouped by a name for outreach,
// each pool with its settings (limits, warm-up, time zone), each account with
// its counters, and the pick of the account that sends a pool's next message.
//
// Every pool's state lives in memory, loaded from the store at start (before
// any send): the day's sends are counted from the outbox then, and kept
// since by the outbox's listeners (an entry created counts, one that fails
// is taken back); flood waits and bans are counted from status changes.
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/infrastructure.h"
#include "service/outbox/outbox.h"
#include "service/pools/pool_calendar.h"
#include "service/pools/pool_index.h"
#include "service/pools/pool_settings.h"

namespace tgmux::service {

class PoolService : public AccountObserver {
 public:
  // Registers itself with `accounts` and `outbox` (so: before their RestoreAll
  // and Resume) and loads every pool.
  PoolService(Infrastructure& infra, AccountService& accounts, OutboxService& outbox);

  // GET /v1/pools: every pool of the tenant (with accounts or settings), by
  // name: {name, accounts (how many), available, next_available_at, settings}.
  std::vector<nlohmann::json> List(const std::string& tenant_id);
  // GET /v1/pools/{name}: the same with `accounts` listing each account and
  // its counters. not_found when the pool has neither accounts nor settings.
  nlohmann::json Get(const std::string& tenant_id, const std::string& name);
  // PATCH /v1/pools/{name}: errors invalid_request naming the field.
  nlohmann::json Update(const std::string& tenant_id, const std::string& name, const nlohmann::json& patch);
  // PATCH /v1/accounts/{id} {"limits"}: the account's own limits (CheckedLimits' JSON).
  void SetLimits(const std::string& tenant_id, const std::string& account_id, const nlohmann::json& limits);
  // The account's counters as GET /v1/pools/{name} shows them; null when it
  // is in no pool.
  nlohmann::json CountersOf(const std::string& account_id);

  // POST /v1/pools/{name}/messages: the account already talking to `to` in
  // this pool sends (sticky) unless it left the pool or its session ended;
  // otherwise the available account with the fewest sends today, least
  // recently used on a tie. Throws Error: not_found (no such pool),
  // no_account_available (retry_after: when the earliest becomes available),
  // invalid_request (a `to` that names nobody), and the outbox's.
  store::OutboxEntry Send(const std::string& tenant_id, const std::string& pool, SendRequest request);
  // The account that talks to `to` for the pool from now on, chosen as Send
  // chooses, without sending (a dialog opened with no first message).
  std::string Assign(const std::string& tenant_id, const std::string& pool, const std::string& to);

  // With the pool's reassign_first_messages: the account that takes over a
  // first message to a new person (a text the pool picked an account for)
  // waiting on a flood-waiting account, the person bound to it now; nullopt
  // when the entry stays. On the outbox's thread.
  std::optional<std::string> Reassign(const store::OutboxEntry& entry);

  // AccountObserver: status changes move accounts in and out of the pick and
  // count flood waits and bans; a changed pool or an unlink moves them.
  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;
  void OnAccountUpdated(const store::Account& account) override;
  void OnUnlinked(const store::Account& account) override;

  // The clock (unix seconds) that days, warm-up and blocks are read from;
  // tests set it (the pools are read again) and move it.
  void SetClock(std::function<std::int64_t()> clock);

 private:
  struct Member {
    store::Account account;
    store::AccountHealth health;
    std::int64_t sent_total = 0;
  };
  struct Pool {
    std::string tenant_id, name;
    pools::PoolSettings settings;
    pools::PoolDay day;
    pools::PoolIndex index;
    std::map<std::string, Member> members;  // by account id
  };
  static std::string KeyOf(const std::string& tenant_id, const std::string& pool) { return tenant_id + '\n' + pool; }

  // Under mutex_.
  using Healths = std::map<std::string, store::AccountHealth>;  // by account id
  Healths HealthOf(const std::string& tenant_id);
  // The pool from its accounts (and the tenant's health rows), its day's sends counted from the outbox.
  Pool& Load(const std::string& tenant_id, const std::string& name, std::vector<store::Account> accounts,
             const Healths& health);
  Pool& Reload(const std::string& tenant_id, const std::string& name);  // reads its accounts first
  void AddMember(Pool& pool, store::Account account, const std::optional<store::AccountSends>& sends,
                 store::AccountHealth health);
  void DropMember(const std::string& account_id);
  // Puts the member into the pick as it is now; Refresh keeps its counts.
  void Refile(Pool& pool, const Member& member, std::int64_t sent_today, std::int64_t last_used);
  void Refresh(Pool& pool, const Member& member);
  void Roll(Pool& pool);  // a new day: nothing sent yet, the warm-up a day further
  Pool* PoolOf(const std::string& account_id);
  pools::PoolSettings LimitsOf(const Pool& pool, const Member& member) const;
  nlohmann::json MemberJson(const Pool& pool, const Member& member);
  nlohmann::json Summary(Pool& pool, bool with_accounts);
  // What the outbox tells: an entry created or finished.
  void OnCreated(const store::OutboxEntry& entry);
  void OnFinished(const store::OutboxEntry& entry);
  // pool_sends.cpp
  // The account for `contact`: the one bound to it, or one picked and bound now.
  std::string PickFor(const std::string& tenant_id, const std::string& pool, const std::string& contact);

  Infrastructure& infra_;
  AccountService& accounts_;
  OutboxService& outbox_;
  std::function<std::int64_t()> clock_;

  std::mutex send_mutex_;  // one pool send at a time: its pick sees the sends before it
  std::mutex mutex_;       // guards everything below
  std::map<std::string, Pool> pools_;                        // by KeyOf
  std::unordered_map<std::string, std::string> member_of_;  // account id -> KeyOf its pool
  std::unordered_set<std::string> fresh_contacts_;          // KeyOf + '\n' + contact: bound, no entry yet
  std::unordered_set<std::string> first_messages_;          // unfinished entries to a freshly bound person
};

}  // namespace tgmux::service
