// Several nodes on one PostgreSQL (docs/cluster.md). With TGMUX_NODE_URL set,
// this node registers itself and beats every TGMUX_LEASE_TTL/4; each account
// runs on the one node that holds its lease in the store:
// - a node takes free, given-back or expired leases up to its fair share
//   (accounts / live nodes, rounded up) and gives leases beyond it back, so a
//   joining node gets its part;
// - an expired lease is taken only after TTL plus a safety margin, and its
//   epoch grows: the fence between an old and a new holder;
// - a node that cannot renew in time stops using every account at once: the
//   client hub refuses requests past the last renewal plus the TTL (the
//   first instant after a pause included), and the clients close;
// - a node runs an account from the sealed snapshot of its TDLib directory
//   kept in the store, taken from a closed client after the login (close,
//   snapshot, reopen) and whenever the node hands the account over.
// Without TGMUX_NODE_URL nothing here runs: one node runs every account.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/cluster/forward_signature.h"
#include "service/infrastructure.h"

namespace tgmux::service {

class ClusterService : public AccountObserver {
 public:
  ClusterService(Infrastructure& infra, AccountService& accounts, Background& background);
  ~ClusterService() override;

  bool enabled() const { return enabled_; }

  // What else follows the leases (the outbox): `taken` before the account's
  // client starts here, `gone` once it runs elsewhere, `beat` with the
  // accounts held after each beat. Only before Start.
  struct Hooks {
    std::function<void(const std::string& account_id)> taken;
    std::function<void(const std::string& account_id)> gone;
    std::function<void(const std::set<std::string>& account_ids)> beat;
  };
  void SetHooks(Hooks hooks) { hooks_ = std::move(hooks); }

  // Other work that one node runs at a time under a lease of its own
  // (webhooks' deliveries, cluster_work.cpp): spread over the nodes like the
  // accounts, moved when its node dies or pauses past the TTL, handed over at
  // a graceful stop. Only before Start.
  struct Work {
    std::string kind;                                  // "webhook": leases "webhook:<id>"
    std::function<std::vector<std::string>()> wanted;  // the ids that should run somewhere now
    std::function<void(const std::string& id)> run;    // runs it here: this node holds its lease
    // Stops it here, then `done`. `hand_over`: the lease is given back next,
    // so its state is stored first; otherwise the lease is lost already and
    // nothing of it may be written.
    std::function<void(const std::string& id, bool hand_over, std::function<void()> done)> halt;
  };
  void AddWork(Work work);
  // Whether this node holds the lease of that work now (checked before each act on it).
  bool Holds(const std::string& kind, const std::string& id);
  // Work just created here is claimed at once when nobody holds it (else a beat spreads it).
  void Offer(const std::string& kind, const std::string& id);
  const std::string& node_id() const { return node_id_; }

  // Joins: the first beat, then the beat thread. After AccountService::RestoreAll.
  void Start();
  // Leaves: every account handed over (client closed, snapshot stored, lease
  // given back, each within `deadline`), then the node's row removed.
  void Shutdown(std::chrono::milliseconds deadline);

  // Where a request for the account goes instead (as of this node's last
  // beat): the address of the live node that runs it, when that is another
  // node; nullopt to answer here.
  std::optional<std::string> OwnerUrl(const std::string& account_id);
  // Forwarded requests (forward_signature.h): the key every node signs with,
  // and the check of what arrives. After Start.
  const crypto::SecretKey& cluster_key() const { return cluster_key_; }
  cluster::ForwardVerifier& verifier() { return verifier_; }

  // A send's file spooled on the node at `node_url` (a sealed file, useless
  // without the key in the entry): fetched into `into`, or dropped there once
  // the send ended (spool_transfer.cpp). Signed like forwarded requests; false
  // when the node does not answer or has no such file.
  bool FetchSpooled(const std::string& node_url, const std::string& name, const std::filesystem::path& into);
  void DropSpooled(const std::string& node_url, const std::string& name);
  // The target of one spooled file at a node (GET and DELETE).
  static std::string SpoolTarget(const std::string& name) { return "/v1/cluster/spool/" + name; }

  struct NodeView {
    store::ClusterNode node;
    bool alive = false;
    bool self = false;
  };
  std::vector<NodeView> Nodes();
  // The accounts this node runs now.
  std::size_t Held();
  // What the node's row shows besides its accounts (JSON): its other work by
  // kind ("webhooks", "bots"), its resident memory and CPU. At each beat.
  std::string Load();

  // A new account linked on this node takes its lease here.
  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;

 private:
  using Steady = std::chrono::steady_clock;
  void Loop();
  void Beat();
  // Which node runs which account, for OwnerUrl.
  void RefreshOwners(const std::vector<store::ClusterNode>& nodes, const std::vector<store::Lease>& leases,
                     std::int64_t now_ms);
  // Claims leases up to the fair share, or gives back beyond it, or one
  // when another live node runs fewer than the share rounded down
  // (`fewest_elsewhere`, as of the nodes' last beats).
  void Balance(std::size_t live_nodes, std::size_t fewest_elsewhere, const std::vector<store::Lease>& leases,
               std::int64_t now_ms, std::int64_t expires_at, std::size_t held);
  // No renewal in time: the leases may be another node's by now.
  void Lapse();
  // The account runs elsewhere now: its client closes, the hooks hear it.
  void Gone(const std::string& account_id);
  // Runs the account under a lease just taken: its snapshot restored, then its client.
  void Launch(const std::string& account_id);
  // Closes the client, stores its snapshot and gives the lease back.
  void HandOver(const std::string& account_id, std::function<void()> done);
  void Snapshot(const std::string& account_id);
  // The account's snapshot into its TDLib directory; false when there is
  // none (then one is taken from a directory this node already has).
  bool Restore(const std::string& account_id);
  bool HasLocalSession(const std::string& account_id) const;
  bool MayRun(const std::string& account_id);
  // The work's side of a beat (cluster_work.cpp): its renewed leases (lost
  // work stops; the answer is what should run here), what lapsed, the fair
  // share of each kind; and of a graceful stop.
  std::vector<std::string> RenewWork(const std::vector<store::Lease>& renewed);
  void LapseWork();
  void BalanceWork(std::size_t live_nodes, std::int64_t now_ms, std::int64_t expires_at);
  void HandOverWork(const std::string& subject, std::function<void()> done);
  void RunWork(const std::string& subject);
  void HaltWork(const std::string& subject, bool hand_over, std::function<void()> done);
  const Work* WorkOf(const std::string& subject, std::string* id) const;
  std::vector<std::string> HeldWork();
  std::int64_t margin_ms() const { return std::max<std::int64_t>(1000, ttl_.count() / 5); }

  Infrastructure& infra_;
  AccountService& accounts_;
  Background& background_;
  const bool enabled_;
  const std::string node_id_;
  const std::chrono::milliseconds ttl_;
  const std::int64_t started_at_;

  std::mutex beat_mutex_;  // one beat, or one claim of a new account, at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::int64_t> held_;  // account -> epoch of its lease
  std::set<std::string> leaving_;             // being handed over
  std::vector<Work> work_;
  std::map<std::string, std::int64_t> work_held_;  // work subject -> epoch of its lease
  std::set<std::string> work_leaving_;            // being handed over
  std::optional<Steady::time_point> valid_until_;  // the leases are ours until then
  bool store_away_ = false;                   // the last beat failed (logged once)
  std::uint64_t lapses_ = 0;
  std::optional<Steady::time_point> last_load_at_;  // the beat thread's
  double last_cpu_seconds_ = 0;
  Hooks hooks_;
  crypto::SecretKey cluster_key_;
  cluster::ForwardVerifier verifier_;
  std::mutex owners_mutex_;
  std::map<std::string, std::string> owners_;  // account -> address of the other live node that runs it
  std::thread thread_;
};

}  // namespace tgmux::service
