#include "service/pools/pool_service.h"

#include <algorithm>

#include "common/metrics.h"
#include "common/time.h"

namespace tgmux::service {

using nlohmann::json;
using store::AccountStatus;

namespace {

json TimeOrNull(std::int64_t unix_seconds) { return unix_seconds > 0 ? json(Rfc3339(unix_seconds)) : json(nullptr); }

}  // namespace

PoolService::PoolService(Infrastructure& infra, AccountService& accounts, OutboxService& outbox)
    : infra_(infra), accounts_(accounts), outbox_(outbox), clock_([] { return UnixSeconds(); }) {
  accounts_.AddObserver(this);
  outbox_.OnCreated([this](const store::OutboxEntry& entry) { OnCreated(entry); });
  outbox_.OnFinished([this](const store::OutboxEntry& entry) { OnFinished(entry); });
  {
    // Every pool at once: the accounts and the health rows are read once, not per pool.
    std::lock_guard lock(mutex_);
    std::map<std::string, std::vector<store::Account>> members;  // by KeyOf
    for (auto& account : infra_.store().ListAccounts()) {
      if (!account.pool.empty()) members[KeyOf(account.tenant_id, account.pool)].push_back(std::move(account));
    }
    std::map<std::string, Healths> health;  // by tenant
    for (auto& [key, accounts] : members) {
      const std::string tenant_id = accounts.front().tenant_id, name = accounts.front().pool;
      if (health.count(tenant_id) == 0) health[tenant_id] = HealthOf(tenant_id);
      Load(tenant_id, name, std::move(accounts), health[tenant_id]);
    }
  }
  infra_.metrics().AddCollector([this](Metrics::Writer& w) {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_();
    for (auto& [key, pool] : pools_) {
      Roll(pool);
      w.Gauge("tgmux_pool_available", "Accounts of a pool that may send now", "pool=" + LabelValue(pool.name),
              static_cast<double>(pool.index.Available(now)));
    }
  });
}

void PoolService::SetClock(std::function<std::int64_t()> clock) {
  std::lock_guard lock(mutex_);
  clock_ = std::move(clock);
  std::vector<std::pair<std::string, std::string>> loaded;
  for (const auto& [key, pool] : pools_) loaded.emplace_back(pool.tenant_id, pool.name);
  for (const auto& [tenant_id, name] : loaded) Reload(tenant_id, name);  // today's sends counted on the new clock
}

PoolService::Healths PoolService::HealthOf(const std::string& tenant_id) {
  Healths health;
  for (auto& row : infra_.store().ListAccountHealth(tenant_id)) health[row.account_id] = std::move(row);
  return health;
}

PoolService::Pool& PoolService::Reload(const std::string& tenant_id, const std::string& name) {
  std::vector<store::Account> accounts;
  for (auto& account : infra_.store().ListAccounts(tenant_id)) {
    if (account.pool == name) accounts.push_back(std::move(account));
  }
  return Load(tenant_id, name, std::move(accounts), HealthOf(tenant_id));
}

PoolService::Pool& PoolService::Load(const std::string& tenant_id, const std::string& name,
                                     std::vector<store::Account> accounts, const Healths& health) {
  const std::string key = KeyOf(tenant_id, name);
  auto& store = infra_.store();
  Pool& pool = pools_[key];
  for (const auto& [id, member] : pool.members) member_of_.erase(id);
  pool = Pool{};
  pool.tenant_id = tenant_id;
  pool.name = name;
  auto row = store.FindPool(tenant_id, name);
  pool.settings = row ? pools::PoolSettings::FromText(row->settings) : pools::PoolSettings{};
  pool.day = pools::DayIn(pool.settings.timezone, clock_());
  std::map<std::string, store::AccountSends> sends;
  for (auto& s : store.CountPoolSends(tenant_id, name, "", pool.day.start)) sends[s.account_id] = s;
  for (auto& account : accounts) {
    auto found = sends.find(account.id);
    auto row = health.find(account.id);
    AddMember(pool, std::move(account), found == sends.end() ? std::nullopt : std::optional(found->second),
              row == health.end() ? store::AccountHealth{} : row->second);
  }
  return pool;
}

void PoolService::AddMember(Pool& pool, store::Account account, const std::optional<store::AccountSends>& sends,
                            store::AccountHealth health) {
  Member member;
  member.health = std::move(health);
  member.sent_total = sends ? sends->sent_total : 0;
  member.account = std::move(account);
  const std::string id = member.account.id;
  member_of_[id] = KeyOf(pool.tenant_id, pool.name);
  const auto& stored = pool.members[id] = std::move(member);
  Refile(pool, stored, sends ? sends->since : 0, sends ? sends->last_at : 0);
}

void PoolService::Refresh(Pool& pool, const Member& member) {
  const auto* m = pool.index.Find(member.account.id);
  Refile(pool, member, m ? m->sent_today : 0, m ? m->last_used : 0);
}

pools::PoolSettings PoolService::LimitsOf(const Pool& pool, const Member& member) const {
  return pools::WithLimits(pool.settings, member.health.limits);
}

void PoolService::Refile(Pool& pool, const Member& member, std::int64_t sent_today, std::int64_t last_used) {
  const auto& a = member.account;
  const std::int64_t now = clock_();
  pools::PoolIndex::Member m;
  m.id = a.id;
  m.last_used = last_used;
  m.sent_today = sent_today;
  m.limit_today = pools::LimitOnDay(LimitsOf(pool, member), pools::WarmupDay(pool.settings.timezone, pool.day, a.created_at));
  switch (a.status) {
    case AccountStatus::kActive:
      m.usable = true;
      break;
    case AccountStatus::kFloodWait:
      m.usable = true;
      m.blocked_until = accounts_.FloodWaitUntil(a.id);
      break;
    case AccountStatus::kLimited:
      // Limited with no end known: out of the pick until its status changes.
      m.usable = member.health.limited_until > now;
      m.blocked_until = member.health.limited_until;
      break;
    default:
      m.usable = false;
  }
  pool.index.Put(std::move(m), now);
}

void PoolService::Roll(Pool& pool) {
  const std::int64_t now = clock_();
  if (now >= pool.day.start && now < pool.day.next) return;
  pool.day = pools::DayIn(pool.settings.timezone, now);
  for (const auto& [id, member] : pool.members) Refile(pool, member, 0, pool.index.Find(id)->last_used);
}

PoolService::Pool* PoolService::PoolOf(const std::string& account_id) {
  auto it = member_of_.find(account_id);
  if (it == member_of_.end()) return nullptr;
  Pool& pool = pools_.at(it->second);
  Roll(pool);
  return &pool;
}

void PoolService::DropMember(const std::string& account_id) {
  auto it = member_of_.find(account_id);
  if (it == member_of_.end()) return;
  auto pool = pools_.find(it->second);
  member_of_.erase(it);
  if (pool == pools_.end()) return;
  pool->second.index.Remove(account_id);
  pool->second.members.erase(account_id);
  if (pool->second.members.empty()) pools_.erase(pool);
}

void PoolService::OnCreated(const store::OutboxEntry& entry) {
  std::lock_guard lock(mutex_);
  if (Pool* pool = PoolOf(entry.account_id); pool && entry.created_at >= pool->day.start) {
    pool->index.Count(entry.account_id, +1, clock_());
  }
}

void PoolService::OnFinished(const store::OutboxEntry& entry) {
  std::lock_guard lock(mutex_);
  first_messages_.erase(entry.id);
  Pool* pool = PoolOf(entry.account_id);
  if (pool == nullptr) return;
  if (entry.state == store::OutboxState::kSent) {
    pool->members.at(entry.account_id).sent_total++;
  } else if (entry.created_at >= pool->day.start) {
    pool->index.Count(entry.account_id, -1, clock_());
  }
}

void PoolService::OnStatus(const store::Account& account, std::optional<AccountStatus> previous) {
  auto& store = infra_.store();
  if (account.status == AccountStatus::kFloodWait && previous != AccountStatus::kFloodWait) {
    store.CountAccountHealth(account.tenant_id, account.id, store::HealthCounter::kFloodWaits);
  }
  if (account.status == AccountStatus::kBanned && previous != AccountStatus::kBanned) {
    store.CountAccountHealth(account.tenant_id, account.id, store::HealthCounter::kBans);
  }
  std::lock_guard lock(mutex_);
  Pool* pool = PoolOf(account.id);
  if (pool == nullptr) return;
  Member& member = pool->members.at(account.id);
  member.account = account;
  member.health = store.FindAccountHealth(account.id).value_or(store::AccountHealth{});
  Refresh(*pool, member);
}

void PoolService::OnAccountUpdated(const store::Account& account) {
  std::lock_guard lock(mutex_);
  auto it = member_of_.find(account.id);
  const std::string key = KeyOf(account.tenant_id, account.pool);
  if (it != member_of_.end() && it->second == key) {
    Pool* pool = PoolOf(account.id);
    Member& member = pool->members.at(account.id);
    member.account = account;
    return Refresh(*pool, member);
  }
  DropMember(account.id);
  if (account.pool.empty()) return;
  auto pool = pools_.find(key);
  if (pool == pools_.end()) {
    Reload(account.tenant_id, account.pool);
    return;
  }
  Roll(pool->second);
  auto& store = infra_.store();
  auto sends = store.CountPoolSends(account.tenant_id, account.pool, account.id, pool->second.day.start);
  AddMember(pool->second, account, sends.empty() ? std::nullopt : std::optional(sends.front()),
            store.FindAccountHealth(account.id).value_or(store::AccountHealth{}));
}

void PoolService::OnUnlinked(const store::Account& account) {
  std::lock_guard lock(mutex_);
  DropMember(account.id);
}

json PoolService::MemberJson(const Pool& pool, const Member& member) {
  const auto& a = member.account;
  const auto* m = pool.index.Find(a.id);
  const std::int64_t now = clock_();
  json limits = nullptr;
  if (!member.health.limits.empty()) limits = json::parse(member.health.limits, nullptr, false);
  return {{"id", a.id},
          {"display_name", a.display_name},
          {"status", std::string(store::AccountStatusName(a.status))},
          {"available", pool.index.IsAvailable(a.id, now)},
          {"sent_today", m->sent_today},
          {"sent_total", member.sent_total},
          {"limit_today", m->limit_today},
          {"warmup_day", pools::WarmupDay(pool.settings.timezone, pool.day, a.created_at)},
          {"flood_waits", member.health.flood_waits},
          {"bans", member.health.bans},
          {"last_used_at", TimeOrNull(m->last_used)},
          {"blocked_until", TimeOrNull(m->blocked_until > now ? m->blocked_until : 0)},
          {"limits", limits}};
}

json PoolService::Summary(Pool& pool, bool with_accounts) {
  Roll(pool);
  const std::int64_t now = clock_();
  json out = {{"name", pool.name},
              {"available", pool.index.Available(now)},
              {"next_available_at", TimeOrNull(pool.index.NextAvailableAt(pool.day.next))},
              {"day_started_at", Rfc3339(pool.day.start)},
              {"settings", pool.settings.ToJson()}};
  if (!with_accounts) {
    out["accounts"] = pool.members.size();
    return out;
  }
  json accounts = json::array();
  for (const auto& [id, member] : pool.members) accounts.push_back(MemberJson(pool, member));
  out["accounts"] = std::move(accounts);
  return out;
}

std::vector<json> PoolService::List(const std::string& tenant_id) {
  std::map<std::string, json> out;
  for (const auto& row : infra_.store().ListPools(tenant_id)) {
    Pool empty{tenant_id, row.name, pools::PoolSettings::FromText(row.settings), {}, {}, {}};
    empty.day = pools::DayIn(empty.settings.timezone, UnixSeconds());
    out[row.name] = Summary(empty, false);
  }
  std::lock_guard lock(mutex_);
  for (auto& [key, pool] : pools_) {
    if (pool.tenant_id == tenant_id) out[pool.name] = Summary(pool, false);
  }
  std::vector<json> list;
  for (auto& [name, pool] : out) list.push_back(std::move(pool));
  return list;
}

json PoolService::Get(const std::string& tenant_id, const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    auto it = pools_.find(KeyOf(tenant_id, name));
    if (it != pools_.end()) return Summary(it->second, true);
  }
  auto row = infra_.store().FindPool(tenant_id, name);
  if (!row) throw Error(ErrorCode::kNotFound, "pool " + name + " has no accounts or settings");
  Pool empty{tenant_id, name, pools::PoolSettings::FromText(row->settings), {}, {}, {}};
  empty.day = pools::DayIn(empty.settings.timezone, UnixSeconds());
  return Summary(empty, true);
}

json PoolService::Update(const std::string& tenant_id, const std::string& name, const json& patch) {
  pools::CheckPoolName(name, "name");
  auto& store = infra_.store();
  auto row = store.FindPool(tenant_id, name);
  auto settings = pools::Patched(row ? pools::PoolSettings::FromText(row->settings) : pools::PoolSettings{}, patch);
  const std::int64_t now = UnixSeconds();
  store.PutPool({tenant_id, name, settings.ToJson().dump(), row ? row->created_at : now, now});
  {
    // The day's sends are counted again when its time zone moved the day.
    std::lock_guard lock(mutex_);
    if (pools_.count(KeyOf(tenant_id, name)) != 0) Reload(tenant_id, name);
  }
  return Get(tenant_id, name);
}

void PoolService::SetLimits(const std::string& tenant_id, const std::string& account_id, const json& limits) {
  infra_.store().SetAccountLimits(tenant_id, account_id, limits.empty() ? "" : limits.dump());
  std::lock_guard lock(mutex_);
  if (Pool* pool = PoolOf(account_id)) {
    Member& member = pool->members.at(account_id);
    member.health = infra_.store().FindAccountHealth(account_id).value_or(store::AccountHealth{});
    Refresh(*pool, member);
  }
}

json PoolService::CountersOf(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  Pool* pool = PoolOf(account_id);
  return pool ? MemberJson(*pool, pool->members.at(account_id)) : json(nullptr);
}

}  // namespace tgmux::service
