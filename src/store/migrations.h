// Versioned schema migrations of the store, one list for both databases.
// Each is written in SQLite's DDL; PostgreSQL runs it through PostgresDdl.
// Every applied migration is recorded in schema_migrations(version,
// applied_at) in the transaction that applied it, so a crash leaves the
// database at a whole version.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/sql.h"

namespace tgmux::store {

struct Migration {
  int version;            // 1, 2, 3 ... in order, never reused
  std::string_view name;  // for people reading schema_migrations
  std::string_view sql;   // one or more statements
  // PostgreSQL's own statements, where PostgresDdl(sql) cannot say it (changing
  // a column's type, which SQLite has no statement for); empty: PostgresDdl(sql).
  std::string_view postgres_sql = {};
};

// Every migration this binary knows, oldest first. Append only: a released
// migration is never edited, a change is a new migration.
std::span<const Migration> Migrations();

// A migration's SQLite DDL in PostgreSQL's: 64-bit integers, bytea for
// BLOB, identity columns for AUTOINCREMENT, byte-order ("C") text collation
// so that ORDER BY sorts as on SQLite.
std::string PostgresDdl(std::string_view sqlite_ddl);

// The newest version recorded in the database (0 for a new database).
int RecordedSchemaVersion(sql::Connection& db);

// Applies every pending migration and returns the resulting version. Throws
// StoreError (naming `name`) when the database is newer than this binary.
// SQLite: each migration in its own write transaction. PostgreSQL: all in one
// transaction under an advisory lock, so nodes starting at once apply each
// migration once.
int ApplyMigrations(sql::Connection& db, const std::string& name);

}  // namespace tgmux::store
