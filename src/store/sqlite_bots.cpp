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
  SQLite::Statement erase(db, "DELETE FROM bots WHERE id = ?");
  SQLite::bind(erase, std::string(id));
  return erase.exec() > 0;
}

}  // namespace tgmux::store::sqlite_bots
