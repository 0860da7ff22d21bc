// Internal to store/: the SQL for account pools (pool_records.h).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/pool_records.h"

namespace tgmux::store::sqlite_pools {

void PutPool(SQLite::Database& db, const Pool& pool);  // insert or replace
std::optional<Pool> FindPool(SQLite::Database& db, std::string_view tenant_id, std::string_view name);
std::vector<Pool> ListPools(SQLite::Database& db, std::string_view tenant_id);  // by name

std::optional<AccountHealth> FindHealth(SQLite::Database& db, std::string_view account_id);
std::vector<AccountHealth> ListHealth(SQLite::Database& db, std::string_view tenant_id);
void CountHealth(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
                 HealthCounter counter, std::int64_t now);
void SetLimited(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                std::string_view reason, std::int64_t now);
void SetLimits(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
               std::string_view limits, std::int64_t now);

void PutContact(SQLite::Database& db, const PoolContact& contact);  // insert or replace
std::optional<PoolContact> FindContact(SQLite::Database& db, std::string_view tenant_id, std::string_view pool,
                                       std::string_view contact);

// The sends of the tenant's accounts in `pool` (only `account_id` unless ""),
// one row per account with any.
std::vector<AccountSends> CountSends(SQLite::Database& db, std::string_view tenant_id, std::string_view pool,
                                     std::string_view account_id, std::int64_t since);

// An unlinked account: its health and contacts.
void DeleteAccountRows(SQLite::Database& db, std::string_view account_id);

}  // namespace tgmux::store::sqlite_pools
