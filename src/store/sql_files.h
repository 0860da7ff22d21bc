// Internal to store/: the SQL of the files table, as free functions over a
// connection the caller holds (the store gives each call its own).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/file_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_files {

void Upsert(sql::Connection& db, const std::vector<FileRecord>& files);
std::optional<FileRecord> Find(sql::Connection& db, std::string_view account_id, std::string_view file_id);
bool SetCache(sql::Connection& db, std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
              std::int64_t last_used_at);
std::vector<FileRecord> ListCached(sql::Connection& db, std::string_view account_id);

}  // namespace tgmux::store::sql_files
