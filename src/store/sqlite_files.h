// Internal to store/: the SQL of the files table, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/file_records.h"

namespace tgmux::store::sqlite_files {

void Upsert(SQLite::Database& db, const std::vector<FileRecord>& files);
std::optional<FileRecord> Find(SQLite::Database& db, std::string_view account_id, std::string_view file_id);
bool SetCache(SQLite::Database& db, std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
              std::int64_t last_used_at);
std::vector<FileRecord> ListCached(SQLite::Database& db, std::string_view account_id);

}  // namespace tgmux::store::sqlite_files
