// Account pools (docs/pools.md): accounts grouped by a name for outreach,
// each pool with its settings (limits, warm-up, time zone), and which of its
// accounts may send now. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/infrastructure.h"
#include "service/pools/pool_settings.h"

namespace tgmux::service {

class PoolService {
 public:
  PoolService(Infrastructure& infra, AccountService& accounts);

  // GET /v1/pools: every pool of the tenant (with accounts or settings), by
  // name: {name, accounts, available, settings}.
  std::vector<nlohmann::json> List(const std::string& tenant_id);
  // GET /v1/pools/{name}: {name, settings, accounts: [{id, display_name,
  // status, available}], available}. not_found when the pool has neither
  // accounts nor settings.
  nlohmann::json Get(const std::string& tenant_id, const std::string& name);
  // PATCH /v1/pools/{name}: errors invalid_request naming the field.
  nlohmann::json Update(const std::string& tenant_id, const std::string& name, const nlohmann::json& patch);

  // Whether the account may send for its pool now: active (so not disabled,
  // revoked or connecting) and not in a flood wait.
  bool Available(const store::Account& account);

 private:
  nlohmann::json Summary(const std::string& name, const std::vector<store::Account>& members,
                         const pools::PoolSettings& settings, bool with_accounts);

  Infrastructure& infra_;
  AccountService& accounts_;
};

}  // namespace tgmux::service
