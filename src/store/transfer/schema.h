// Internal to store/: what the schema holds, read from a database itself
// (SQLite's catalogue or PostgreSQL's information_schema), for the tools that
// work on whole tables: `tgmux migrate` and the master-key rotation.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"

namespace tgmux::store::transfer {

// How a column's values are read and written: integers, text, or bytes
// (SQLite's BLOB, PostgreSQL's bytea).
enum class ColumnKind { kInteger, kText, kBytes };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
  bool not_null = true;
  bool identity = false;  // PostgreSQL: GENERATED ... AS IDENTITY (SQLite's AUTOINCREMENT)
};

// Every table the migrations create, in the order they create them (so that a
// table comes after those its foreign keys name). schema_migrations is first.
// A table added by a later migration must be added here: transfer_test.cpp
// compares this list with the tables of a newly migrated database.
std::span<const std::string_view> StoreTables();

// The database's own tables (not SQLite's internal ones), sorted by name.
std::vector<std::string> ListTables(sql::Connection& db);
// The columns of `table` in their order; empty when there is no such table.
std::vector<Column> ListColumns(sql::Connection& db, std::string_view table);
// True when `table` exists and holds at least one row.
bool HasRows(sql::Connection& db, std::string_view table);

}  // namespace tgmux::store::transfer
