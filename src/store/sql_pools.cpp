#include "store/sql_pools.h"


#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_pools {
namespace {

constexpr const char* kPoolColumns = "tenant_id, name, settings, created_at, updated_at";
Pool ReadPool(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          row.Int64(3), row.Int64(4)};
}

constexpr const char* kHealthColumns =
    "account_id, tenant_id, flood_waits, bans, limited_until, limited_reason, limits, updated_at";
AccountHealth ReadHealth(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Int64(2),
          row.Int64(3),  row.Int64(4),  row.Text(5),
          row.Text(6), row.Int64(7)};
}

// The account's health row, created with zeros when it has none yet.
void EnsureHealth(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
                  std::int64_t now) {
  sql::Statement insert(db,
                           "INSERT INTO account_health (account_id, tenant_id, flood_waits, bans, limited_until, "
                        "limited_reason, limits, updated_at) VALUES (?, ?, 0, 0, 0, '', '', ?) ON CONFLICT DO NOTHING");
  sql::BindAll(insert, std::string(account_id), std::string(tenant_id), now);
  insert.Exec();
}

}  // namespace

void PutPool(sql::Connection& db, const Pool& p) {
  sql::Statement put(db, sql::Upsert("pools", "tenant_id, name, settings, created_at, updated_at", "tenant_id, name"));
  sql::BindAll(put, p.tenant_id, p.name, p.settings, p.created_at, p.updated_at);
  put.Exec();
}

std::optional<Pool> FindPool(sql::Connection& db, std::string_view tenant_id, std::string_view name) {
  sql::Statement query(db, Select(kPoolColumns, "pools", "WHERE tenant_id = ? AND name = ?"));
  sql::BindAll(query, std::string(tenant_id), std::string(name));
  return One(query, ReadPool);
}

std::vector<Pool> ListPools(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(db, Select(kPoolColumns, "pools", "WHERE tenant_id = ? ORDER BY name"));
  sql::BindAll(query, std::string(tenant_id));
  return ReadAll<Pool>(query, ReadPool);
}

std::optional<AccountHealth> FindHealth(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, Select(kHealthColumns, "account_health", "WHERE account_id = ?"));
  sql::BindAll(query, std::string(account_id));
  return One(query, ReadHealth);
}

std::vector<AccountHealth> ListHealth(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(db, Select(kHealthColumns, "account_health", "WHERE tenant_id = ? ORDER BY account_id"));
  sql::BindAll(query, std::string(tenant_id));
  return ReadAll<AccountHealth>(query, ReadHealth);
}

void CountHealth(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
                 HealthCounter counter, std::int64_t now) {
  sql::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  const std::string column = counter == HealthCounter::kBans ? "bans" : "flood_waits";
  sql::Statement update(
      db, "UPDATE account_health SET " + column + " = " + column + " + 1, updated_at = ? WHERE account_id = ?");
  sql::BindAll(update, now, std::string(account_id));
  update.Exec();
  transaction.Commit();
}

void SetLimited(sql::Connection& db, std::string_view tenant_id, std::string_view account_id, std::int64_t until,
                std::string_view reason, std::int64_t now) {
  sql::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  sql::Statement update(
      db, "UPDATE account_health SET limited_until = ?, limited_reason = ?, updated_at = ? WHERE account_id = ?");
  sql::BindAll(update, until, std::string(reason), now, std::string(account_id));
  update.Exec();
  transaction.Commit();
}

void SetLimits(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
               std::string_view limits, std::int64_t now) {
  sql::Transaction transaction(db);
  EnsureHealth(db, tenant_id, account_id, now);
  sql::Statement update(db, "UPDATE account_health SET limits = ?, updated_at = ? WHERE account_id = ?");
  sql::BindAll(update, std::string(limits), now, std::string(account_id));
  update.Exec();
  transaction.Commit();
}

void PutContact(sql::Connection& db, const PoolContact& c) {
  sql::Statement put(db, sql::Upsert("pool_contacts", "tenant_id, pool, contact, account_id, created_at",
                                     "tenant_id, pool, contact"));
  sql::BindAll(put, c.tenant_id, c.pool, c.contact, c.account_id, c.created_at);
  put.Exec();
}

std::optional<PoolContact> FindContact(sql::Connection& db, std::string_view tenant_id, std::string_view pool,
                                       std::string_view contact) {
  sql::Statement query(db,
                          "SELECT tenant_id, pool, contact, account_id, created_at FROM pool_contacts "
                          "WHERE tenant_id = ? AND pool = ? AND contact = ?");
  sql::BindAll(query, std::string(tenant_id), std::string(pool), std::string(contact));
  return One(query, [](sql::Statement& row) {
    return PoolContact{row.Text(0), row.Text(1), row.Text(2),
                       row.Text(3), row.Int64(4)};
  });
}

std::vector<AccountSends> CountSends(sql::Connection& db, std::string_view tenant_id, std::string_view pool,
                                     std::string_view account_id, std::int64_t since) {
  sql::Statement query(db,
                          "SELECT o.account_id, SUM(CASE WHEN o.state = 'sent' THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN o.created_at >= ? AND o.state != 'failed' THEN 1 ELSE 0 END), MAX(o.created_at) "
                          "FROM accounts a JOIN outbox o ON o.account_id = a.id "
                          "WHERE a.tenant_id = ? AND a.pool = ? AND (?4 = '' OR a.id = ?4) GROUP BY o.account_id");
  sql::BindAll(query, since, std::string(tenant_id), std::string(pool), std::string(account_id));
  return ReadAll<AccountSends>(query, [](sql::Statement& row) {
    return AccountSends{row.Text(0), row.Int64(1), row.Int64(2),
                        row.Int64(3)};
  });
}

void DeleteAccountRows(sql::Connection& db, std::string_view account_id) {
  DeleteAccountRowsFrom(db, {"account_health", "pool_contacts"}, account_id);
}

}  // namespace tgmux::store::sql_pools
