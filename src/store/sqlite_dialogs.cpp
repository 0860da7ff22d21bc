#include "store/sqlite_dialogs.h"

#include <SQLiteCpp/VariadicBind.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_dialogs {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, account_id, peer_chat_id, title, relay_group_chat_id, topic_id, header_message_id, closed, "
    "first_message_at, last_message_at, created_at, updated_at, tracked, status, status_reason, pool, contact, meta";

Dialog ReadDialog(SQLite::Statement& row) {
  Dialog d;
  d.id = row.getColumn(0).getString();
  d.tenant_id = row.getColumn(1).getString();
  d.account_id = row.getColumn(2).getString();
  d.peer_chat_id = row.getColumn(3).getInt64();
  d.title = row.getColumn(4).getString();
  d.relay_group_chat_id = row.getColumn(5).getInt64();
  d.topic_id = row.getColumn(6).getInt64();
  d.header_message_id = row.getColumn(7).getInt64();
  d.closed = row.getColumn(8).getInt() != 0;
  d.first_message_at = row.getColumn(9).getInt64();
  d.last_message_at = row.getColumn(10).getInt64();
  d.created_at = row.getColumn(11).getInt64();
  d.updated_at = row.getColumn(12).getInt64();
  d.tracked = row.getColumn(13).getInt() != 0;
  d.status = NamedColumn(row, 14, "dialogs.status", ParseDialogStatus);
  d.status_reason = row.getColumn(15).getString();
  d.pool = row.getColumn(16).getString();
  d.contact = row.getColumn(17).getString();
  d.meta = row.getColumn(18).getString();
  return d;
}

// What each writer changes on a dialog already there; both keep the latest
// message time and the first one once known.
constexpr const char* kRelayUpdate =
    "title = excluded.title, relay_group_chat_id = excluded.relay_group_chat_id, topic_id = excluded.topic_id, "
    "header_message_id = excluded.header_message_id, closed = excluded.closed";
constexpr const char* kTrackingUpdate =
    "tracked = excluded.tracked, status = excluded.status, status_reason = excluded.status_reason, "
    "pool = excluded.pool, contact = excluded.contact, meta = excluded.meta";
constexpr const char* kTimesUpdate =
    ", first_message_at = CASE WHEN first_message_at = 0 THEN excluded.first_message_at ELSE first_message_at END"
    ", last_message_at = MAX(last_message_at, excluded.last_message_at), updated_at = excluded.updated_at";

DialogMessage ReadMessage(SQLite::Statement& row) {
  DialogMessage m;
  m.dialog_id = row.getColumn(0).getString();
  m.account_id = row.getColumn(1).getString();
  m.message_id = row.getColumn(2).getInt64();
  m.outgoing = row.getColumn(3).getInt() != 0;
  m.date = row.getColumn(4).getInt64();
  m.data_sealed = row.getColumn(5).getString();
  return m;
}

}  // namespace

void Put(SQLite::Database& db, const Dialog& d, bool tracking) {
  SQLite::Statement put(db, std::string("INSERT INTO dialogs (") + kColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (account_id, peer_chat_id) DO UPDATE SET " +
                                (tracking ? kTrackingUpdate : kRelayUpdate) + kTimesUpdate);
  SQLite::bind(put, d.id, d.tenant_id, d.account_id, d.peer_chat_id, d.title, d.relay_group_chat_id, d.topic_id,
               d.header_message_id, d.closed ? 1 : 0, d.first_message_at, d.last_message_at, d.created_at,
               d.updated_at, d.tracked ? 1 : 0, std::string(DialogStatusName(d.status)), d.status_reason, d.pool,
               d.contact, d.meta);
  put.exec();
}

std::optional<Dialog> Find(SQLite::Database& db, std::string_view account_id, std::int64_t peer_chat_id) {
  SQLite::Statement query(db, Select(kColumns, "dialogs", "WHERE account_id = ? AND peer_chat_id = ?"));
  SQLite::bind(query, std::string(account_id), peer_chat_id);
  return One(query, ReadDialog);
}

std::optional<Dialog> FindById(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kColumns, "dialogs", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByContact(SQLite::Database& db, std::string_view account_id, std::string_view contact) {
  SQLite::Statement query(db, Select(kColumns, "dialogs", "WHERE account_id = ? AND contact = ? AND tracked = 1"));
  SQLite::bind(query, std::string(account_id), std::string(contact));
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByTopic(SQLite::Database& db, std::int64_t group_chat_id, std::int64_t topic_id) {
  SQLite::Statement query(db, Select(kColumns, "dialogs", "WHERE relay_group_chat_id = ? AND topic_id = ?"));
  SQLite::bind(query, group_chat_id, topic_id);
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByHeader(SQLite::Database& db, std::int64_t group_chat_id, std::int64_t header_message_id) {
  SQLite::Statement query(db, Select(kColumns, "dialogs", "WHERE relay_group_chat_id = ? AND header_message_id = ?"));
  SQLite::bind(query, group_chat_id, header_message_id);
  return One(query, ReadDialog);
}

std::vector<Dialog> List(SQLite::Database& db, std::string_view tenant_id, const DialogFilter& filter,
                         std::int64_t before, int limit) {
  SQLite::Statement query(db, Select(kColumns, "dialogs",
                                     "WHERE tenant_id = ?1 AND (?2 = '' OR account_id = ?2) AND (?3 = '' OR pool = ?3) "
                                     "AND (?4 = '' OR status = ?4) AND (?5 = 0 OR tracked = 1) "
                                     "AND (?6 = 0 OR last_message_at < ?6) "
                                     "ORDER BY last_message_at DESC, id LIMIT ?7"));
  const std::string status = filter.status ? std::string(DialogStatusName(*filter.status)) : "";
  SQLite::bind(query, std::string(tenant_id), filter.account_id, filter.pool, status, filter.tracked_only ? 1 : 0,
               before, limit);
  return ReadAll<Dialog>(query, ReadDialog);
}

bool Move(SQLite::Database& db, std::string_view id, std::string_view account_id) {
  SQLite::Statement move(db, "UPDATE dialogs SET account_id = ? WHERE id = ?");
  SQLite::bind(move, std::string(account_id), std::string(id));
  try {
    return move.exec() > 0;
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return false;
    throw;
  }
}

void Touch(SQLite::Database& db, std::string_view id, std::int64_t at) {
  SQLite::Statement touch(db,
                          "UPDATE dialogs SET first_message_at = CASE WHEN first_message_at = 0 THEN ?2 "
                          "ELSE first_message_at END, last_message_at = MAX(last_message_at, ?2) WHERE id = ?1");
  SQLite::bind(touch, std::string(id), at);
  touch.exec();
}

void PutMessage(SQLite::Database& db, const DialogMessage& m) {
  SQLite::Statement put(db,
                        "INSERT OR IGNORE INTO dialog_messages (dialog_id, account_id, message_id, outgoing, date, data) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, m.dialog_id, m.account_id, m.message_id, m.outgoing ? 1 : 0, m.date);
  BindBlob(put, 6, m.data_sealed);
  put.exec();
}

std::vector<DialogMessage> ListMessages(SQLite::Database& db, std::string_view dialog_id, std::int64_t before,
                                        int limit) {
  SQLite::Statement query(db,
                          "SELECT dialog_id, account_id, message_id, outgoing, date, data FROM dialog_messages "
                          "WHERE dialog_id = ?1 AND (?2 = 0 OR message_id < ?2) ORDER BY message_id DESC LIMIT ?3");
  SQLite::bind(query, std::string(dialog_id), before, limit);
  return ReadAll<DialogMessage>(query, ReadMessage);
}

void DeleteAccountRows(SQLite::Database& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"dialogs", "dialog_messages"}, account_id);
}

}  // namespace tgmux::store::sqlite_dialogs
