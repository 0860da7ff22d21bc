// Internal to store/: small pieces every SQLite table file uses.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace tgmux::store {

// Binds bytes as a BLOB; an empty value stays an empty blob, not NULL.
inline void BindBlob(SQLite::Statement& statement, int index, std::string_view bytes) {
  const void* data = bytes.empty() ? static_cast<const void*>("") : bytes.data();
  statement.bind(index, data, static_cast<int>(bytes.size()));
}

// A UNIQUE or PRIMARY KEY constraint refused a write.
inline bool IsUniqueViolation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE || e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Runs an INSERT; false when a UNIQUE or PRIMARY KEY constraint refused it.
inline bool InsertUnlessPresent(SQLite::Statement& insert) {
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return false;
    throw;
  }
  return true;
}

// Every row a query gives, each read by `read` (a row -> T).
template <typename T, typename ReadRow>
std::vector<T> ReadAll(SQLite::Statement& query, ReadRow read) {
  std::vector<T> out;
  while (query.executeStep()) out.push_back(read(query));
  return out;
}

// The first row a query gives, read by `read`; nullopt when none.
template <typename ReadRow>
auto One(SQLite::Statement& query, ReadRow read) -> std::optional<decltype(read(query))> {
  if (!query.executeStep()) return std::nullopt;
  return read(query);
}

// "SELECT <columns> FROM <table> <rest>".
inline std::string Select(const char* columns, const char* table, const char* rest) {
  return std::string("SELECT ") + columns + " FROM " + table + " " + rest;
}

// Removes an unlinked account's rows from each of `tables` (by their account_id column).
inline void DeleteAccountRowsFrom(SQLite::Database& db, std::initializer_list<const char*> tables,
                                  std::string_view account_id) {
  for (const char* table : tables) {
    SQLite::Statement rows(db, std::string("DELETE FROM ") + table + " WHERE account_id = ?");
    rows.bind(1, std::string(account_id));
    rows.exec();
  }
}

// A state or kind read from a TEXT column through its name table (`parse`,
// e.g. ParseAccountStatus); a name the table does not hold throws StoreError
// naming the column ("accounts.status").
template <typename E>
E NamedColumn(SQLite::Statement& row, int index, std::string_view column,
              std::optional<E> (*parse)(std::string_view)) {
  std::string name = row.getColumn(index).getString();
  if (auto value = parse(name)) return *value;
  throw StoreError(std::string(column) + " holds \"" + name + "\", which is not a known value");
}

}  // namespace tgmux::store
