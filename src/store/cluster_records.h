// Several nodes on one PostgreSQL (docs/cluster.md): the nodes, the lease
// under which each account runs on exactly one of them, and the sealed
// snapshot of each account's TDLib directory that a node restores when it
// takes the account over. Times are the writing node's clock, in unix
// milliseconds.
#pragma once

#include <cstdint>
#include <string>

#include "store/states.h"

namespace tgmux::store {

struct ClusterNode {
  std::string id;                 // "node_" + random, new at every start
  std::string url;                // TGMUX_NODE_URL: where the other nodes reach it
  std::int64_t started_at = 0;
  std::int64_t heartbeat_at = 0;
  std::int64_t expires_at = 0;    // alive until then unless it beats again
  int accounts = 0;               // accounts it runs, as of its last beat
  std::string load = "{}";        // JSON: its other work and how busy it is, as of its last beat
};

// The two tables of leases: an account runs on one node at a time
// (account_leases, one row per account, removed with it); other work does
// too (work_leases, subjects such as "webhook:<id>", removed by the nodes once
// the work is gone).
enum class LeaseKind { kAccount, kWork };

// `subject` (an account id, or a work subject) runs on `node_id` until
// `expires_at`; `epoch` grows by one every time the lease changes hands (the
// fence: a node acts only under the epoch it claimed). node_id "" is a lease
// given back.
struct Lease {
  std::string subject;
  std::string node_id;
  std::int64_t epoch = 0;
  std::int64_t expires_at = 0;
};

// A login in progress belongs to the node that started it (its TDLib client
// runs there): the other nodes send its requests there, and answer it failed
// once that node is gone. Times in unix seconds.
struct ClusterLogin {
  std::string id;
  std::string node_id;
  std::string tenant_id;
  LoginMethod method = LoginMethod::kPhone;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// A sealed copy of an account's TDLib directory, taken from a closed client.
struct TdSnapshot {
  std::string account_id;
  std::string sealed;             // Envelope::Encrypt(purpose "td_snapshot")
  std::int64_t taken_at = 0;
};

}  // namespace tgmux::store
