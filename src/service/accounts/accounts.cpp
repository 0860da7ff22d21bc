#include "service/accounts/accounts.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "common/invalidate_on_exit.h"
#include "common/time.h"
#include "crypto/random_id.h"

namespace tgmux::service {
namespace {

using telegram::AuthState;
using telegram::ClosedReason;
using Kind = telegram::AuthState::Kind;
using store::AccountStatus;

Error NotFound(const std::string& id) { return Error(ErrorCode::kNotFound, "no account " + id); }

}  // namespace

AccountService::AccountService(Infrastructure& infra, Background& background, AuditLog& audit)
    : infra_(infra),
      background_(background),
      audit_(audit),
      phone_digests_(infra.store(), infra.envelope()),
      default_proxy_(ParseProxyUrl(infra.config().default_proxy).proxy) {}

AccountService::~AccountService() { Shutdown(); }

AccountKeys AccountService::NewKeys() const {
  return AccountKeys{crypto::RandomId("acc"), crypto::SecretKey::Random(), crypto::SecretKey::Random()};
}

std::string AccountService::TdDirectory(const std::string& account_id) const {
  return (infra_.config().data_dir / "accounts" / account_id / "td").string();
}

void AccountService::RestoreAll() {
  auto accounts = infra_.store().ListAccounts();
  RemoveOrphans(accounts);
  BackfillPhoneDigests(accounts);
  for (const auto& account : accounts) {
    if (Runnable(account)) Start(account);
  }
}

void AccountService::RemoveOrphans(const std::vector<store::Account>& accounts) {
  // Directories of logins that never finished (the process stopped meanwhile).
  std::error_code ec;
  std::set<std::string> known;
  for (const auto& account : accounts) known.insert(account.id);
  for (const auto& entry : std::filesystem::directory_iterator(infra_.config().data_dir / "accounts", ec)) {
    if (!known.count(entry.path().filename().string())) Wipe(entry.path().filename().string());
  }
}

void AccountService::Close(const std::string& account_id, std::function<void()> closed) {
  auto live = Take(account_id);
  if (!live) {
    {
      // A client still closing: `closed` follows it.
      std::lock_guard lock(mutex_);
      if (closing_.count(account_id)) {
        if (closed) after_close_[account_id].push_back(std::move(closed));
        return;
      }
    }
    if (closed) closed();
    return;
  }
  Stop(account_id, std::move(*live), std::move(closed));
}

void AccountService::Resume(const std::string& account_id) {
  background_.Post([this, account_id] {
    auto row = infra_.store().FindAccount(account_id);
    if (row && Runnable(*row)) Start(*row);
  });
}

void AccountService::Stop(const std::string& account_id, Live live, std::function<void()> closed) {
  {
    std::lock_guard lock(mutex_);
    closing_.insert(account_id);
  }
  // The handler keeps the client alive until TDLib has let go of its directory.
  live.events->Set(nullptr, [this, account_id, events = live.events, client = live.client,
                             closed = std::move(closed)](ClosedReason) {
    bool restart = false;
    std::vector<std::function<void()>> waiting;
    {
      std::lock_guard lock(mutex_);
      closing_.erase(account_id);
      restart = restart_after_close_.erase(account_id) > 0;
      if (auto it = after_close_.find(account_id); it != after_close_.end()) {
        waiting = std::move(it->second);
        after_close_.erase(it);
      }
    }
    if (closed) closed();
    for (auto& then : waiting) then();
    if (restart) background_.Post([this, account_id] {
      if (auto row = infra_.store().FindAccount(account_id)) Start(*row);
    });
    events->Set(nullptr, nullptr);
  });
  live.client->Close([](telegram::Status) {});
}

void AccountService::Start(const store::Account& account) {
  if (may_run_ && !may_run_(account.id)) return;  // another node runs it, or none yet
  {
    // A directory still held by a closing client cannot be opened yet.
    std::lock_guard lock(mutex_);
    if (closing_.count(account.id)) {
      restart_after_close_.insert(account.id);
      return;
    }
  }
  const auto& envelope = infra_.envelope();
  std::string td_key;
  try {
    auto data_key = envelope.UnwrapDataKey(account.wrapped_data_key, account.id);
    td_key = envelope.Decrypt(data_key, account.id, "td_key", account.td_key_sealed);
  } catch (const crypto::DecryptError&) {
    SetStatus(account.id, AccountStatus::kError, "the account's keys do not decrypt with this master key");
    return;
  }
  auto proxy = ProxyOf(account);
  auto events = std::make_shared<ClientEvents>();
  Watch(account.id, events);
  auto client = std::make_shared<telegram::AccountClient>(infra_.hub(), ClientEvents::Bind(events));
  {
    std::lock_guard lock(mutex_);
    live_[account.id] = Live{client, events, std::nullopt, std::nullopt};
  }
  SetStatus(account.id, AccountStatus::kConnecting, "");
  client->Start(TdDirectory(account.id), td_key, infra_.TdParams(), [this, id = account.id, proxy](telegram::Status s) {
    if (!s.ok()) return SetStatus(id, AccountStatus::kError, s.error().what());
    if (proxy) ApplyProxy(id, proxy);
  });
}

void AccountService::Watch(const std::string& account_id, const std::shared_ptr<ClientEvents>& events) {
  events->Set([this, account_id](const AuthState& s) { OnState(account_id, s); },
              [this, account_id](ClosedReason r) { OnClosed(account_id, r); });
  events->SetConnection([this, account_id](telegram::ConnectionState s) { OnConnection(account_id, s); });
  events->Observe(account_id, &observers_);
}

void AccountService::OnState(const std::string& account_id, const AuthState& state) {
  if (state.kind == Kind::kReady) {
    bool through_proxy_not_ready = false;
    {
      std::lock_guard lock(mutex_);
      auto it = live_.find(account_id);
      through_proxy_not_ready = it != live_.end() && it->second.held_by_proxy;
    }
    // Through a proxy, active waits for the connection (OnConnection).
    if (!through_proxy_not_ready) SetStatus(account_id, AccountStatus::kActive, "");
    DigestFromTelegram(account_id);
    for (auto* observer : observers_) observer->OnReady(account_id);
  } else if (state.kind == Kind::kWaitPhoneNumber || state.kind == Kind::kWaitCode ||
             state.kind == Kind::kWaitPassword || state.kind == Kind::kWaitOtherDeviceConfirmation) {
    // The session on disk no longer logs in: it ended while we were away.
    SetStatus(account_id, AccountStatus::kRevoked, "the Telegram session is no longer valid; link the account again");
    if (auto live = Take(account_id)) live->client->Destroy([](telegram::Status) {});
  }
}

void AccountService::OnClosed(const std::string& account_id, ClosedReason reason) {
  if (reason != ClosedReason::kRevoked) return;
  Take(account_id);
  // TDLib ends a banned account's session like a revoked one (tdlib-facts §5.9):
  // SetStatus says banned where Telegram said so before the end.
  SetStatus(account_id, AccountStatus::kRevoked, "the session was terminated from another device or by Telegram");
  spdlog::warn("account {}: session ended remotely", account_id);
}

void AccountService::SetStatus(const std::string& account_id, AccountStatus status, const std::string& error) {
  background_.Post([this, account_id, given = status, given_error = error] {
    std::unique_lock row_lock(row_mutex_);
    auto row = infra_.store().FindAccount(account_id);
    if (!row) return;
    auto [status, error] = Settled(*row, given, given_error);
    if (row->status == status && row->last_error == error) return;
    if (row->status == AccountStatus::kDisabled && status != AccountStatus::kDisabled) return;
    // Banned stays until the account is unlinked or linked again.
    if (row->status == AccountStatus::kBanned && status != AccountStatus::kDisabled) return;
    AccountStatus previous = row->status;
    InvalidateOnExit written(rows_);
    row->status = status;
    row->last_error = error;
    row->updated_at = UnixSeconds();
    if (status == AccountStatus::kActive) row->last_connected_at = row->updated_at;
    infra_.store().UpdateAccount(*row);
    row_lock.unlock();
    spdlog::info("account {}: {}", account_id, store::AccountStatusName(status));
    if (previous != status) {
      for (auto* observer : observers_) observer->OnStatus(*row, previous);
    }
  });
}

std::vector<store::Account> AccountService::List(const std::string& tenant_id) {
  return infra_.store().ListAccounts(tenant_id);
}

store::Account AccountService::Get(const std::string& tenant_id, const std::string& id) {
  const auto generation = rows_.Generation();  // before the store is read
  auto row = infra_.store().FindAccount(id);
  if (!row || row->tenant_id != tenant_id) throw NotFound(id);
  rows_.Put(id, *row, generation);
  return *row;
}

std::optional<store::Account> AccountService::Find(const std::string& id) {
  if (auto row = rows_.Find(id)) return row;
  const auto generation = rows_.Generation();  // before the store is read
  auto row = infra_.store().FindAccount(id);
  if (row) rows_.Put(id, *row, generation);
  return row;
}

std::optional<store::Account> AccountService::Cached(const std::string& tenant_id, const std::string& id) const {
  auto row = rows_.Find(id);
  if (!row || row->tenant_id != tenant_id) return std::nullopt;
  return row;
}

store::Account AccountService::Update(const std::string& tenant_id, const std::string& id, const AccountPatch& patch) {
  std::unique_lock row_lock(row_mutex_);
  auto row = Get(tenant_id, id);
  AccountStatus previous = row.status;
  if (patch.display_name) row.display_name = *patch.display_name;
  if (patch.proxy) {
    auto data_key = infra_.envelope().UnwrapDataKey(row.wrapped_data_key, row.id);
    SealProxy(row, data_key, *patch.proxy);
  }
  row.accepts_private = patch.accepts_private.value_or(row.accepts_private);
  row.accepts_groups = patch.accepts_groups.value_or(row.accepts_groups);
  row.accepts_channels = patch.accepts_channels.value_or(row.accepts_channels);
  row.watch = patch.watch.value_or(row.watch);
  row.pool = patch.pool.value_or(row.pool);
  row.project_id = patch.project_id.value_or(row.project_id);
  row.external_id = patch.external_id.value_or(row.external_id);
  const auto& disabled = patch.disabled;
  bool start = false;
  if (disabled && *disabled && row.status != AccountStatus::kDisabled) {
    row.status = AccountStatus::kDisabled;
    if (auto live = Take(id)) Stop(id, std::move(*live));
  } else if (disabled && !*disabled && row.status == AccountStatus::kDisabled) {
    row.status = AccountStatus::kConnecting;
    start = true;
  }
  row.updated_at = UnixSeconds();
  {
    InvalidateOnExit written(rows_);
    infra_.store().UpdateAccount(row);
  }
  row_lock.unlock();
  for (auto* observer : observers_) {
    observer->OnAccountUpdated(row);
    if (previous != row.status) observer->OnStatus(row, previous);
  }
  if (start) Start(row);
  if (patch.proxy && !start) ApplyProxy(id, patch.proxy->has_value() ? *patch.proxy : default_proxy_);
  return row;
}

void AccountService::Unlink(const std::string& tenant_id, const std::string& id, const std::string& actor,
                            std::function<void(telegram::Status)> done) {
  auto row = Get(tenant_id, id);
  audit_.Record(tenant_id, "account_unlinked", actor, "", {{"account_id", id}, {"phone_masked", row.phone_masked}});
  auto live = Take(id);
  auto finish = [this, row, done](telegram::Status) {
    background_.Post([this, row, done] {
      Wipe(row.id);
      {
        InvalidateOnExit written(rows_);
        infra_.store().DeleteAccount(row.id);
      }
      spdlog::info("account {}: unlinked", row.id);
      for (auto* observer : observers_) observer->OnUnlinked(row);
      done(telegram::Status(telegram::Ok{}));
    });
  };
  if (!live || live->client->closed()) {
    finish(telegram::Ok{});
    return;
  }
  // Wipe only once TDLib has closed the directory; the handler keeps the client
  // alive until then and lets go of it after.
  live->events->Set(nullptr, [finish, events = live->events, client = live->client](ClosedReason) {
    finish(telegram::Ok{});
    events->Set(nullptr, nullptr);
  });
  live->client->LogOut([client = live->client](telegram::Status s) {
    if (!s.ok()) client->Destroy([](telegram::Status) {});
  });
}

std::vector<store::Account> AccountService::FindByTelegramUser(const std::string& tenant_id, std::int64_t user_id) {
  return infra_.store().FindAccountsByTelegramUser(tenant_id, user_id);
}

std::optional<store::Account> AccountService::FindByExternalId(const std::string& tenant_id,
                                                              const std::string& external_id) {
  return infra_.store().FindAccountByExternalId(tenant_id, external_id);
}

std::vector<store::Account> AccountService::FindByOwner(const std::string& tenant_id, std::int64_t owner_user_id) {
  return infra_.store().FindAccountsByOwner(tenant_id, owner_user_id);
}

bool AccountService::IsLive(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  return live_.count(account_id) > 0;
}

std::vector<std::string> AccountService::LiveIds() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  ids.reserve(live_.size());
  for (const auto& [id, live] : live_) ids.push_back(id);
  return ids;
}

std::shared_ptr<telegram::AccountClient> AccountService::Client(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(account_id);
  return it == live_.end() ? nullptr : it->second.client;
}

void AccountService::SetFloodWait(const std::string& account_id, std::int64_t until) {
  {
    std::lock_guard lock(mutex_);
    if (until > 0) flood_wait_until_[account_id] = until;
    else flood_wait_until_.erase(account_id);
  }
  if (until > 0) return SetStatus(account_id, AccountStatus::kFloodWait, "");
  // Only the end of a flood wait makes it active again (not of a revoke meanwhile).
  background_.Post([this, account_id] {
    auto row = infra_.store().FindAccount(account_id);
    if (row && row->status == AccountStatus::kFloodWait) SetStatus(account_id, AccountStatus::kActive, "");
  });
}

std::int64_t AccountService::FloodWaitUntil(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  auto it = flood_wait_until_.find(account_id);
  return it == flood_wait_until_.end() ? 0 : it->second;
}

store::Account AccountService::Adopt(store::Account row, const AccountKeys& keys, const std::string& phone,
                                     const std::optional<ProxyUrl>& proxy,
                                     std::shared_ptr<telegram::AccountClient> client,
                                     std::shared_ptr<ClientEvents> events) {
  const auto& envelope = infra_.envelope();
  row.id = keys.account_id;
  row.wrapped_data_key = envelope.WrapDataKey(keys.data_key, row.id);
  row.td_key_sealed = envelope.Encrypt(keys.data_key, row.id, "td_key", keys.td_key.bytes());
  row.phone_sealed = phone.empty() ? "" : envelope.Encrypt(keys.data_key, row.id, "phone", phone);
  row.phone_digest = phone_digests_.OfReported(phone);
  SealProxy(row, keys.data_key, proxy);
  row.status = AccountStatus::kActive;
  row.created_at = row.updated_at = row.last_connected_at = UnixSeconds();
  {
    InvalidateOnExit written(rows_);
    infra_.store().InsertAccount(row);
  }
  Watch(row.id, events);
  {
    std::lock_guard lock(mutex_);
    live_[row.id] = Live{std::move(client), std::move(events), proxy ? proxy : default_proxy_, std::nullopt};
  }
  for (auto* observer : observers_) {
    observer->OnStatus(row, std::nullopt);
    observer->OnReady(row.id);
  }
  return row;
}

void AccountService::Forget(const std::string& account_id) {
  auto row = infra_.store().FindAccount(account_id);
  if (auto live = Take(account_id)) live->client->Destroy([](telegram::Status) {});
  Wipe(account_id);
  {
    InvalidateOnExit written(rows_);
    infra_.store().DeleteAccount(account_id);
  }
  if (!row) return;
  for (auto* observer : observers_) observer->OnUnlinked(*row);
}

void AccountService::Wipe(const std::string& account_id) {
  std::error_code ec;
  std::filesystem::remove_all(infra_.config().data_dir / "accounts" / account_id, ec);
  if (ec) spdlog::error("account {}: cannot remove its directory: {}", account_id, ec.message());
}

std::optional<AccountService::Live> AccountService::Take(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  unreachable_.erase(account_id);  // a new client is checked afresh
  auto it = live_.find(account_id);
  if (it == live_.end()) return std::nullopt;
  Live live = std::move(it->second);
  live_.erase(it);
  return live;
}

void AccountService::Shutdown() {
  std::map<std::string, Live> live;
  {
    std::lock_guard lock(mutex_);
    live.swap(live_);
  }
  for (auto& [id, entry] : live) {
    entry.events->Set(nullptr, nullptr);
    entry.client->Close([](telegram::Status) {});
  }
}

}  // namespace tgmux::service
