#include "store/sql_cluster.h"

#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_cluster {
namespace {

ClusterNode ReadNode(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Int64(2), row.Int64(3), row.Int64(4), row.Int(5)};
}

AccountLease ReadLease(sql::Statement& row) { return {row.Text(0), row.Text(1), row.Int64(2), row.Int64(3)}; }

}  // namespace

void BeatNode(sql::Connection& db, const ClusterNode& node) {
  sql::Statement upsert(db,
                        "INSERT INTO cluster_nodes (id, url, started_at, heartbeat_at, expires_at, accounts) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
                        "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at, "
                        "accounts = excluded.accounts");
  sql::BindAll(upsert, node.id, node.url, node.started_at, node.heartbeat_at, node.expires_at, node.accounts);
  upsert.Exec();
}

std::vector<ClusterNode> ListNodes(sql::Connection& db) {
  sql::Statement query(db,
                       "SELECT id, url, started_at, heartbeat_at, expires_at, accounts FROM cluster_nodes "
                       "ORDER BY started_at, id");
  return ReadAll<ClusterNode>(query, ReadNode);
}

void RemoveNode(sql::Connection& db, std::string_view id) {
  sql::Statement remove(db, "DELETE FROM cluster_nodes WHERE id = ?");
  remove.Bind(1, id);
  remove.Exec();
}

std::vector<AccountLease> RenewLeases(sql::Connection& db, std::string_view node_id, std::int64_t expires_at) {
  sql::Statement renew(db,
                       "UPDATE account_leases SET expires_at = ? WHERE node_id = ? "
                       "RETURNING account_id, node_id, epoch, expires_at");
  sql::BindAll(renew, expires_at, node_id);
  return ReadAll<AccountLease>(renew, ReadLease);
}

std::optional<AccountLease> ClaimLease(sql::Connection& db, std::string_view account_id, std::string_view node_id,
                                       std::int64_t expired_before, std::int64_t expires_at) {
  // One statement: two nodes claiming at once cannot both win.
  sql::Statement claim(db,
                       "INSERT INTO account_leases (account_id, node_id, epoch, expires_at) VALUES (?, ?, 1, ?) "
                       "ON CONFLICT (account_id) DO UPDATE SET node_id = excluded.node_id, "
                       "epoch = account_leases.epoch + 1, expires_at = excluded.expires_at "
                       "WHERE account_leases.node_id = '' OR account_leases.expires_at < ? "
                       "RETURNING account_id, node_id, epoch, expires_at");
  sql::BindAll(claim, account_id, node_id, expires_at, expired_before);
  return One(claim, ReadLease);
}

bool ReleaseLease(sql::Connection& db, std::string_view account_id, std::string_view node_id, std::int64_t epoch) {
  sql::Statement release(db,
                         "UPDATE account_leases SET node_id = '', expires_at = 0 "
                         "WHERE account_id = ? AND node_id = ? AND epoch = ?");
  sql::BindAll(release, account_id, node_id, epoch);
  return release.Exec() > 0;
}

std::vector<AccountLease> ListLeases(sql::Connection& db) {
  sql::Statement query(db, "SELECT account_id, node_id, epoch, expires_at FROM account_leases ORDER BY account_id");
  return ReadAll<AccountLease>(query, ReadLease);
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

std::optional<TdSnapshot> FindSnapshot(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, "SELECT account_id, sealed, taken_at FROM account_snapshots WHERE account_id = ?");
  query.Bind(1, account_id);
  return One(query, [](sql::Statement& row) { return TdSnapshot{row.Text(0), row.Text(1), row.Int64(2)}; });
}

}  // namespace tgmux::store::sql_cluster
