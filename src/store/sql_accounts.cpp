#include "store/sql_accounts.h"
#include "store/sql_dialogs.h"
#include "store/sql_pools.h"
#include "store/sql_relay.h"


#include <string>

#include "common/error.h"
#include "store/sql_util.h"

namespace tgmux::store::sql_accounts {
namespace {

constexpr const char* kSelectAccount =
    "SELECT id, tenant_id, status, method, telegram_user_id, username, display_name, "
    "phone_masked, phone_sealed, wrapped_data_key, td_key_sealed, last_error, created_at, "
    "updated_at, last_connected_at, accepts_private, accepts_groups, accepts_channels, phone_digest, "
    "proxy_sealed, proxy_masked, owner_telegram_user_id, watch, pool, project_id, external_id FROM accounts";

// Binds ?1 .. ?18 and ?20 .. ?26 in the column order of kSelectAccount
// (phone_digest, ?19, apart: only Insert writes it).
void BindAccount(sql::Statement& statement, const Account& a) {
  sql::BindAll(statement,
               a.id, a.tenant_id, std::string(AccountStatusName(a.status)),
               std::string(LoginMethodName(a.method)), a.telegram_user_id, a.username, a.display_name,
               a.phone_masked);
  BindBlob(statement, 9, a.phone_sealed);
  BindBlob(statement, 10, a.wrapped_data_key);
  BindBlob(statement, 11, a.td_key_sealed);
  statement.Bind(12, a.last_error);
  statement.Bind(13, a.created_at);
  statement.Bind(14, a.updated_at);
  statement.Bind(15, a.last_connected_at);
  statement.Bind(16, a.accepts_private ? 1 : 0);
  statement.Bind(17, a.accepts_groups ? 1 : 0);
  statement.Bind(18, a.accepts_channels ? 1 : 0);
  BindBlob(statement, 20, a.proxy_sealed);
  statement.Bind(21, a.proxy_masked);
  statement.Bind(22, a.owner_telegram_user_id);
  statement.Bind(23, a.watch);
  statement.Bind(24, a.pool);
  statement.Bind(25, a.project_id);
  statement.Bind(26, a.external_id);
}

Account ReadAccount(sql::Statement& row) {
  Account a;
  a.id = row.Text(0);
  a.tenant_id = row.Text(1);
  a.status = NamedColumn(row, 2, "accounts.status", ParseAccountStatus);
  a.method = NamedColumn(row, 3, "accounts.method", ParseLoginMethod);
  a.telegram_user_id = row.Int64(4);
  a.username = row.Text(5);
  a.display_name = row.Text(6);
  a.phone_masked = row.Text(7);
  a.phone_sealed = row.Text(8);
  a.wrapped_data_key = row.Text(9);
  a.td_key_sealed = row.Text(10);
  a.last_error = row.Text(11);
  a.created_at = row.Int64(12);
  a.updated_at = row.Int64(13);
  a.last_connected_at = row.Int64(14);
  a.accepts_private = row.Int(15) != 0;
  a.accepts_groups = row.Int(16) != 0;
  a.accepts_channels = row.Int(17) != 0;
  a.phone_digest = row.Text(18);
  a.proxy_sealed = row.Text(19);
  a.proxy_masked = row.Text(20);
  a.owner_telegram_user_id = row.Int64(21);
  a.watch = row.Text(22);
  a.pool = row.Text(23);
  a.project_id = row.Text(24);
  a.external_id = row.Text(25);
  return a;
}

std::vector<Account> ReadAll(sql::Statement& query) {
  std::vector<Account> accounts;
  while (query.Step()) accounts.push_back(ReadAccount(query));
  return accounts;
}

}  // namespace

bool Insert(sql::Connection& db, const Account& account) {
  sql::Statement insert(
      db,
      "INSERT INTO accounts (id, tenant_id, status, method, "
      "telegram_user_id, username, display_name, phone_masked, "
      "phone_sealed, wrapped_data_key, td_key_sealed, last_error, "
      "created_at, updated_at, last_connected_at, accepts_private, accepts_groups, accepts_channels, "
      "phone_digest, proxy_sealed, proxy_masked, owner_telegram_user_id, watch, pool, project_id, external_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
      "?23, ?24, ?25, ?26)");
  BindAccount(insert, account);
  insert.Bind(19, account.phone_digest);
  try {
    insert.Exec();
  } catch (const sql::Error& e) {
    if (!e.unique_violation()) throw;
    return false;
  }
  return true;
}

std::optional<Account> Find(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, std::string(kSelectAccount) + " WHERE id = ?");
  query.Bind(1, std::string(id));
  if (!query.Step()) return std::nullopt;
  return ReadAccount(query);
}

std::vector<Account> List(sql::Connection& db) {
  sql::Statement query(db, std::string(kSelectAccount) + " ORDER BY created_at, id");
  return ReadAll(query);
}

std::vector<Account> ListOfTenant(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(db, std::string(kSelectAccount) + " WHERE tenant_id = ? ORDER BY created_at, id");
  query.Bind(1, std::string(tenant_id));
  return ReadAll(query);
}

std::vector<Account> FindByPhoneDigest(sql::Connection& db, std::string_view tenant_id, std::string_view digest) {
  // "" means unknown, never a match; the partial index holds known digests only.
  if (digest.empty()) return {};
  // IndexedBy: left alone, SQLite prefers accounts_by_tenant for the ORDER BY
  // and reads every account of the tenant; sorting the few matches is cheaper.
  sql::Statement query(db, std::string(kSelectAccount) +
                                  sql::IndexedBy(db, "accounts_by_phone") +
                                  " WHERE tenant_id = ? AND phone_digest = ? AND phone_digest != ''"
                                  " ORDER BY created_at, id");
  query.Bind(1, std::string(tenant_id));
  query.Bind(2, std::string(digest));
  return ReadAll(query);
}

std::vector<Account> FindByTelegramUser(sql::Connection& db, std::string_view tenant_id, std::int64_t user_id) {
  sql::Statement query(db, std::string(kSelectAccount) +
                                  sql::IndexedBy(db, "accounts_by_telegram_user") +
                                  " WHERE tenant_id = ? AND telegram_user_id = ? ORDER BY created_at, id");
  query.Bind(1, std::string(tenant_id));
  query.Bind(2, user_id);
  return ReadAll(query);
}

std::vector<Account> FindByOwner(sql::Connection& db, std::string_view tenant_id, std::int64_t owner_user_id) {
  if (owner_user_id == 0) return {};
  sql::Statement query(db, std::string(kSelectAccount) +
                                  " WHERE tenant_id = ? AND owner_telegram_user_id = ? ORDER BY created_at, id");
  query.Bind(1, std::string(tenant_id));
  query.Bind(2, owner_user_id);
  return ReadAll(query);
}

bool Update(sql::Connection& db, const Account& account) {
  sql::Statement update(db,
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
    return update.Exec() > 0;
  } catch (const sql::Error& e) {
    if (!e.unique_violation()) throw;
    throw Error(ErrorCode::kConflict, "external_id \"" + account.external_id + "\" is already used by another account");
  }
}

std::optional<Account> FindByExternalId(sql::Connection& db, std::string_view tenant_id, std::string_view external_id) {
  if (external_id.empty()) return std::nullopt;
  sql::Statement query(db, std::string(kSelectAccount) + " WHERE tenant_id = ? AND external_id = ?");
  query.Bind(1, std::string(tenant_id));
  query.Bind(2, std::string(external_id));
  if (!query.Step()) return std::nullopt;
  return ReadAccount(query);
}

bool SetPhoneDigest(sql::Connection& db, std::string_view id, std::string_view digest) {
  sql::Statement update(db, "UPDATE accounts SET phone_digest = ? WHERE id = ?");
  update.Bind(1, std::string(digest));
  update.Bind(2, std::string(id));
  return update.Exec() > 0;
}

bool Delete(sql::Connection& db, std::string_view id) {
  // The account's files go with it: their ids mean nothing without it.
  sql::Transaction transaction(db);
  sql::Statement files(db, "DELETE FROM files WHERE account_id = ?");
  files.Bind(1, std::string(id));
  files.Exec();
  sql_relay::DeleteAccountRows(db, id);
  sql_dialogs::DeleteAccountRows(db, id);
  sql_pools::DeleteAccountRows(db, id);
  sql::Statement erase(db, "DELETE FROM accounts WHERE id = ?");
  erase.Bind(1, std::string(id));
  bool deleted = erase.Exec() > 0;
  transaction.Commit();
  return deleted;
}

}  // namespace tgmux::store::sql_accounts
