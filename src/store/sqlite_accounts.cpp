#include "store/sqlite_accounts.h"
#include "store/sqlite_dialogs.h"
#include "store/sqlite_pools.h"
#include "store/sqlite_relay.h"

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <string>

#include "common/error.h"
#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_accounts {
namespace {

constexpr const char* kSelectAccount =
    "SELECT id, tenant_id, status, method, telegram_user_id, username, display_name, "
    "phone_masked, phone_sealed, wrapped_data_key, td_key_sealed, last_error, created_at, "
    "updated_at, last_connected_at, accepts_private, accepts_groups, accepts_channels, phone_digest, "
    "proxy_sealed, proxy_masked, owner_telegram_user_id, watch, pool, project_id, external_id FROM accounts";

// Binds ?1 .. ?18 and ?20 .. ?26 in the column order of kSelectAccount
// (phone_digest, ?19, apart: only Insert writes it).
void BindAccount(SQLite::Statement& statement, const Account& a) {
  SQLite::bind(statement,
               a.id, a.tenant_id, std::string(AccountStatusName(a.status)),
               std::string(LoginMethodName(a.method)), a.telegram_user_id, a.username, a.display_name,
               a.phone_masked);
  BindBlob(statement, 9, a.phone_sealed);
  BindBlob(statement, 10, a.wrapped_data_key);
  BindBlob(statement, 11, a.td_key_sealed);
  statement.bind(12, a.last_error);
  statement.bind(13, a.created_at);
  statement.bind(14, a.updated_at);
  statement.bind(15, a.last_connected_at);
  statement.bind(16, a.accepts_private ? 1 : 0);
  statement.bind(17, a.accepts_groups ? 1 : 0);
  statement.bind(18, a.accepts_channels ? 1 : 0);
  BindBlob(statement, 20, a.proxy_sealed);
  statement.bind(21, a.proxy_masked);
  statement.bind(22, a.owner_telegram_user_id);
  statement.bind(23, a.watch);
  statement.bind(24, a.pool);
  statement.bind(25, a.project_id);
  statement.bind(26, a.external_id);
}

Account ReadAccount(SQLite::Statement& row) {
  Account a;
  a.id = row.getColumn(0).getString();
  a.tenant_id = row.getColumn(1).getString();
  a.status = NamedColumn(row, 2, "accounts.status", ParseAccountStatus);
  a.method = NamedColumn(row, 3, "accounts.method", ParseLoginMethod);
  a.telegram_user_id = row.getColumn(4).getInt64();
  a.username = row.getColumn(5).getString();
  a.display_name = row.getColumn(6).getString();
  a.phone_masked = row.getColumn(7).getString();
  a.phone_sealed = row.getColumn(8).getString();
  a.wrapped_data_key = row.getColumn(9).getString();
  a.td_key_sealed = row.getColumn(10).getString();
  a.last_error = row.getColumn(11).getString();
  a.created_at = row.getColumn(12).getInt64();
  a.updated_at = row.getColumn(13).getInt64();
  a.last_connected_at = row.getColumn(14).getInt64();
  a.accepts_private = row.getColumn(15).getInt() != 0;
  a.accepts_groups = row.getColumn(16).getInt() != 0;
  a.accepts_channels = row.getColumn(17).getInt() != 0;
  a.phone_digest = row.getColumn(18).getString();
  a.proxy_sealed = row.getColumn(19).getString();
  a.proxy_masked = row.getColumn(20).getString();
  a.owner_telegram_user_id = row.getColumn(21).getInt64();
  a.watch = row.getColumn(22).getString();
  a.pool = row.getColumn(23).getString();
  a.project_id = row.getColumn(24).getString();
  a.external_id = row.getColumn(25).getString();
  return a;
}

std::vector<Account> ReadAll(SQLite::Statement& query) {
  std::vector<Account> accounts;
  while (query.executeStep()) accounts.push_back(ReadAccount(query));
  return accounts;
}

}  // namespace

bool Insert(SQLite::Database& db, const Account& account) {
  SQLite::Statement insert(
      db,
      "INSERT INTO accounts (id, tenant_id, status, method, "
      "telegram_user_id, username, display_name, phone_masked, "
      "phone_sealed, wrapped_data_key, td_key_sealed, last_error, "
      "created_at, updated_at, last_connected_at, accepts_private, accepts_groups, accepts_channels, "
      "phone_digest, proxy_sealed, proxy_masked, owner_telegram_user_id, watch, pool, project_id, external_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
      "?23, ?24, ?25, ?26)");
  BindAccount(insert, account);
  insert.bind(19, account.phone_digest);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_PRIMARYKEY) throw;
    return false;
  }
  return true;
}

std::optional<Account> Find(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, std::string(kSelectAccount) + " WHERE id = ?");
  query.bind(1, std::string(id));
  if (!query.executeStep()) return std::nullopt;
  return ReadAccount(query);
}

std::vector<Account> List(SQLite::Database& db) {
  SQLite::Statement query(db, std::string(kSelectAccount) + " ORDER BY created_at, id");
  return ReadAll(query);
}

std::vector<Account> ListOfTenant(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(db, std::string(kSelectAccount) + " WHERE tenant_id = ? ORDER BY created_at, id");
  query.bind(1, std::string(tenant_id));
  return ReadAll(query);
}

std::vector<Account> FindByPhoneDigest(SQLite::Database& db, std::string_view tenant_id, std::string_view digest) {
  // "" means unknown, never a match; the partial index holds known digests only.
  if (digest.empty()) return {};
  // INDEXED BY: left alone, SQLite prefers accounts_by_tenant for the ORDER BY
  // and reads every account of the tenant; sorting the few matches is cheaper.
  SQLite::Statement query(db, std::string(kSelectAccount) +
                                  " INDEXED BY accounts_by_phone"
                                  " WHERE tenant_id = ? AND phone_digest = ? AND phone_digest != ''"
                                  " ORDER BY created_at, id");
  query.bind(1, std::string(tenant_id));
  query.bind(2, std::string(digest));
  return ReadAll(query);
}

std::vector<Account> FindByTelegramUser(SQLite::Database& db, std::string_view tenant_id, std::int64_t user_id) {
  SQLite::Statement query(db, std::string(kSelectAccount) +
                                  " INDEXED BY accounts_by_telegram_user"
                                  " WHERE tenant_id = ? AND telegram_user_id = ? ORDER BY created_at, id");
  query.bind(1, std::string(tenant_id));
  query.bind(2, user_id);
  return ReadAll(query);
}

std::vector<Account> FindByOwner(SQLite::Database& db, std::string_view tenant_id, std::int64_t owner_user_id) {
  if (owner_user_id == 0) return {};
  SQLite::Statement query(db, std::string(kSelectAccount) +
                                  " WHERE tenant_id = ? AND owner_telegram_user_id = ? ORDER BY created_at, id");
  query.bind(1, std::string(tenant_id));
  query.bind(2, owner_user_id);
  return ReadAll(query);
}

bool Update(SQLite::Database& db, const Account& account) {
  SQLite::Statement update(db,
                           "UPDATE accounts SET tenant_id = ?2, status = ?3, method = ?4, "
                           "telegram_user_id = ?5, username = ?6, display_name = ?7, "
                           "phone_masked = ?8, phone_sealed = ?9, wrapped_data_key = ?10, "
                           "td_key_sealed = ?11, last_error = ?12, created_at = ?13, "
                           "updated_at = ?14, last_connected_at = ?15, accepts_private = ?16, "
                           "accepts_groups = ?17, accepts_channels = ?18, proxy_sealed = ?20, "
                           "proxy_masked = ?21, owner_telegram_user_id = ?22, watch = ?23, pool = ?24, "
                           "project_id = ?25, external_id = ?26 WHERE id = ?1");
  BindAccount(update, account);
  try {
    return update.exec() > 0;
  } catch (const SQLite::Exception& e) {
    if (!IsUniqueViolation(e)) throw;
    throw Error(ErrorCode::kConflict, "external_id \"" + account.external_id + "\" is already used by another account");
  }
}

std::optional<Account> FindByExternalId(SQLite::Database& db, std::string_view tenant_id, std::string_view external_id) {
  if (external_id.empty()) return std::nullopt;
  SQLite::Statement query(db, std::string(kSelectAccount) + " WHERE tenant_id = ? AND external_id = ?");
  query.bind(1, std::string(tenant_id));
  query.bind(2, std::string(external_id));
  if (!query.executeStep()) return std::nullopt;
  return ReadAccount(query);
}

bool SetPhoneDigest(SQLite::Database& db, std::string_view id, std::string_view digest) {
  SQLite::Statement update(db, "UPDATE accounts SET phone_digest = ? WHERE id = ?");
  update.bind(1, std::string(digest));
  update.bind(2, std::string(id));
  return update.exec() > 0;
}

bool Delete(SQLite::Database& db, std::string_view id) {
  // The account's files go with it: their ids mean nothing without it.
  SQLite::Transaction transaction(db);
  SQLite::Statement files(db, "DELETE FROM files WHERE account_id = ?");
  files.bind(1, std::string(id));
  files.exec();
  sqlite_relay::DeleteAccountRows(db, id);
  sqlite_dialogs::DeleteAccountRows(db, id);
  sqlite_pools::DeleteAccountRows(db, id);
  SQLite::Statement erase(db, "DELETE FROM accounts WHERE id = ?");
  erase.bind(1, std::string(id));
  bool deleted = erase.exec() > 0;
  transaction.commit();
  return deleted;
}

}  // namespace tgmux::store::sqlite_accounts
