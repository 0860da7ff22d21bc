#include "store/sqlite_relay.h"

#include <SQLiteCpp/VariadicBind.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_relay {
namespace {

constexpr const char* kRelayColumns =
    "account_id, tenant_id, bot_id, group_chat_id, mode, operators, since_seq, created_at, updated_at";

Relay ReadRelay(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
          row.getColumn(3).getInt64(),  row.getColumn(4).getString(), row.getColumn(5).getString(),
          row.getColumn(6).getInt64(),  row.getColumn(7).getInt64(),  row.getColumn(8).getInt64()};
}

constexpr const char* kPostColumns =
    "account_id, peer_chat_id, message_id, group_chat_id, post_message_id, kind, author, parts, created_at";

RelayPost ReadPost(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getInt64(), row.getColumn(2).getInt64(),
          row.getColumn(3).getInt64(),  row.getColumn(4).getInt64(), row.getColumn(5).getString(),
          row.getColumn(6).getString(), row.getColumn(7).getInt(),   row.getColumn(8).getInt64()};
}

}  // namespace

void PutRelay(SQLite::Database& db, const Relay& r) {
  SQLite::Statement put(db, std::string("INSERT OR REPLACE INTO relays (") + kRelayColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, r.account_id, r.tenant_id, r.bot_id, r.group_chat_id, r.mode, r.operators, r.since_seq,
               r.created_at, r.updated_at);
  put.exec();
}

std::optional<Relay> FindRelay(SQLite::Database& db, std::string_view account_id) {
  SQLite::Statement query(db, Select(kRelayColumns, "relays", "WHERE account_id = ?"));
  SQLite::bind(query, std::string(account_id));
  return One(query, ReadRelay);
}

std::vector<Relay> ListRelays(SQLite::Database& db, std::string_view bot_id) {
  SQLite::Statement query(db, Select(kRelayColumns, "relays", "WHERE (?1 = '' OR bot_id = ?1) ORDER BY created_at"));
  SQLite::bind(query, std::string(bot_id));
  return ReadAll<Relay>(query, ReadRelay);
}

bool DeleteRelay(SQLite::Database& db, std::string_view account_id) {
  SQLite::Statement erase(db, "DELETE FROM relays WHERE account_id = ?");
  SQLite::bind(erase, std::string(account_id));
  return erase.exec() > 0;
}

void PutRelayPost(SQLite::Database& db, const RelayPost& p) {
  SQLite::Statement put(db, std::string("INSERT OR REPLACE INTO relay_posts (") + kPostColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, p.account_id, p.peer_chat_id, p.message_id, p.group_chat_id, p.post_message_id, p.kind,
               p.author, p.parts, p.created_at);
  put.exec();
}

std::optional<RelayPost> FindRelayPost(SQLite::Database& db, std::string_view account_id, std::int64_t peer_chat_id,
                                       std::int64_t message_id) {
  SQLite::Statement query(db,
                          Select(kPostColumns, "relay_posts", "WHERE account_id = ? AND peer_chat_id = ? AND message_id = ?"));
  SQLite::bind(query, std::string(account_id), peer_chat_id, message_id);
  return One(query, ReadPost);
}

std::optional<RelayPost> FindRelayPostByPost(SQLite::Database& db, std::int64_t group_chat_id,
                                             std::int64_t post_message_id) {
  SQLite::Statement query(db, Select(kPostColumns, "relay_posts",
                                     "WHERE group_chat_id = ? AND post_message_id = ? ORDER BY message_id DESC LIMIT 1"));
  SQLite::bind(query, group_chat_id, post_message_id);
  return One(query, ReadPost);
}

void DeleteRelayPost(SQLite::Database& db, std::string_view account_id, std::int64_t peer_chat_id,
                     std::int64_t message_id) {
  SQLite::Statement erase(db, "DELETE FROM relay_posts WHERE account_id = ? AND peer_chat_id = ? AND message_id = ?");
  SQLite::bind(erase, std::string(account_id), peer_chat_id, message_id);
  erase.exec();
}

std::int64_t RelayCursor(SQLite::Database& db, std::string_view bot_id) {
  SQLite::Statement query(db, "SELECT seq FROM relay_cursors WHERE bot_id = ?");
  SQLite::bind(query, std::string(bot_id));
  return query.executeStep() ? query.getColumn(0).getInt64() : 0;
}

void SetRelayCursor(SQLite::Database& db, std::string_view bot_id, std::int64_t seq) {
  SQLite::Statement put(db, "INSERT OR REPLACE INTO relay_cursors (bot_id, seq) VALUES (?, ?)");
  SQLite::bind(put, std::string(bot_id), seq);
  put.exec();
}

void DeleteAccountRows(SQLite::Database& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"relays", "relay_posts"}, account_id);
}

}  // namespace tgmux::store::sqlite_relay
