// Internal to store/: the SQL of the outbox table, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/outbox_records.h"

namespace tgmux::store::sqlite_outbox {

bool Insert(SQLite::Database& db, const OutboxEntry& entry);
std::optional<OutboxEntry> Find(SQLite::Database& db, std::string_view id);
std::optional<OutboxEntry> FindByKey(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
                                     std::string_view key);
bool Update(SQLite::Database& db, const OutboxEntry& entry);
// limit <= 0: all.
std::vector<OutboxEntry> ListUnfinished(SQLite::Database& db, std::string_view account_id, int limit);

}  // namespace tgmux::store::sqlite_outbox
