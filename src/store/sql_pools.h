// Internal to store/: the SQL for account pools (pool_records.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/pool_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_pools {

void PutPool(sql::Connection& db, const Pool& pool);  // insert or replace
std::optional<Pool> FindPool(sql::Connection& db, std::string_view tenant_id, std::string_view name);
std::vector<Pool> ListPools(sql::Connection& db, std::string_view tenant_id);  // by name

std::optional<AccountHealth> FindHealth(sql::Connection& db, std::string_view account_id);
std::vector<AccountHealth> ListHealth(sql::Connection& db, std::string_view tenant_id);
void CountHealth(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
                 HealthCounter counter, std::int64_t now);
void SetLimited(sql::Connection& db, std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                std::string_view reason, std::int64_t now);
void SetLimits(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
               std::string_view limits, std::int64_t now);

void PutContact(sql::Connection& db, const PoolContact& contact);  // insert or replace
std::optional<PoolContact> FindContact(sql::Connection& db, std::string_view tenant_id, std::string_view pool,
                                       std::string_view contact);

// The sends of the tenant's accounts in `pool` (only `account_id` unless ""),
// one row per account with any.
std::vector<AccountSends> CountSends(sql::Connection& db, std::string_view tenant_id, std::string_view pool,
                                     std::string_view account_id, std::int64_t since);

// An unlinked account: its health and contacts.
void DeleteAccountRows(sql::Connection& db, std::string_view account_id);

}  // namespace tgmux::store::sql_pools
