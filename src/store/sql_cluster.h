// Internal to store/: the SQL of the cluster's tables (cluster_records.h), as
// free functions over a connection the caller holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/cluster_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_cluster {

// Inserts the node or updates its beat, url and account count.
void BeatNode(sql::Connection& db, const ClusterNode& node);
// Every node, alive or not, oldest first.
std::vector<ClusterNode> ListNodes(sql::Connection& db);
void RemoveNode(sql::Connection& db, std::string_view id);

// Every lease of the kind the node holds, extended to `expires_at`.
std::vector<Lease> RenewLeases(sql::Connection& db, LeaseKind kind, std::string_view node_id, std::int64_t expires_at);
// Takes the subject's lease for the node when nobody holds it, it was given
// back, or it expired before `expired_before`; the lease taken (its epoch one
// more than the last), or nullopt when another node holds it.
std::optional<Lease> ClaimLease(sql::Connection& db, LeaseKind kind, std::string_view subject,
                                std::string_view node_id, std::int64_t expired_before, std::int64_t expires_at);
// Gives the lease back if the node still holds it under that epoch.
bool ReleaseLease(sql::Connection& db, LeaseKind kind, std::string_view subject, std::string_view node_id,
                  std::int64_t epoch);
std::vector<Lease> ListLeases(sql::Connection& db, LeaseKind kind);
void DropLease(sql::Connection& db, LeaseKind kind, std::string_view subject);

void PutLogin(sql::Connection& db, const ClusterLogin& login);
std::optional<ClusterLogin> FindLogin(sql::Connection& db, std::string_view id);
void DeleteLoginsBefore(sql::Connection& db, std::int64_t created_before);

void PutSnapshot(sql::Connection& db, const TdSnapshot& snapshot);
std::vector<std::string> ListSnapshotAccounts(sql::Connection& db);
std::optional<TdSnapshot> FindSnapshot(sql::Connection& db, std::string_view account_id);

}  // namespace tgmux::store::sql_cluster
