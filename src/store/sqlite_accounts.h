// Internal to store/: the SQL of the accounts table, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace tgmux::store::sqlite_accounts {

// False when the id exists.
bool Insert(SQLite::Database& db, const Account& account);
std::optional<Account> Find(SQLite::Database& db, std::string_view id);
// Ordered by created_at, then id.
std::vector<Account> List(SQLite::Database& db);
std::vector<Account> ListOfTenant(SQLite::Database& db, std::string_view tenant_id);
std::vector<Account> FindByPhoneDigest(SQLite::Database& db, std::string_view tenant_id, std::string_view digest);
std::vector<Account> FindByTelegramUser(SQLite::Database& db, std::string_view tenant_id, std::int64_t user_id);
std::vector<Account> FindByOwner(SQLite::Database& db, std::string_view tenant_id, std::int64_t owner_user_id);
std::optional<Account> FindByExternalId(SQLite::Database& db, std::string_view tenant_id, std::string_view external_id);
// Every field but phone_digest; Error(conflict) for an external_id the tenant already uses.
bool Update(SQLite::Database& db, const Account& account);
bool SetPhoneDigest(SQLite::Database& db, std::string_view id, std::string_view digest);
bool Delete(SQLite::Database& db, std::string_view id);

}  // namespace tgmux::store::sqlite_accounts
