// Versioned schema migrations of the SQLite store. Each one runs in its own
// transaction together with its row in schema_migrations(version, applied_at),
// so a crash leaves the database at a whole version.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <span>
#include <string>
#include <string_view>

namespace tgmux::store {

struct Migration {
  int version;            // 1, 2, 3 ... in order, never reused
  std::string_view name;  // for people reading schema_migrations
  std::string_view sql;   // one or more statements
};

// Every migration this binary knows, oldest first. Append only: a released
// migration is never edited, a change is a new migration.
std::span<const Migration> SqliteMigrations();

// The newest version recorded in the database (0 for a new database).
int RecordedSchemaVersion(SQLite::Database& db);

// Applies every pending migration and returns the resulting version. Throws
// StoreError (naming `path`) when the database is newer than this binary.
int ApplyMigrations(SQLite::Database& db, const std::string& path);

}  // namespace tgmux::store
