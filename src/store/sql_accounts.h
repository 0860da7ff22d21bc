// Internal to store/: the SQL of the accounts table, as free functions over a
// connection the caller holds (the store gives each call its own).
#pragma once


#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace tgmux::store::sql_accounts {

// False when the id exists.
bool Insert(sql::Connection& db, const Account& account);
std::optional<Account> Find(sql::Connection& db, std::string_view id);
// Ordered by created_at, then id.
std::vector<Account> List(sql::Connection& db);
std::vector<Account> ListOfTenant(sql::Connection& db, std::string_view tenant_id);
std::vector<Account> FindByPhoneDigest(sql::Connection& db, std::string_view tenant_id, std::string_view digest);
std::vector<Account> FindByTelegramUser(sql::Connection& db, std::string_view tenant_id, std::int64_t user_id);
std::vector<Account> FindByOwner(sql::Connection& db, std::string_view tenant_id, std::int64_t owner_user_id);
std::optional<Account> FindByExternalId(sql::Connection& db, std::string_view tenant_id, std::string_view external_id);
// Every field but phone_digest; Error(conflict) for an external_id the tenant already uses.
bool Update(sql::Connection& db, const Account& account);
bool SetPhoneDigest(sql::Connection& db, std::string_view id, std::string_view digest);
bool Delete(sql::Connection& db, std::string_view id);

}  // namespace tgmux::store::sql_accounts
