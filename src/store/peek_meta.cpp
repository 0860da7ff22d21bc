// PeekSqliteMeta: reads one meta value before anything on disk may change (the
// master key is checked against the data before the store is opened for writing).
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "store/sql_sqlite.h"
#include "store/store.h"

namespace tgmux::store {

namespace fs = std::filesystem;

std::optional<std::string> PeekSqliteMeta(const fs::path& path, std::string_view key) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) throw StoreError("cannot read database " + path.string() + ": " + ec.message());
    return std::nullopt;
  }
  try {
    SQLite::Database db(sql::ReadOnlySqliteUri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI, 5000);
    if (!db.tableExists("meta")) return std::nullopt;
    SQLite::Statement query(db, "SELECT value FROM meta WHERE key = ?");
    query.bind(1, std::string(key));
    if (!query.executeStep()) return std::nullopt;
    return query.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    throw StoreError("cannot read database " + path.string() + ": " + e.what());
  }
}

}  // namespace tgmux::store
