#include "store/sql_relay.h"


#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_relay {
namespace {

constexpr const char* kRelayColumns =
    "account_id, tenant_id, bot_id, group_chat_id, mode, operators, since_seq, created_at, updated_at";

Relay ReadRelay(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          row.Int64(3),  row.Text(4), row.Text(5),
          row.Int64(6),  row.Int64(7),  row.Int64(8)};
}

constexpr const char* kPostColumns =
    "account_id, peer_chat_id, message_id, group_chat_id, post_message_id, kind, author, parts, created_at";

RelayPost ReadPost(sql::Statement& row) {
  return {row.Text(0), row.Int64(1), row.Int64(2),
          row.Int64(3),  row.Int64(4), row.Text(5),
          row.Text(6), row.Int(7),   row.Int64(8)};
}

}  // namespace

void PutRelay(sql::Connection& db, const Relay& r) {
  sql::Statement put(db, sql::Upsert("relays", kRelayColumns, "account_id"));
  sql::BindAll(put, r.account_id, r.tenant_id, r.bot_id, r.group_chat_id, r.mode, r.operators, r.since_seq,
               r.created_at, r.updated_at);
  put.Exec();
}

std::optional<Relay> FindRelay(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, Select(kRelayColumns, "relays", "WHERE account_id = ?"));
  sql::BindAll(query, std::string(account_id));
  return One(query, ReadRelay);
}

std::vector<Relay> ListRelays(sql::Connection& db, std::string_view bot_id) {
  sql::Statement query(db, Select(kRelayColumns, "relays", "WHERE (?1 = '' OR bot_id = ?1) ORDER BY created_at"));
  sql::BindAll(query, std::string(bot_id));
  return ReadAll<Relay>(query, ReadRelay);
}

bool DeleteRelay(sql::Connection& db, std::string_view account_id) {
  sql::Statement erase(db, "DELETE FROM relays WHERE account_id = ?");
  sql::BindAll(erase, std::string(account_id));
  return erase.Exec() > 0;
}

void PutRelayPost(sql::Connection& db, const RelayPost& p) {
  sql::Statement put(db, sql::Upsert("relay_posts", kPostColumns, "account_id, peer_chat_id, message_id"));
  sql::BindAll(put, p.account_id, p.peer_chat_id, p.message_id, p.group_chat_id, p.post_message_id, p.kind,
               p.author, p.parts, p.created_at);
  put.Exec();
}

std::optional<RelayPost> FindRelayPost(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id,
                                       std::int64_t message_id) {
  sql::Statement query(db,
                          Select(kPostColumns, "relay_posts", "WHERE account_id = ? AND peer_chat_id = ? AND message_id = ?"));
  sql::BindAll(query, std::string(account_id), peer_chat_id, message_id);
  return One(query, ReadPost);
}

std::optional<RelayPost> FindRelayPostByPost(sql::Connection& db, std::int64_t group_chat_id,
                                             std::int64_t post_message_id) {
  sql::Statement query(db, Select(kPostColumns, "relay_posts",
                                     "WHERE group_chat_id = ? AND post_message_id = ? ORDER BY message_id DESC LIMIT 1"));
  sql::BindAll(query, group_chat_id, post_message_id);
  return One(query, ReadPost);
}

void DeleteRelayPost(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id,
                     std::int64_t message_id) {
  sql::Statement erase(db, "DELETE FROM relay_posts WHERE account_id = ? AND peer_chat_id = ? AND message_id = ?");
  sql::BindAll(erase, std::string(account_id), peer_chat_id, message_id);
  erase.Exec();
}

std::int64_t RelayCursor(sql::Connection& db, std::string_view bot_id) {
  sql::Statement query(db, "SELECT seq FROM relay_cursors WHERE bot_id = ?");
  sql::BindAll(query, std::string(bot_id));
  return query.Step() ? query.Int64(0) : 0;
}

void SetRelayCursor(sql::Connection& db, std::string_view bot_id, std::int64_t seq) {
  sql::Statement put(db, sql::Upsert("relay_cursors", "bot_id, seq", "bot_id"));
  sql::BindAll(put, std::string(bot_id), seq);
  put.Exec();
}

void DeleteAccountRows(sql::Connection& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"relays", "relay_posts"}, account_id);
}

}  // namespace tgmux::store::sql_relay
