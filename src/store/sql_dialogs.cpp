#include "store/sql_dialogs.h"


#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_dialogs {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, account_id, peer_chat_id, title, relay_group_chat_id, topic_id, header_message_id, closed, "
    "first_message_at, last_message_at, created_at, updated_at, tracked, status, status_reason, pool, contact, meta";

Dialog ReadDialog(sql::Statement& row) {
  Dialog d;
  d.id = row.Text(0);
  d.tenant_id = row.Text(1);
  d.account_id = row.Text(2);
  d.peer_chat_id = row.Int64(3);
  d.title = row.Text(4);
  d.relay_group_chat_id = row.Int64(5);
  d.topic_id = row.Int64(6);
  d.header_message_id = row.Int64(7);
  d.closed = row.Int(8) != 0;
  d.first_message_at = row.Int64(9);
  d.last_message_at = row.Int64(10);
  d.created_at = row.Int64(11);
  d.updated_at = row.Int64(12);
  d.tracked = row.Int(13) != 0;
  d.status = NamedColumn(row, 14, "dialogs.status", ParseDialogStatus);
  d.status_reason = row.Text(15);
  d.pool = row.Text(16);
  d.contact = row.Text(17);
  d.meta = row.Text(18);
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
std::string TimesUpdate(const sql::Connection& db) {
  // The table's name where the upsert could also mean `excluded` (PostgreSQL asks).
  return ", first_message_at = CASE WHEN dialogs.first_message_at = 0 THEN excluded.first_message_at "
         "ELSE dialogs.first_message_at END"
         ", last_message_at = " + sql::Greatest(db, "dialogs.last_message_at", "excluded.last_message_at") +
         ", updated_at = excluded.updated_at";
}

DialogMessage ReadMessage(sql::Statement& row) {
  DialogMessage m;
  m.dialog_id = row.Text(0);
  m.account_id = row.Text(1);
  m.message_id = row.Int64(2);
  m.outgoing = row.Int(3) != 0;
  m.date = row.Int64(4);
  m.data_sealed = row.Text(5);
  return m;
}

}  // namespace

void Put(sql::Connection& db, const Dialog& d, bool tracking) {
  sql::Statement put(db, std::string("INSERT INTO dialogs (") + kColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (account_id, peer_chat_id) DO UPDATE SET " +
                                (tracking ? kTrackingUpdate : kRelayUpdate) + TimesUpdate(db));
  sql::BindAll(put, d.id, d.tenant_id, d.account_id, d.peer_chat_id, d.title, d.relay_group_chat_id, d.topic_id,
               d.header_message_id, d.closed ? 1 : 0, d.first_message_at, d.last_message_at, d.created_at,
               d.updated_at, d.tracked ? 1 : 0, std::string(DialogStatusName(d.status)), d.status_reason, d.pool,
               d.contact, d.meta);
  BindBlob(put, 19, d.meta);  // sealed
  put.Exec();
}

std::optional<Dialog> Find(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id) {
  sql::Statement query(db, Select(kColumns, "dialogs", "WHERE account_id = ? AND peer_chat_id = ?"));
  sql::BindAll(query, std::string(account_id), peer_chat_id);
  return One(query, ReadDialog);
}

std::optional<Dialog> FindById(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kColumns, "dialogs", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByContact(sql::Connection& db, std::string_view account_id, std::string_view contact) {
  sql::Statement query(db, Select(kColumns, "dialogs", "WHERE account_id = ? AND contact = ? AND tracked = 1"));
  sql::BindAll(query, std::string(account_id), std::string(contact));
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByTopic(sql::Connection& db, std::int64_t group_chat_id, std::int64_t topic_id) {
  sql::Statement query(db, Select(kColumns, "dialogs", "WHERE relay_group_chat_id = ? AND topic_id = ?"));
  sql::BindAll(query, group_chat_id, topic_id);
  return One(query, ReadDialog);
}

std::optional<Dialog> FindByHeader(sql::Connection& db, std::int64_t group_chat_id, std::int64_t header_message_id) {
  sql::Statement query(db, Select(kColumns, "dialogs", "WHERE relay_group_chat_id = ? AND header_message_id = ?"));
  sql::BindAll(query, group_chat_id, header_message_id);
  return One(query, ReadDialog);
}

std::vector<Dialog> List(sql::Connection& db, std::string_view tenant_id, const DialogFilter& filter,
                         std::int64_t before, int limit) {
  sql::Statement query(db, Select(kColumns, "dialogs",
                                     "WHERE tenant_id = ?1 AND (?2 = '' OR account_id = ?2) AND (?3 = '' OR pool = ?3) "
                                     "AND (?4 = '' OR status = ?4) AND (?5 = 0 OR tracked = 1) "
                                     "AND (last_message_at < ?6 OR ?6 = 0) "
                                     "ORDER BY last_message_at DESC, id LIMIT ?7"));
  const std::string status = filter.status ? std::string(DialogStatusName(*filter.status)) : "";
  sql::BindAll(query, std::string(tenant_id), filter.account_id, filter.pool, status, filter.tracked_only ? 1 : 0,
               before, limit);
  return ReadAll<Dialog>(query, ReadDialog);
}

bool Move(sql::Connection& db, std::string_view id, std::string_view account_id) {
  sql::Statement move(db, "UPDATE dialogs SET account_id = ? WHERE id = ?");
  sql::BindAll(move, std::string(account_id), std::string(id));
  try {
    return move.Exec() > 0;
  } catch (const sql::Error& e) {
    if (e.unique_violation()) return false;
    throw;
  }
}

void Touch(sql::Connection& db, std::string_view id, std::int64_t at) {
  sql::Statement touch(db,
                          "UPDATE dialogs SET first_message_at = CASE WHEN first_message_at = 0 THEN ?2 "
                          "ELSE first_message_at END, last_message_at = " + sql::Greatest(db, "last_message_at", "?2") +
                       " WHERE id = ?1");
  sql::BindAll(touch, std::string(id), at);
  touch.Exec();
}

void PutMessage(sql::Connection& db, const DialogMessage& m) {
  sql::Statement put(db,
                        "INSERT INTO dialog_messages (dialog_id, account_id, message_id, outgoing, date, data) "
                     "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  sql::BindAll(put, m.dialog_id, m.account_id, m.message_id, m.outgoing ? 1 : 0, m.date);
  BindBlob(put, 6, m.data_sealed);
  put.Exec();
}

std::vector<DialogMessage> ListMessages(sql::Connection& db, std::string_view dialog_id, std::int64_t before,
                                        int limit) {
  sql::Statement query(db,
                          "SELECT dialog_id, account_id, message_id, outgoing, date, data FROM dialog_messages "
                          "WHERE dialog_id = ?1 AND (message_id < ?2 OR ?2 = 0) ORDER BY message_id DESC LIMIT ?3");
  sql::BindAll(query, std::string(dialog_id), before, limit);
  return ReadAll<DialogMessage>(query, ReadMessage);
}

void DeleteAccountRows(sql::Connection& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"dialogs", "dialog_messages"}, account_id);
}

}  // namespace tgmux::store::sql_dialogs
