// Internal to store/: the SQL of the bots table, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/bot_records.h"

namespace tgmux::store::sqlite_bots {

// False when a bot with the same token digest exists.
bool Insert(SQLite::Database& db, const Bot& bot);
std::optional<Bot> Find(SQLite::Database& db, std::string_view id);
std::optional<Bot> FindByTokenDigest(SQLite::Database& db, std::string_view digest);
// Of one tenant ("": of all), oldest first.
std::vector<Bot> List(SQLite::Database& db, std::string_view tenant_id);
bool Update(SQLite::Database& db, const Bot& bot);
bool Delete(SQLite::Database& db, std::string_view id);

}  // namespace tgmux::store::sqlite_bots
