#include "store/sql_files.h"


#include "store/sql_util.h"

namespace tgmux::store::sql_files {
namespace {

constexpr const char* kColumns =
    "account_id, file_id, kind, remote_id, chat_id, message_id, size, mime_type, file_name, cached_bytes, "
    "last_used_at, created_at";

FileRecord Read(sql::Statement& row) {
  FileRecord f;
  f.account_id = row.Text(0);
  f.file_id = row.Text(1);
  f.kind = row.Text(2);
  f.remote_id = row.Text(3);
  f.chat_id = row.Int64(4);
  f.message_id = row.Int64(5);
  f.size = row.Int64(6);
  f.mime_type = row.Text(7);
  f.file_name = row.Text(8);
  f.cached_bytes = row.Int64(9);
  f.last_used_at = row.Int64(10);
  f.created_at = row.Int64(11);
  return f;
}

}  // namespace

void Upsert(sql::Connection& db, const std::vector<FileRecord>& files) {
  if (files.empty()) return;
  sql::Transaction transaction(db);
  // Where the file was last seen and what Telegram says of it now; the cache
  // bookkeeping and the first sighting stay.
  sql::Statement upsert(db, std::string("INSERT INTO files (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, ?10) "
                                   "ON CONFLICT (account_id, file_id) DO UPDATE SET kind = excluded.kind, "
                                   "remote_id = excluded.remote_id, chat_id = excluded.chat_id, "
                                   "message_id = excluded.message_id, size = excluded.size, "
                                   "mime_type = excluded.mime_type, file_name = excluded.file_name");
  for (const auto& f : files) {
    sql::BindAll(upsert, f.account_id, f.file_id, f.kind, f.remote_id, f.chat_id, f.message_id, f.size, f.mime_type,
                 f.file_name, f.created_at);
    BindBlob(upsert, 9, f.file_name);
    upsert.Exec();
    upsert.Reset();
  }
  transaction.Commit();
}

std::optional<FileRecord> Find(sql::Connection& db, std::string_view account_id, std::string_view file_id) {
  sql::Statement query(db, std::string("SELECT ") + kColumns + " FROM files WHERE account_id = ? AND file_id = ?");
  sql::BindAll(query, std::string(account_id), std::string(file_id));
  if (!query.Step()) return std::nullopt;
  return Read(query);
}

bool SetCache(sql::Connection& db, std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
              std::int64_t last_used_at) {
  sql::Statement update(db, "UPDATE files SET cached_bytes = ?3, last_used_at = ?4 "
                               "WHERE account_id = ?1 AND file_id = ?2");
  sql::BindAll(update, std::string(account_id), std::string(file_id), cached_bytes, last_used_at);
  return update.Exec() > 0;
}

std::vector<FileRecord> ListCached(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, std::string("SELECT ") + kColumns +
                                  " FROM files" + sql::IndexedBy(db, "files_cached") + " WHERE account_id = ? AND cached_bytes > 0 "
                                  "ORDER BY last_used_at");
  sql::BindAll(query, std::string(account_id));
  std::vector<FileRecord> out;
  while (query.Step()) out.push_back(Read(query));
  return out;
}

}  // namespace tgmux::store::sql_files
