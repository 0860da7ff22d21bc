// Linked accounts: their rows, their running TDLib clients, status changes
// (connecting, active, flood_wait, limited, error, revoked, banned, disabled), restore at start-up and
// unlink. Thread-safe; every call returns quickly (TDLib work is asynchronous).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/generation_cache.h"
#include "service/accounts/account_observer.h"
#include "service/accounts/client_events.h"
#include "service/accounts/phone_digests.h"
#include "service/auth/audit.h"
#include "service/background.h"
#include "service/infrastructure.h"
#include "telegram/account_client.h"

namespace tgmux::service {

// A new account's secrets before its row exists.
struct AccountKeys {
  std::string account_id;
  crypto::SecretKey data_key;
  crypto::SecretKey td_key;  // TDLib's database_encryption_key
};

// What PATCH /v1/accounts/{id} may change; unset fields stay.
struct AccountPatch {
  std::optional<std::string> display_name;
  // Set: the account's own proxy URL, or nullopt inside to remove it (then
  // TGMUX_PROXY, if any, applies).
  std::optional<std::optional<ProxyUrl>> proxy;
  std::optional<bool> disabled;
  std::optional<bool> accepts_private;
  std::optional<bool> accepts_groups;
  std::optional<bool> accepts_channels;
  // The watcher's settings as stored (WatchService::Configure resolves them); "" stops watching.
  std::optional<std::string> watch;
  // The account pool it sends for (docs/pools.md); "" leaves its pool.
  std::optional<std::string> pool;
  // The caller's labels (store::Account); "" clears one. An external_id the
  // tenant already uses is Error(conflict).
  std::optional<std::string> project_id;
  std::optional<std::string> external_id;
};

class AccountService {
 public:
  AccountService(Infrastructure& infra, Background& background, AuditLog& audit);
  ~AccountService();

  // Who hears about messages, reads, send results and status changes of every
  // account. Only before RestoreAll; observers outlive this service.
  void AddObserver(AccountObserver* observer) { observers_.push_back(observer); }

  // Starts the TDLib client of every linked account that is not disabled or
  // revoked (and, with several nodes, whose lease this node holds).
  void RestoreAll();

  // Several nodes (service/cluster): a client starts only for an account
  // `may_run` says this node runs. Only before RestoreAll.
  void SetPlacement(std::function<bool(const std::string& account_id)> may_run) { may_run_ = std::move(may_run); }
  // Whether this node runs every account (a single node), or the account now.
  bool RunsEverything() const { return !may_run_; }
  bool RunsHere(const std::string& account_id) const { return !may_run_ || may_run_(account_id); }
  // Closes the account's running client (the session stays on disk); `closed`
  // runs once TDLib has let go of its directory (at once when none runs).
  void Close(const std::string& account_id, std::function<void()> closed);
  // Starts the account's client again when its row says it runs (placement permitting).
  void Resume(const std::string& account_id);

  std::vector<store::Account> List(const std::string& tenant_id);
  // The tenant's accounts of a number typed in any common form ("+380 67 123
  // 4567", "00380671234567"), oldest first; indexed. Throws Error(invalid_phone).
  std::vector<store::Account> FindByPhone(const std::string& tenant_id, const std::string& phone);
  // Throws Error(not_found) for unknown ids and other tenants' accounts.
  store::Account Get(const std::string& tenant_id, const std::string& id);
  // The row as the last Get read it, when no account was written since (every
  // write here empties this cache); nullopt otherwise and for other tenants'
  // accounts. Memory only, never blocks: a network thread answers a read with
  // it. For views; Get for anything that writes the row back.
  std::optional<store::Account> Cached(const std::string& tenant_id, const std::string& id) const;
  // Changes with every write of an account row: what is made from Cached rows
  // is kept by it (read it before Cached), as the rows themselves are.
  std::uint64_t RowsGeneration() const { return rows_.Generation(); }
  // The row by id alone, as the cache above has it when no account was written
  // since it was read, else from the store (then cached); nullopt when there
  // is none. Throws store::StoreUnavailable. For work done per message (the
  // outbox seals each send with the account's key) that must see every write.
  std::optional<store::Account> Find(const std::string& id);
  store::Account Update(const std::string& tenant_id, const std::string& id, const AccountPatch& patch);
  // Logs out at Telegram (bounded by the deadline), wipes the local TDLib
  // directory and removes the row; then calls done.
  // `actor` (user or key id) goes to the audit log.
  void Unlink(const std::string& tenant_id, const std::string& id, const std::string& actor,
              std::function<void(telegram::Status)> done);

  // The tenant's account with this external_id, if any.
  std::optional<store::Account> FindByExternalId(const std::string& tenant_id, const std::string& external_id);

  // For logins.
  AccountKeys NewKeys() const;
  std::string TdDirectory(const std::string& account_id) const;
  // The tenant's accounts of one Telegram user, oldest first; indexed.
  std::vector<store::Account> FindByTelegramUser(const std::string& tenant_id, std::int64_t user_id);
  // The accounts a person linked through the tenant's bots, oldest first.
  std::vector<store::Account> FindByOwner(const std::string& tenant_id, std::int64_t owner_user_id);
  bool IsLive(const std::string& account_id);
  // The accounts whose client runs now (a copy: the health monitor walks it).
  std::vector<std::string> LiveIds();

  // For the outbox: the account's running client, or null.
  std::shared_ptr<telegram::AccountClient> Client(const std::string& account_id);
  // Status flood_wait until `until` (unix seconds) while Telegram makes the
  // account wait; 0: the wait is over, status active.
  void SetFloodWait(const std::string& account_id, std::int64_t until);
  // Health (docs/pools.md, Account health). Telegram refused a send with
  // PEER_FLOOD: the account is `limited` (it still writes to its contacts and
  // chats) until TGMUX_LIMITED_HOURS from now, kept in the store; `reason` is
  // its last_error.
  void MarkLimited(const std::string& account_id, const std::string& reason);
  // A send passed, or the limit's time ran out: `active` again (if it was limited).
  void ClearLimited(const std::string& account_id);
  // Telegram said the account is banned (USER_DEACTIVATED_BAN, PHONE_NUMBER_BANNED):
  // status `banned`, which its session's end (LoggingOut, Closed) keeps.
  void MarkBanned(const std::string& account_id, const std::string& reason);
  // The health monitor's finding: Telegram answered the account's check, or
  // did not (`error` says what failed): `connecting` until it answers again.
  void ReportReachable(const std::string& account_id, bool reachable, const std::string& error);
  // Not linked any more: revoked or banned (a new login may take its number).
  static bool SessionGone(store::AccountStatus status);
  // Its client runs (somewhere): linked and not disabled.
  static bool Runnable(const store::Account& account) {
    return account.status != store::AccountStatus::kDisabled && !SessionGone(account.status);
  }

  // When the account's flood wait ends (unix seconds), or 0 when it is in none.
  // Kept in memory only: after a restart the account starts without one.
  std::int64_t FloodWaitUntil(const std::string& account_id);
  // The installation's keyed digests of phone numbers.
  const PhoneDigests& phone_digests() const { return phone_digests_; }
  // Stores the row (secrets sealed, the phone's digest beside them) and takes
  // over the logged-in client. `phone`: E.164 as Telegram reports it, or "".
  // `proxy`: the one the login used when it was the login's own (sealed into the row).
  store::Account Adopt(store::Account row, const AccountKeys& keys, const std::string& phone,
                       const std::optional<ProxyUrl>& proxy, std::shared_ptr<telegram::AccountClient> client,
                       std::shared_ptr<ClientEvents> events);

  // account_proxies.cpp. A proxy URL from the API; throws Error(invalid_request)
  // naming `field` and what is wrong (never the password or secret).
  static ProxyUrl ParseProxyField(const std::string& field, const std::string& text);
  // TGMUX_PROXY, parsed once.
  const std::optional<ProxyUrl>& default_proxy() const { return default_proxy_; }
  // Removes an account that a new login of the same Telegram user replaces.
  void Forget(const std::string& account_id);

  // Closes every client (the sessions stay on disk).
  void Shutdown();

 private:
  struct Live {
    std::shared_ptr<telegram::AccountClient> client;
    std::shared_ptr<ClientEvents> events;
    std::optional<ProxyUrl> proxy;  // what the client goes through
    std::optional<telegram::ConnectionState> connection;
    bool held_by_proxy = false;     // `connecting` because of the proxy, until connected
  };
  void Start(const store::Account& account);
  // Closes a running client (the session stays); Start waits for it.
  // `closed`, if any, runs once TDLib has let go of the directory.
  void Stop(const std::string& account_id, Live live, std::function<void()> closed = nullptr);
  void RemoveOrphans(const std::vector<store::Account>& accounts);
  // Accounts linked before phone digests existed: from the sealed phone now,
  // or from Telegram's report once their client is ready.
  void BackfillPhoneDigests(const std::vector<store::Account>& accounts);
  void DigestFromTelegram(const std::string& account_id);
  void Watch(const std::string& account_id, const std::shared_ptr<ClientEvents>& events);
  void OnState(const std::string& account_id, const telegram::AuthState& state);
  void OnClosed(const std::string& account_id, telegram::ClosedReason reason);
  void SetStatus(const std::string& account_id, store::AccountStatus status, const std::string& error);
  // account_health.cpp: the status a change to `status` really means for the
  // row: revoked is banned where Telegram said so; active is limited while
  // the account's limit lasts. Background thread.
  std::pair<store::AccountStatus, std::string> Settled(const store::Account& row, store::AccountStatus status,
                                                       const std::string& error);
  // account_proxies.cpp: the account's own proxy (unsealed) or the default;
  // sealing a new one into the row; handing it to the running client; and the
  // status that follows the connection while it goes through a proxy.
  std::optional<ProxyUrl> ProxyOf(const store::Account& account);
  void SealProxy(store::Account& row, const crypto::SecretKey& data_key, const std::optional<ProxyUrl>& proxy);
  void ApplyProxy(const std::string& account_id, const std::optional<ProxyUrl>& proxy);
  void OnConnection(const std::string& account_id, telegram::ConnectionState state);
  void Wipe(const std::string& account_id);
  std::optional<Live> Take(const std::string& account_id);

  Infrastructure& infra_;
  Background& background_;
  AuditLog& audit_;
  const PhoneDigests phone_digests_;
  ClientEvents::Observers observers_;
  std::mutex mutex_;
  // One read-modify-write of an account row at a time: Update (a caller's
  // thread) and SetStatus (the background thread) each write the whole row,
  // and one must not undo the other's change.
  std::mutex row_mutex_;
  // Rows Get read, for Cached; emptied (Invalidate) after every write of a row.
  GenerationCache<store::Account> rows_{100000};
  std::map<std::string, Live> live_;
  std::set<std::string> closing_;              // clients closing; their directories are busy
  std::set<std::string> restart_after_close_;  // to start again once closed
  std::map<std::string, std::vector<std::function<void()>>> after_close_;  // Close callers waiting for a closing client
  std::map<std::string, std::int64_t> flood_wait_until_;  // unix seconds
  std::map<std::string, std::string> banned_;  // accounts Telegram said are banned, with why
  std::set<std::string> unreachable_;           // `connecting` because the monitor's check failed
  std::set<std::string> limited_;               // limited since start (MarkLimited, or read back by Settled)
  std::set<std::string> digest_when_ready_;  // accounts whose phone digest Telegram's report gives
  const std::optional<ProxyUrl> default_proxy_;
  std::function<bool(const std::string&)> may_run_;  // SetPlacement
};

}  // namespace tgmux::service
