#include "store/sqlite_pools.h"

#include <SQLiteCpp/VariadicBind.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_pools {
namespace {

constexpr const char* kPoolColumns = "tenant_id, name, settings, created_at, updated_at";
Pool ReadPool(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
          row.getColumn(3).getInt64(), row.getColumn(4).getInt64()};
}

constexpr const char* kHealthColumns =
    "account_id, tenant_id, flood_waits, bans, limited_until, limited_reason, limits, updated_at";
AccountHealth ReadHealth(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getInt64(),
          row.getColumn(3).getInt64(),  row.getColumn(4).getInt64(),  row.getColumn(5).getString(),
          row.getColumn(6).getString(), row.getColumn(7).getInt64()};
}

// The account's health row, created with zeros when it has none yet.
void EnsureHealth(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
                  std::int64_t now) {
  SQLite::Statement insert(db,
                           "INSERT OR IGNORE INTO account_health (account_id, tenant_id, flood_waits, bans, "
                           "limited_until, limited_reason, limits, updated_at) VALUES (?, ?, 0, 0, 0, '', '', ?)");
  SQLite::bind(insert, std::string(account_id), std::string(tenant_id), now);
  insert.exec();
}

}  // namespace

void PutPool(SQLite::Database& db, const Pool& p) {
  SQLite::Statement put(db, "INSERT OR REPLACE INTO pools (tenant_id, name, settings, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?)");
  SQLite::bind(put, p.tenant_id, p.name, p.settings, p.created_at, p.updated_at);
  put.exec();
}

std::optional<Pool> FindPool(SQLite::Database& db, std::string_view tenant_id, std::string_view name) {
  SQLite::Statement query(db, Select(kPoolColumns, "pools", "WHERE tenant_id = ? AND name = ?"));
  SQLite::bind(query, std::string(tenant_id), std::string(name));
  return One(query, ReadPool);
}

std::vector<Pool> ListPools(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(db, Select(kPoolColumns, "pools", "WHERE tenant_id = ? ORDER BY name"));
  SQLite::bind(query, std::string(tenant_id));
  return ReadAll<Pool>(query, ReadPool);
}

std::optional<AccountHealth> FindHealth(SQLite::Database& db, std::string_view account_id) {
  SQLite::Statement query(db, Select(kHealthColumns, "account_health", "WHERE account_id = ?"));
  SQLite::bind(query, std::string(account_id));
  return One(query, ReadHealth);
}

std::vector<AccountHealth> ListHealth(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(db, Select(kHealthColumns, "account_health", "WHERE tenant_id = ? ORDER BY account_id"));
  SQLite::bind(query, std::string(tenant_id));
  return ReadAll<AccountHealth>(query, ReadHealth);
}

void CountHealth(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
                 HealthCounter counter, std::int64_t now) {
  SQLite::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  const std::string column = counter == HealthCounter::kBans ? "bans" : "flood_waits";
  SQLite::Statement update(
      db, "UPDATE account_health SET " + column + " = " + column + " + 1, updated_at = ? WHERE account_id = ?");
  SQLite::bind(update, now, std::string(account_id));
  update.exec();
  transaction.commit();
}

void SetLimited(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                std::string_view reason, std::int64_t now) {
  SQLite::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  SQLite::Statement update(
      db, "UPDATE account_health SET limited_until = ?, limited_reason = ?, updated_at = ? WHERE account_id = ?");
  SQLite::bind(update, until, std::string(reason), now, std::string(account_id));
  update.exec();
  transaction.commit();
}

void SetLimits(SQLite::Database& db, std::string_view tenant_id, std::string_view account_id,
               std::string_view limits, std::int64_t now) {
  SQLite::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  SQLite::Statement update(db, "UPDATE account_health SET limits = ?, updated_at = ? WHERE account_id = ?");
  SQLite::bind(update, std::string(limits), now, std::string(account_id));
  update.exec();
  transaction.commit();
}

void PutContact(SQLite::Database& db, const PoolContact& c) {
  SQLite::Statement put(db,
                        "INSERT OR REPLACE INTO pool_contacts (tenant_id, pool, contact, account_id, created_at) "
                        "VALUES (?, ?, ?, ?, ?)");
  SQLite::bind(put, c.tenant_id, c.pool, c.contact, c.account_id, c.created_at);
  put.exec();
}

std::optional<PoolContact> FindContact(SQLite::Database& db, std::string_view tenant_id, std::string_view pool,
                                       std::string_view contact) {
  SQLite::Statement query(db,
                          "SELECT tenant_id, pool, contact, account_id, created_at FROM pool_contacts "
                          "WHERE tenant_id = ? AND pool = ? AND contact = ?");
  SQLite::bind(query, std::string(tenant_id), std::string(pool), std::string(contact));
  return One(query, [](SQLite::Statement& row) {
    return PoolContact{row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
                       row.getColumn(3).getString(), row.getColumn(4).getInt64()};
  });
}

std::vector<AccountSends> CountSends(SQLite::Database& db, std::string_view tenant_id, std::string_view pool,
                                     std::string_view account_id, std::int64_t since) {
  SQLite::Statement query(db,
                          "SELECT o.account_id, SUM(o.state = 'sent'), "
                          "SUM(o.created_at >= ? AND o.state != 'failed'), MAX(o.created_at) "
                          "FROM accounts a JOIN outbox o ON o.account_id = a.id "
                          "WHERE a.tenant_id = ? AND a.pool = ? AND (?4 = '' OR a.id = ?4) GROUP BY o.account_id");
  SQLite::bind(query, since, std::string(tenant_id), std::string(pool), std::string(account_id));
  return ReadAll<AccountSends>(query, [](SQLite::Statement& row) {
    return AccountSends{row.getColumn(0).getString(), row.getColumn(1).getInt64(), row.getColumn(2).getInt64(),
                        row.getColumn(3).getInt64()};
  });
}

void DeleteAccountRows(SQLite::Database& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"account_health", "pool_contacts"}, account_id);
}

}  // namespace tgmux::store::sqlite_pools
