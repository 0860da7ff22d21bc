#include "store/sqlite_outbox.h"

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_outbox {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, account_id, idempotency_key, recipient, text, parse_mode, reply_to_message_id, silent, "
    "state, chat_id, message_id, message_date, error_code, error_message, attempts, next_attempt_at, "
    "created_at, updated_at, media";

std::string Select(const std::string& where) {
  return std::string("SELECT ") + kColumns + " FROM outbox WHERE " + where;
}

// Binds ?1 .. ?20 in the order of kColumns; recipient, text and media are sealed
// bytes (the service encrypts them), hence blobs.
void BindEntry(SQLite::Statement& s, const OutboxEntry& e) {
  SQLite::bind(s, e.id, e.tenant_id, e.account_id, e.idempotency_key, e.to, e.text, e.parse_mode,
               e.reply_to_message_id, e.silent ? 1 : 0, std::string(OutboxStateName(e.state)), e.chat_id,
               e.message_id, e.message_date, e.error_code, e.error_message, e.attempts, e.next_attempt_at,
               e.created_at, e.updated_at, e.media);
  BindBlob(s, 5, e.to);
  BindBlob(s, 6, e.text);
  BindBlob(s, 20, e.media);
}

OutboxEntry Read(SQLite::Statement& row) {
  OutboxEntry e;
  e.id = row.getColumn(0).getString();
  e.tenant_id = row.getColumn(1).getString();
  e.account_id = row.getColumn(2).getString();
  e.idempotency_key = row.getColumn(3).getString();
  e.to = row.getColumn(4).getString();
  e.text = row.getColumn(5).getString();
  e.parse_mode = row.getColumn(6).getString();
  e.reply_to_message_id = row.getColumn(7).getInt64();
  e.silent = row.getColumn(8).getInt() != 0;
  e.state = NamedColumn(row, 9, "outbox.state", ParseOutboxState);
  e.chat_id = row.getColumn(10).getInt64();
  e.message_id = row.getColumn(11).getInt64();
  e.message_date = row.getColumn(12).getInt64();
  e.error_code = row.getColumn(13).getString();
  e.error_message = row.getColumn(14).getString();
  e.attempts = row.getColumn(15).getInt();
  e.next_attempt_at = row.getColumn(16).getInt64();
  e.created_at = row.getColumn(17).getInt64();
  e.updated_at = row.getColumn(18).getInt64();
  e.media = row.getColumn(19).getString();
  return e;
}

std::optional<OutboxEntry> One(SQLite::Statement& query) {
  if (!query.executeStep()) return std::nullopt;
  return Read(query);
}

}  // namespace

bool Insert(SQLite::Database& db, const OutboxEntry& entry) {
  SQLite::Statement insert(db, std::string("INSERT INTO outbox (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                                   "?16, ?17, ?18, ?19, ?20)");
  BindEntry(insert, entry);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    // The idempotency key's unique index: the caller reads the existing entry.
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return false;
    throw;
  }
  return true;
}

std::optional<OutboxEntry> Find(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select("id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query);
}

std::optional<OutboxEntry> FindByKey(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
                                     std::string_view key) {
  SQLite::Statement query(db, Select("tenant_id = ? AND account_id = ? AND idempotency_key = ?"));
  SQLite::bind(query, std::string(tenant_id), std::string(account_id), std::string(key));
  return One(query);
}

bool Update(SQLite::Database& db, const OutboxEntry& entry) {
  SQLite::Statement update(db,
                           "UPDATE outbox SET tenant_id = ?2, account_id = ?3, idempotency_key = ?4, recipient = ?5, "
                           "text = ?6, parse_mode = ?7, reply_to_message_id = ?8, silent = ?9, state = ?10, "
                           "chat_id = ?11, message_id = ?12, message_date = ?13, error_code = ?14, "
                           "error_message = ?15, attempts = ?16, next_attempt_at = ?17, created_at = ?18, "
                           "updated_at = ?19, media = ?20 WHERE id = ?1");
  BindEntry(update, entry);
  return update.exec() > 0;
}

std::vector<OutboxEntry> ListUnfinished(SQLite::Database& db, std::string_view account_id, int limit) {
  // seq keeps creation order even for entries created within the same second.
  // The names are OutboxState's unfinished ones (states.cpp), as in the
  // outbox_unfinished index (migrations.cpp) that this query uses.
  SQLite::Statement query(db, Select("state IN ('queued', 'sending') AND (?1 = '' OR account_id = ?1) ORDER BY seq LIMIT ?2"));
  SQLite::bind(query, std::string(account_id), limit > 0 ? limit : -1);
  std::vector<OutboxEntry> out;
  while (query.executeStep()) out.push_back(Read(query));
  return out;
}

}  // namespace tgmux::store::sqlite_outbox
