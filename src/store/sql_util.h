// Internal to store/: small pieces every table file (sql_*.cpp) uses.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace tgmux::store {

// Binds bytes for a BLOB/bytea column; an empty value stays empty, not NULL.
inline void BindBlob(sql::Statement& statement, int index, std::string_view bytes) {
  statement.BindBytes(index, bytes);
}

// Runs an INSERT written with "ON CONFLICT DO NOTHING"; false when a UNIQUE
// or PRIMARY KEY constraint kept it out. (Catching the error instead would
// abort a PostgreSQL transaction the caller goes on with.)
inline bool InsertUnlessPresent(sql::Statement& insert) { return insert.Exec() > 0; }

// Every row a query gives, each read by `read` (a row -> T).
template <typename T, typename ReadRow>
std::vector<T> ReadAll(sql::Statement& query, ReadRow read) {
  std::vector<T> out;
  while (query.Step()) out.push_back(read(query));
  return out;
}

// The first row a query gives, read by `read`; nullopt when none.
template <typename ReadRow>
auto One(sql::Statement& query, ReadRow read) -> std::optional<decltype(read(query))> {
  if (!query.Step()) return std::nullopt;
  return read(query);
}

// "SELECT <columns> FROM <table> <rest>".
inline std::string Select(const char* columns, const char* table, const char* rest) {
  return std::string("SELECT ") + columns + " FROM " + table + " " + rest;
}

// Removes an unlinked account's rows from each of `tables` (by their account_id column).
inline void DeleteAccountRowsFrom(sql::Connection& db, std::initializer_list<const char*> tables,
                                  std::string_view account_id) {
  for (const char* table : tables) {
    sql::Statement rows(db, std::string("DELETE FROM ") + table + " WHERE account_id = ?");
    rows.Bind(1, std::string(account_id));
    rows.Exec();
  }
}

// A state or kind read from a TEXT column through its name table (`parse`,
// e.g. ParseAccountStatus); a name the table does not hold throws StoreError
// naming the column ("accounts.status").
template <typename E>
E NamedColumn(sql::Statement& row, int index, std::string_view column,
              std::optional<E> (*parse)(std::string_view)) {
  std::string name = row.Text(index);
  if (auto value = parse(name)) return *value;
  throw StoreError(std::string(column) + " holds \"" + name + "\", which is not a known value");
}

}  // namespace tgmux::store
