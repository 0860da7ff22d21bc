#include "store/sql_cluster.h"

#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_cluster {
namespace {

ClusterNode ReadNode(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Int64(2), row.Int64(3), row.Int64(4), row.Int(5), row.Text(6)};
}

Lease ReadLease(sql::Statement& row) { return {row.Text(0), row.Text(1), row.Int64(2), row.Int64(3)}; }

// The table of a kind of lease and its key column.
struct LeaseTable {
  std::string table;
  std::string key;
};
LeaseTable TableOf(LeaseKind kind) {
  return kind == LeaseKind::kAccount ? LeaseTable{"account_leases", "account_id"} : LeaseTable{"work_leases", "subject"};
}

}  // namespace

void BeatNode(sql::Connection& db, const ClusterNode& node) {
  sql::Statement upsert(db,
                        "INSERT INTO cluster_nodes (id, url, started_at, heartbeat_at, expires_at, accounts, load) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
                        "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at, "
                        "accounts = excluded.accounts, load = excluded.load");
  sql::BindAll(upsert, node.id, node.url, node.started_at, node.heartbeat_at, node.expires_at, node.accounts,
               node.load);
  upsert.Exec();
}

std::vector<ClusterNode> ListNodes(sql::Connection& db) {
  sql::Statement query(db,
                       "SELECT id, url, started_at, heartbeat_at, expires_at, accounts, load FROM cluster_nodes "
                       "ORDER BY started_at, id");
  return ReadAll<ClusterNode>(query, ReadNode);
}

void RemoveNode(sql::Connection& db, std::string_view id) {
  sql::Statement remove(db, "DELETE FROM cluster_nodes WHERE id = ?");
  remove.Bind(1, id);
  remove.Exec();
}

std::vector<Lease> RenewLeases(sql::Connection& db, LeaseKind kind, std::string_view node_id, std::int64_t expires_at) {
  const auto t = TableOf(kind);
  sql::Statement renew(db, "UPDATE " + t.table + " SET expires_at = ? WHERE node_id = ? RETURNING " + t.key +
                               ", node_id, epoch, expires_at");
  sql::BindAll(renew, expires_at, node_id);
  return ReadAll<Lease>(renew, ReadLease);
}

std::optional<Lease> ClaimLease(sql::Connection& db, LeaseKind kind, std::string_view subject,
                                std::string_view node_id, std::int64_t expired_before, std::int64_t expires_at) {
  const auto t = TableOf(kind);
  // One statement: two nodes claiming at once cannot both win.
  sql::Statement claim(db, "INSERT INTO " + t.table + " (" + t.key + ", node_id, epoch, expires_at) VALUES (?, ?, 1, ?) "
                           "ON CONFLICT (" + t.key + ") DO UPDATE SET node_id = excluded.node_id, "
                           "epoch = " + t.table + ".epoch + 1, expires_at = excluded.expires_at "
                           "WHERE " + t.table + ".node_id = '' OR " + t.table + ".expires_at < ? "
                           "RETURNING " + t.key + ", node_id, epoch, expires_at");
  sql::BindAll(claim, subject, node_id, expires_at, expired_before);
  return One(claim, ReadLease);
}

bool ReleaseLease(sql::Connection& db, LeaseKind kind, std::string_view subject, std::string_view node_id,
                  std::int64_t epoch) {
  const auto t = TableOf(kind);
  sql::Statement release(db, "UPDATE " + t.table + " SET node_id = '', expires_at = 0 WHERE " + t.key +
                                 " = ? AND node_id = ? AND epoch = ?");
  sql::BindAll(release, subject, node_id, epoch);
  return release.Exec() > 0;
}

std::vector<Lease> ListLeases(sql::Connection& db, LeaseKind kind) {
  const auto t = TableOf(kind);
  sql::Statement query(db, "SELECT " + t.key + ", node_id, epoch, expires_at FROM " + t.table + " ORDER BY " + t.key);
  return ReadAll<Lease>(query, ReadLease);
}

void DropLease(sql::Connection& db, LeaseKind kind, std::string_view subject) {
  const auto t = TableOf(kind);
  sql::Statement remove(db, "DELETE FROM " + t.table + " WHERE " + t.key + " = ?");
  remove.Bind(1, subject);
  remove.Exec();
}

void PutLogin(sql::Connection& db, const ClusterLogin& login) {
  sql::Statement insert(db,
                        "INSERT INTO cluster_logins (id, node_id, tenant_id, method, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
  sql::BindAll(insert, login.id, login.node_id, login.tenant_id, LoginMethodName(login.method), login.created_at,
               login.expires_at);
  insert.Exec();
}

std::optional<ClusterLogin> FindLogin(sql::Connection& db, std::string_view id) {
  sql::Statement query(db,
                       "SELECT id, node_id, tenant_id, method, created_at, expires_at FROM cluster_logins WHERE id = ?");
  query.Bind(1, id);
  return One(query, [](sql::Statement& row) {
    return ClusterLogin{row.Text(0), row.Text(1), row.Text(2),
                        ParseLoginMethod(row.Text(3)).value_or(LoginMethod::kPhone), row.Int64(4), row.Int64(5)};
  });
}

void DeleteLoginsBefore(sql::Connection& db, std::int64_t created_before) {
  sql::Statement remove(db, "DELETE FROM cluster_logins WHERE created_at < ?");
  remove.Bind(1, created_before);
  remove.Exec();
}

void PutSnapshot(sql::Connection& db, const TdSnapshot& snapshot) {
  sql::Statement upsert(db,
                        "INSERT INTO account_snapshots (account_id, sealed, taken_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (account_id) DO UPDATE SET sealed = excluded.sealed, taken_at = excluded.taken_at");
  upsert.Bind(1, snapshot.account_id);
  BindBlob(upsert, 2, snapshot.sealed);
  upsert.Bind(3, snapshot.taken_at);
  upsert.Exec();
}

std::vector<std::string> ListSnapshotAccounts(sql::Connection& db) {
  sql::Statement query(db, "SELECT account_id FROM account_snapshots");
  return ReadAll<std::string>(query, [](sql::Statement& row) { return row.Text(0); });
}

std::optional<TdSnapshot> FindSnapshot(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, "SELECT account_id, sealed, taken_at FROM account_snapshots WHERE account_id = ?");
  query.Bind(1, account_id);
  return One(query, [](sql::Statement& row) { return TdSnapshot{row.Text(0), row.Text(1), row.Int64(2)}; });
}

}  // namespace tgmux::store::sql_cluster
