#include "store/sql_meta.h"

#include "store/sql_util.h"

namespace tgmux::store::sql_meta {

std::optional<std::string> Get(sql::Connection& db, std::string_view key) {
  sql::Statement query(db, "SELECT value FROM meta WHERE key = ?");
  query.Bind(1, std::string(key));
  if (!query.Step()) return std::nullopt;
  return query.Text(0);
}

void Set(sql::Connection& db, std::string_view key, std::string_view value) {
  sql::Statement upsert(db,
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  upsert.Bind(1, std::string(key));
  BindBlob(upsert, 2, value);
  upsert.Exec();
}

bool InsertIfAbsent(sql::Connection& db, std::string_view key, std::string_view value) {
  sql::Statement insert(db, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
  insert.Bind(1, std::string(key));
  BindBlob(insert, 2, value);
  return insert.Exec() > 0;
}

void Remove(sql::Connection& db, std::string_view key) {
  sql::Statement remove(db, "DELETE FROM meta WHERE key = ?");
  remove.Bind(1, std::string(key));
  remove.Exec();
}

}  // namespace tgmux::store::sql_meta
