#include "store/sqlite_files.h"

#include <SQLiteCpp/VariadicBind.h>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_files {
namespace {

constexpr const char* kColumns =
    "account_id, file_id, kind, remote_id, chat_id, message_id, size, mime_type, file_name, cached_bytes, "
    "last_used_at, created_at";

FileRecord Read(SQLite::Statement& row) {
  FileRecord f;
  f.account_id = row.getColumn(0).getString();
  f.file_id = row.getColumn(1).getString();
  f.kind = row.getColumn(2).getString();
  f.remote_id = row.getColumn(3).getString();
  f.chat_id = row.getColumn(4).getInt64();
  f.message_id = row.getColumn(5).getInt64();
  f.size = row.getColumn(6).getInt64();
  f.mime_type = row.getColumn(7).getString();
  f.file_name = row.getColumn(8).getString();
  f.cached_bytes = row.getColumn(9).getInt64();
  f.last_used_at = row.getColumn(10).getInt64();
  f.created_at = row.getColumn(11).getInt64();
  return f;
}

}  // namespace

void Upsert(SQLite::Database& db, const std::vector<FileRecord>& files) {
  if (files.empty()) return;
  SQLite::Transaction transaction(db);
  // Where the file was last seen and what Telegram says of it now; the cache
  // bookkeeping and the first sighting stay.
  SQLite::Statement upsert(db, std::string("INSERT INTO files (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, ?10) "
                                   "ON CONFLICT (account_id, file_id) DO UPDATE SET kind = excluded.kind, "
                                   "remote_id = excluded.remote_id, chat_id = excluded.chat_id, "
                                   "message_id = excluded.message_id, size = excluded.size, "
                                   "mime_type = excluded.mime_type, file_name = excluded.file_name");
  for (const auto& f : files) {
    SQLite::bind(upsert, f.account_id, f.file_id, f.kind, f.remote_id, f.chat_id, f.message_id, f.size, f.mime_type,
                 f.file_name, f.created_at);
    BindBlob(upsert, 9, f.file_name);
    upsert.exec();
    upsert.reset();
  }
  transaction.commit();
}

std::optional<FileRecord> Find(SQLite::Database& db, std::string_view account_id, std::string_view file_id) {
  SQLite::Statement query(db, std::string("SELECT ") + kColumns + " FROM files WHERE account_id = ? AND file_id = ?");
  SQLite::bind(query, std::string(account_id), std::string(file_id));
  if (!query.executeStep()) return std::nullopt;
  return Read(query);
}

bool SetCache(SQLite::Database& db, std::string_view account_id, std::string_view file_id, std::int64_t cached_bytes,
              std::int64_t last_used_at) {
  SQLite::Statement update(db, "UPDATE files SET cached_bytes = ?3, last_used_at = ?4 "
                               "WHERE account_id = ?1 AND file_id = ?2");
  SQLite::bind(update, std::string(account_id), std::string(file_id), cached_bytes, last_used_at);
  return update.exec() > 0;
}

std::vector<FileRecord> ListCached(SQLite::Database& db, std::string_view account_id) {
  SQLite::Statement query(db, std::string("SELECT ") + kColumns +
                                  " FROM files INDEXED BY files_cached WHERE account_id = ? AND cached_bytes > 0 "
                                  "ORDER BY last_used_at");
  SQLite::bind(query, std::string(account_id));
  std::vector<FileRecord> out;
  while (query.executeStep()) out.push_back(Read(query));
  return out;
}

}  // namespace tgmux::store::sqlite_files
