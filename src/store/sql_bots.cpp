#include "store/sql_bots.h"


#include "store/sql_util.h"

namespace tgmux::store::sql_bots {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, username, telegram_user_id, token_sealed, token_digest, td_key_sealed, features, access, "
    "link_policy, status, last_error, created_at, updated_at";

// ?1 .. ?14 in the order of kColumns; the sealed values are blobs.
void Bind(sql::Statement& s, const Bot& b) {
  sql::BindAll(s, b.id, b.tenant_id, b.username, b.telegram_user_id, b.token_sealed, b.token_digest, b.td_key_sealed,
               b.features, b.access, b.link_policy, std::string(BotStatusName(b.status)), b.last_error, b.created_at,
               b.updated_at);
  BindBlob(s, 5, b.token_sealed);
  BindBlob(s, 7, b.td_key_sealed);
}

Bot Read(sql::Statement& row) {
  Bot b;
  b.id = row.Text(0);
  b.tenant_id = row.Text(1);
  b.username = row.Text(2);
  b.telegram_user_id = row.Int64(3);
  b.token_sealed = row.Text(4);
  b.token_digest = row.Text(5);
  b.td_key_sealed = row.Text(6);
  b.features = row.Text(7);
  b.access = row.Text(8);
  b.link_policy = row.Text(9);
  b.status = NamedColumn(row, 10, "bots.status", ParseBotStatus);
  b.last_error = row.Text(11);
  b.created_at = row.Int64(12);
  b.updated_at = row.Int64(13);
  return b;
}

std::optional<Bot> One(sql::Statement& query) {
  if (!query.Step()) return std::nullopt;
  return Read(query);
}

}  // namespace

bool Insert(sql::Connection& db, const Bot& bot) {
  sql::Statement insert(db, std::string("INSERT INTO bots (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  Bind(insert, bot);
  try {
    insert.Exec();
  } catch (const sql::Error& e) {
    if (e.unique_violation()) return false;
    throw;
  }
  return true;
}

std::optional<Bot> Find(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, std::string("SELECT ") + kColumns + " FROM bots WHERE id = ?");
  sql::BindAll(query, std::string(id));
  return One(query);
}

std::optional<Bot> FindByTokenDigest(sql::Connection& db, std::string_view digest) {
  sql::Statement query(db, std::string("SELECT ") + kColumns + " FROM bots WHERE token_digest = ?");
  sql::BindAll(query, std::string(digest));
  return One(query);
}

std::vector<Bot> List(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(db, std::string("SELECT ") + kColumns +
                                  " FROM bots WHERE ?1 = '' OR tenant_id = ?1 ORDER BY created_at, id");
  sql::BindAll(query, std::string(tenant_id));
  std::vector<Bot> out;
  while (query.Step()) out.push_back(Read(query));
  return out;
}

bool Update(sql::Connection& db, const Bot& bot) {
  sql::Statement update(db,
                           "UPDATE bots SET tenant_id = ?2, username = ?3, telegram_user_id = ?4, token_sealed = ?5, "
                           "token_digest = ?6, td_key_sealed = ?7, features = ?8, access = ?9, link_policy = ?10, "
                           "status = ?11, last_error = ?12, created_at = ?13, updated_at = ?14 WHERE id = ?1");
  Bind(update, bot);
  return update.Exec() > 0;
}

bool Delete(sql::Connection& db, std::string_view id) {
  sql::Transaction transaction(db);
  for (const char* table : {"bot_conversations", "bot_relays", "relays", "relay_cursors"}) {
    sql::Statement rows(db, std::string("DELETE FROM ") + table + " WHERE bot_id = ?");
    sql::BindAll(rows, std::string(id));
    rows.Exec();
  }
  sql::Statement erase(db, "DELETE FROM bots WHERE id = ?");
  sql::BindAll(erase, std::string(id));
  bool deleted = erase.Exec() > 0;
  transaction.Commit();
  return deleted;
}

void PutConversation(sql::Connection& db, const BotConversation& c) {
  sql::Statement put(db,
                        "INSERT INTO bot_conversations (bot_id, user_id, state_sealed, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (bot_id, user_id) DO UPDATE SET state_sealed = excluded.state_sealed, "
                        "updated_at = excluded.updated_at");
  sql::BindAll(put, c.bot_id, c.user_id);
  BindBlob(put, 3, c.state_sealed);
  put.Bind(4, c.updated_at);
  put.Exec();
}

std::vector<BotConversation> ListConversations(sql::Connection& db, std::string_view bot_id) {
  sql::Statement query(db,
                          "SELECT bot_id, user_id, state_sealed, updated_at FROM bot_conversations WHERE bot_id = ? "
                          "ORDER BY user_id");
  sql::BindAll(query, std::string(bot_id));
  std::vector<BotConversation> conversations;
  while (query.Step()) {
    conversations.push_back({query.Text(0), query.Int64(1),
                             query.Text(2), query.Int64(3)});
  }
  return conversations;
}

std::optional<BotConversation> FindConversation(sql::Connection& db, std::string_view bot_id, std::int64_t user_id) {
  sql::Statement query(db,
                          "SELECT bot_id, user_id, state_sealed, updated_at FROM bot_conversations "
                          "WHERE bot_id = ? AND user_id = ?");
  sql::BindAll(query, std::string(bot_id), user_id);
  if (!query.Step()) return std::nullopt;
  return BotConversation{query.Text(0), query.Int64(1),
                         query.Text(2), query.Int64(3)};
}

void PutRelay(sql::Connection& db, const BotRelay& r) {
  sql::Statement put(db, sql::Upsert("bot_relays",
                                     "bot_id, user_id, bot_message_id, account_id, chat_id, message_id, kind, created_at",
                                     "bot_id, user_id, bot_message_id"));
  sql::BindAll(put, r.bot_id, r.user_id, r.bot_message_id, r.account_id, r.chat_id, r.message_id, r.kind,
               r.created_at);
  put.Exec();
}

std::optional<BotRelay> FindRelay(sql::Connection& db, std::string_view bot_id, std::int64_t user_id,
                                  std::int64_t bot_message_id) {
  sql::Statement query(db,
                          "SELECT account_id, chat_id, message_id, kind, created_at FROM bot_relays "
                          "WHERE bot_id = ? AND user_id = ? AND bot_message_id = ?");
  sql::BindAll(query, std::string(bot_id), user_id, bot_message_id);
  if (!query.Step()) return std::nullopt;
  return BotRelay{std::string(bot_id),           user_id,
                  bot_message_id,                query.Text(0),
                  query.Int64(1), query.Int64(2),
                  query.Text(3), query.Int64(4)};
}

void DeleteRelaysBefore(sql::Connection& db, std::int64_t before) {
  sql::Statement erase(db, "DELETE FROM bot_relays WHERE created_at < ?");
  sql::BindAll(erase, before);
  erase.Exec();
}

void DeleteConversation(sql::Connection& db, std::string_view bot_id, std::int64_t user_id) {
  sql::Statement erase(db, "DELETE FROM bot_conversations WHERE bot_id = ? AND user_id = ?");
  sql::BindAll(erase, std::string(bot_id), user_id);
  erase.Exec();
}

}  // namespace tgmux::store::sql_bots
