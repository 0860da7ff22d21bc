#include "service/pools/pool_service.h"

#include <map>

#include "common/time.h"

namespace tgmux::service {

using nlohmann::json;

PoolService::PoolService(Infrastructure& infra, AccountService& accounts) : infra_(infra), accounts_(accounts) {}

bool PoolService::Available(const store::Account& account) {
  return account.status == store::AccountStatus::kActive && accounts_.FloodWaitUntil(account.id) <= UnixSeconds();
}

json PoolService::Summary(const std::string& name, const std::vector<store::Account>& members,
                          const pools::PoolSettings& settings, bool with_accounts) {
  int available = 0;
  json accounts = json::array();
  for (const auto& account : members) {
    const bool ready = Available(account);
    available += ready ? 1 : 0;
    if (with_accounts) {
      accounts.push_back({{"id", account.id},
                          {"display_name", account.display_name},
                          {"status", std::string(store::AccountStatusName(account.status))},
                          {"available", ready}});
    }
  }
  json out = {{"name", name}, {"available", available}, {"settings", settings.ToJson()}};
  out["accounts"] = with_accounts ? accounts : json(members.size());
  return out;
}

std::vector<json> PoolService::List(const std::string& tenant_id) {
  std::map<std::string, std::vector<store::Account>> members;
  for (auto& account : infra_.store().ListAccounts(tenant_id)) {
    if (!account.pool.empty()) members[account.pool].push_back(std::move(account));
  }
  std::map<std::string, pools::PoolSettings> settings;
  for (const auto& pool : infra_.store().ListPools(tenant_id)) {
    settings[pool.name] = pools::PoolSettings::FromText(pool.settings);
    members.try_emplace(pool.name);
  }
  std::vector<json> out;
  for (const auto& [name, accounts] : members) out.push_back(Summary(name, accounts, settings[name], false));
  return out;
}

json PoolService::Get(const std::string& tenant_id, const std::string& name) {
  std::vector<store::Account> members;
  for (auto& account : infra_.store().ListAccounts(tenant_id)) {
    if (account.pool == name) members.push_back(std::move(account));
  }
  auto pool = infra_.store().FindPool(tenant_id, name);
  if (members.empty() && !pool) throw Error(ErrorCode::kNotFound, "pool " + name + " has no accounts or settings");
  return Summary(name, members, pool ? pools::PoolSettings::FromText(pool->settings) : pools::PoolSettings{}, true);
}

json PoolService::Update(const std::string& tenant_id, const std::string& name, const json& patch) {
  pools::CheckPoolName(name, "name");
  auto& store = infra_.store();
  auto pool = store.FindPool(tenant_id, name);
  auto settings = pools::Patched(pool ? pools::PoolSettings::FromText(pool->settings) : pools::PoolSettings{}, patch);
  const std::int64_t now = UnixSeconds();
  store.PutPool({tenant_id, name, settings.ToJson().dump(), pool ? pool->created_at : now, now});
  return Get(tenant_id, name);
}

}  // namespace tgmux::service
