#include "store/sqlite_bots.h"

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_bots {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, username, telegram_user_id, token_sealed, token_digest, td_key_sealed, features, access, "
    "link_policy, status, last_error, created_at, updated_at";

// ?1 .. ?14 in the order of kColumns; the sealed values are blobs.
void Bind(SQLite::Statement& s, const Bot& b) {
  SQLite::bind(s, b.id, b.tenant_id, b.username, b.telegram_user_id, b.token_sealed, b.token_digest, b.td_key_sealed,
               b.features, b.access, b.link_policy, std::string(BotStatusName(b.status)), b.last_error, b.created_at,
               b.updated_at);
  BindBlob(s, 5, b.token_sealed);
  BindBlob(s, 7, b.td_key_sealed);
}

Bot Read(SQLite::Statement& row) {
  Bot b;
  b.id = row.getColumn(0).getString();
  b.tenant_id = row.getColumn(1).getString();
  b.username = row.getColumn(2).getString();
  b.telegram_user_id = row.getColumn(3).getInt64();
  b.token_sealed = row.getColumn(4).getString();
  b.token_digest = row.getColumn(5).getString();
  b.td_key_sealed = row.getColumn(6).getString();
  b.features = row.getColumn(7).getString();
  b.access = row.getColumn(8).getString();
  b.link_policy = row.getColumn(9).getString();
  b.status = NamedColumn(row, 10, "bots.status", ParseBotStatus);
  b.last_error = row.getColumn(11).getString();
  b.created_at = row.getColumn(12).getInt64();
  b.updated_at = row.getColumn(13).getInt64();
  return b;
}

std::optional<Bot> One(SQLite::Statement& query) {
  if (!query.executeStep()) return std::nullopt;
  return Read(query);
}

}  // namespace

bool Insert(SQLite::Database& db, const Bot& bot) {
  SQLite::Statement insert(db, std::string("INSERT INTO bots (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  Bind(insert, bot);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return false;
    throw;
  }
  return true;
}

std::optional<Bot> Find(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, std::string("SELECT ") + kColumns + " FROM bots WHERE id = ?");
  SQLite::bind(query, std::string(id));
  return One(query);
}

std::optional<Bot> FindByTokenDigest(SQLite::Database& db, std::string_view digest) {
  SQLite::Statement query(db, std::string("SELECT ") + kColumns + " FROM bots WHERE token_digest = ?");
  SQLite::bind(query, std::string(digest));
  return One(query);
}

std::vector<Bot> List(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(db, std::string("SELECT ") + kColumns +
                                  " FROM bots WHERE ?1 = '' OR tenant_id = ?1 ORDER BY created_at, id");
  SQLite::bind(query, std::string(tenant_id));
  std::vector<Bot> out;
  while (query.executeStep()) out.push_back(Read(query));
  return out;
}

bool Update(SQLite::Database& db, const Bot& bot) {
  SQLite::Statement update(db,
                           "UPDATE bots SET tenant_id = ?2, username = ?3, telegram_user_id = ?4, token_sealed = ?5, "
                           "token_digest = ?6, td_key_sealed = ?7, features = ?8, access = ?9, link_policy = ?10, "
                           "status = ?11, last_error = ?12, created_at = ?13, updated_at = ?14 WHERE id = ?1");
  Bind(update, bot);
  return update.exec() > 0;
}

bool Delete(SQLite::Database& db, std::string_view id) {
  SQLite::Transaction transaction(db);
  for (const char* table : {"bot_conversations", "bot_relays", "relays", "relay_cursors"}) {
    SQLite::Statement rows(db, std::string("DELETE FROM ") + table + " WHERE bot_id = ?");
    SQLite::bind(rows, std::string(id));
    rows.exec();
  }
  SQLite::Statement erase(db, "DELETE FROM bots WHERE id = ?");
  SQLite::bind(erase, std::string(id));
  bool deleted = erase.exec() > 0;
  transaction.commit();
  return deleted;
}

void PutConversation(SQLite::Database& db, const BotConversation& c) {
  SQLite::Statement put(db,
                        "INSERT INTO bot_conversations (bot_id, user_id, state_sealed, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (bot_id, user_id) DO UPDATE SET state_sealed = excluded.state_sealed, "
                        "updated_at = excluded.updated_at");
  SQLite::bind(put, c.bot_id, c.user_id);
  BindBlob(put, 3, c.state_sealed);
  put.bind(4, c.updated_at);
  put.exec();
}

std::vector<BotConversation> ListConversations(SQLite::Database& db, std::string_view bot_id) {
  SQLite::Statement query(db,
                          "SELECT bot_id, user_id, state_sealed, updated_at FROM bot_conversations WHERE bot_id = ? "
                          "ORDER BY user_id");
  SQLite::bind(query, std::string(bot_id));
  std::vector<BotConversation> conversations;
  while (query.executeStep()) {
    conversations.push_back({query.getColumn(0).getString(), query.getColumn(1).getInt64(),
                             query.getColumn(2).getString(), query.getColumn(3).getInt64()});
  }
  return conversations;
}

std::optional<BotConversation> FindConversation(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id) {
  SQLite::Statement query(db,
                          "SELECT bot_id, user_id, state_sealed, updated_at FROM bot_conversations "
                          "WHERE bot_id = ? AND user_id = ?");
  SQLite::bind(query, std::string(bot_id), user_id);
  if (!query.executeStep()) return std::nullopt;
  return BotConversation{query.getColumn(0).getString(), query.getColumn(1).getInt64(),
                         query.getColumn(2).getString(), query.getColumn(3).getInt64()};
}

void PutRelay(SQLite::Database& db, const BotRelay& r) {
  SQLite::Statement put(db,
                        "INSERT OR REPLACE INTO bot_relays (bot_id, user_id, bot_message_id, account_id, chat_id, "
                        "message_id, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, r.bot_id, r.user_id, r.bot_message_id, r.account_id, r.chat_id, r.message_id, r.kind,
               r.created_at);
  put.exec();
}

std::optional<BotRelay> FindRelay(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id,
                                  std::int64_t bot_message_id) {
  SQLite::Statement query(db,
                          "SELECT account_id, chat_id, message_id, kind, created_at FROM bot_relays "
                          "WHERE bot_id = ? AND user_id = ? AND bot_message_id = ?");
  SQLite::bind(query, std::string(bot_id), user_id, bot_message_id);
  if (!query.executeStep()) return std::nullopt;
  return BotRelay{std::string(bot_id),           user_id,
                  bot_message_id,                query.getColumn(0).getString(),
                  query.getColumn(1).getInt64(), query.getColumn(2).getInt64(),
                  query.getColumn(3).getString(), query.getColumn(4).getInt64()};
}

void DeleteRelaysBefore(SQLite::Database& db, std::int64_t before) {
  SQLite::Statement erase(db, "DELETE FROM bot_relays WHERE created_at < ?");
  SQLite::bind(erase, before);
  erase.exec();
}

void DeleteConversation(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id) {
  SQLite::Statement erase(db, "DELETE FROM bot_conversations WHERE bot_id = ? AND user_id = ?");
  SQLite::bind(erase, std::string(bot_id), user_id);
  erase.exec();
}

}  // namespace tgmux::store::sqlite_bots
