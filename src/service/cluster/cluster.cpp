#include "service/cluster/cluster.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "common/time.h"
#include "crypto/random_id.h"
#include "service/cluster/td_snapshot.h"

namespace tgmux::service {

ClusterService::ClusterService(Infrastructure& infra, AccountService& accounts, Background& background)
    : infra_(infra),
      accounts_(accounts),
      background_(background),
      enabled_(!infra.config().node_url.empty()),
      node_id_(enabled_ ? crypto::RandomId("node") : ""),
      ttl_(std::chrono::seconds(infra.config().lease_ttl_seconds)),
      started_at_(UnixMillis()) {
  if (!enabled_) return;
  infra_.metrics().AddCollector([this](Metrics::Writer& w) {
    std::lock_guard lock(mutex_);
    w.Gauge("tgmux_cluster_accounts_held", "Accounts this node runs under its leases", "",
            static_cast<double>(held_.size() - leaving_.size()));
    w.Counter("tgmux_cluster_lease_lapses_total",
              "Times this node could not renew its leases in time and stopped its accounts", "",
              static_cast<double>(lapses_));
  });
  accounts_.AddObserver(this);
  accounts_.SetPlacement([this](const std::string& account_id) { return MayRun(account_id); });
}

ClusterService::~ClusterService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClusterService::Start() {
  if (!enabled_) return;
  cluster_key_ = LoadOrCreateMetaKey(infra_.store(), infra_.envelope(), "cluster_key", "cluster key");
  spdlog::info("cluster: node {} at {} joins (lease TTL {} s)", node_id_, infra_.config().node_url,
               ttl_.count() / 1000);
  Beat();
  thread_ = std::thread([this] { Loop(); });
}

void ClusterService::Loop() {
  const auto interval = ttl_ / 4;
  std::unique_lock lock(mutex_);
  auto next = Steady::now() + interval;
  while (!stopping_) {
    // Wakes for the next beat, or when the leases run out, whichever is first.
    auto until = valid_until_ ? std::min(next, *valid_until_) : next;
    wake_.wait_until(lock, until, [&] { return stopping_; });
    if (stopping_) break;
    // First thing after any wake-up (a pause included): leases past their time.
    if (valid_until_ && Steady::now() >= *valid_until_) {
      lock.unlock();
      Lapse();
      lock.lock();
    }
    if (Steady::now() < next) continue;
    next = Steady::now() + interval;
    lock.unlock();
    Beat();
    lock.lock();
  }
}

void ClusterService::Lapse() {
  std::map<std::string, std::int64_t> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
    leaving_.clear();
    valid_until_.reset();
    if (!held.empty()) ++lapses_;
  }
  if (held.empty()) return LapseWork();
  spdlog::warn("cluster: node {} could not renew its leases in time; its {} account(s) stop here and run where "
               "their leases go",
               node_id_, held.size());
  for (const auto& [account_id, epoch] : held) Gone(account_id);
  LapseWork();
}

void ClusterService::Gone(const std::string& account_id) {
  accounts_.Close(account_id, nullptr);
  if (hooks_.gone) hooks_.gone(account_id);
}

void ClusterService::Beat() {
  std::lock_guard beating(beat_mutex_);
  auto& store = infra_.store();
  const auto sent = Steady::now();
  const std::int64_t now_ms = UnixMillis();
  const std::int64_t expires_at = now_ms + ttl_.count();
  std::vector<store::Lease> renewed, renewed_work;
  try {
    std::size_t count = Held();
    store.BeatNode({node_id_, infra_.config().node_url, started_at_, now_ms, expires_at, static_cast<int>(count),
                    Load()});
    renewed = store.RenewLeases(store::LeaseKind::kAccount, node_id_, expires_at);
    renewed_work = store.RenewLeases(store::LeaseKind::kWork, node_id_, expires_at);
  } catch (const store::StoreError& e) {
    std::lock_guard lock(mutex_);
    if (!store_away_) spdlog::error("cluster: node {} cannot beat: {}", node_id_, e.what());
    store_away_ = true;
    return;
  }
  std::vector<std::string> lost, found;
  std::size_t held = 0;
  {
    std::lock_guard lock(mutex_);
    if (store_away_) spdlog::info("cluster: node {} beats again", node_id_);
    store_away_ = false;
    std::map<std::string, std::int64_t> now_held;
    for (const auto& lease : renewed) now_held[lease.subject] = lease.epoch;
    for (const auto& [account_id, epoch] : held_) {
      auto it = now_held.find(account_id);
      if (it == now_held.end() || it->second != epoch) lost.push_back(account_id);
    }
    for (const auto& [account_id, epoch] : now_held) {
      if (!held_.count(account_id)) found.push_back(account_id);
    }
    held_ = std::move(now_held);
    for (const auto& account_id : lost) leaving_.erase(account_id);
    held = held_.size() - leaving_.size();
  }
  for (const auto& account_id : lost) {
    spdlog::warn("cluster: account {} is no longer this node's; its client stops here", account_id);
    Gone(account_id);
  }
  const auto work_here = RenewWork(renewed_work);
  // Only now, with the clients of lost leases closing (close passes a fence),
  // may requests go again: the store holds the other leases until at least
  // the renewal's sending plus the TTL.
  infra_.hub().SetFence(sent + ttl_);
  {
    std::lock_guard lock(mutex_);
    valid_until_ = sent + ttl_;
  }
  // Ours in the store but not running here (after a lapse): run them again.
  for (const auto& account_id : found) Launch(account_id);
  for (const auto& subject : work_here) RunWork(subject);  // starts only what does not run here yet
  if (hooks_.beat) {
    std::set<std::string> ids;
    for (const auto& lease : renewed) ids.insert(lease.subject);
    try {
      hooks_.beat(ids);
    } catch (const std::exception& e) {
      spdlog::warn("cluster: node {}: after its beat: {}", node_id_, e.what());
    }
  }
  try {
    // One look at the nodes and the leases serves both.
    const auto nodes = store.ListNodes();
    const auto leases = store.ListLeases(store::LeaseKind::kAccount);
    std::size_t live = 0;
    std::size_t fewest_elsewhere = std::numeric_limits<std::size_t>::max();
    const std::int64_t forget_before = now_ms - std::max<std::int64_t>(60000, 10 * ttl_.count());
    for (const auto& node : nodes) {
      if (node.expires_at > now_ms || node.id == node_id_) ++live;
      if (node.expires_at > now_ms && node.id != node_id_) {
        fewest_elsewhere = std::min(fewest_elsewhere, static_cast<std::size_t>(std::max(node.accounts, 0)));
      }
      if (node.expires_at < forget_before) store.RemoveNode(node.id);  // long gone
    }
    Balance(live, fewest_elsewhere, leases, now_ms, expires_at, held);
    BalanceWork(live, now_ms, expires_at);
    RefreshOwners(nodes, leases, now_ms);
  } catch (const store::StoreError& e) {
    spdlog::warn("cluster: node {} could not balance its accounts: {}", node_id_, e.what());
  }
}

void ClusterService::RefreshOwners(const std::vector<store::ClusterNode>& nodes,
                                   const std::vector<store::Lease>& leases, std::int64_t now_ms) {
  std::map<std::string, std::string> urls;  // live nodes but this one
  for (const auto& node : nodes) {
    if (node.expires_at > now_ms && node.id != node_id_) urls[node.id] = node.url;
  }
  std::map<std::string, std::string> owners;
  for (const auto& lease : leases) {
    auto url = urls.find(lease.node_id);
    if (url != urls.end() && lease.expires_at > now_ms) owners[lease.subject] = url->second;
  }
  std::lock_guard lock(owners_mutex_);
  owners_.swap(owners);
}

std::optional<std::string> ClusterService::OwnerUrl(const std::string& account_id) {
  if (!enabled_ || MayRun(account_id)) return std::nullopt;
  std::lock_guard lock(owners_mutex_);
  auto it = owners_.find(account_id);
  if (it == owners_.end()) return std::nullopt;
  return it->second;
}

void ClusterService::Balance(std::size_t nodes, std::size_t fewest_elsewhere, const std::vector<store::Lease>& all_leases,
                             std::int64_t now_ms, std::int64_t expires_at, std::size_t held) {
  auto& store = infra_.store();
  std::vector<std::string> runnable;
  for (const auto& account : store.ListAccounts()) {
    if (AccountService::Runnable(account)) runnable.push_back(account.id);
  }
  const std::size_t fair = (runnable.size() + nodes - 1) / std::max<std::size_t>(nodes, 1);
  const std::size_t floor = runnable.size() / std::max<std::size_t>(nodes, 1);
  // Another node runs fewer than the share rounded down (it joined while the
  // others held the share rounded up): one goes back for it.
  const std::size_t extra = held > fair ? held - fair : held > floor && fewest_elsewhere < floor ? 1 : 0;
  if (extra > 0) {
    // A node joined (or accounts left): the extra ones go back for the others to take.
    std::vector<std::string> give;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [account_id, epoch] : held_) {
        if (give.size() == extra) break;
        if (!leaving_.count(account_id)) give.push_back(account_id);
      }
    }
    for (const auto& account_id : give) HandOver(account_id, nullptr);
    return;
  }
  if (held == fair) return;
  std::map<std::string, const store::Lease*> leases;
  for (const auto& lease : all_leases) leases[lease.subject] = &lease;
  std::size_t wanted = fair - held;
  std::set<std::string> snapshots;  // read once, only when there is something to take
  bool snapshots_read = false;
  for (const auto& account_id : runnable) {
    if (wanted == 0) break;
    auto it = leases.find(account_id);
    if (it != leases.end() && !it->second->node_id.empty() && it->second->expires_at + margin_ms() >= now_ms) continue;
    // Only an account whose session can be had here: its snapshot, or its directory on this node's disk.
    if (!HasLocalSession(account_id)) {
      if (!snapshots_read) {
        for (auto& id : store.ListSnapshotAccounts()) snapshots.insert(std::move(id));
        snapshots_read = true;
      }
      if (!snapshots.count(account_id)) continue;
    }
    auto lease = store.ClaimLease(store::LeaseKind::kAccount, account_id, node_id_, now_ms - margin_ms(), expires_at);
    if (!lease) continue;
    {
      std::lock_guard lock(mutex_);
      held_[account_id] = lease->epoch;
    }
    --wanted;
    spdlog::info("cluster: account {} runs on node {} (lease epoch {})", account_id, node_id_, lease->epoch);
    Launch(account_id);
  }
}

void ClusterService::Launch(const std::string& account_id) {
  // After any client of it here has let go of the directory (a lapse's close may still run).
  accounts_.Close(account_id, [this, account_id] {
    background_.Post([this, account_id] {
      try {
        if (!Restore(account_id)) Snapshot(account_id);
        if (hooks_.taken) hooks_.taken(account_id);
      } catch (const std::exception& e) {
        spdlog::error("cluster: account {} cannot start here: {}", account_id, e.what());
        return;
      }
      accounts_.Resume(account_id);
    });
  });
}

void ClusterService::HandOver(const std::string& account_id, std::function<void()> done) {
  std::int64_t epoch = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(account_id);
    if (it == held_.end() || !leaving_.insert(account_id).second) {
      if (done) done();
      return;
    }
    epoch = it->second;
  }
  accounts_.Close(account_id, [this, account_id, epoch, done = std::move(done)] {
    background_.Post([this, account_id, epoch, done] {
      try {
        Snapshot(account_id);
        if (hooks_.gone) hooks_.gone(account_id);
        infra_.store().ReleaseLease(store::LeaseKind::kAccount, account_id, node_id_, epoch);
        spdlog::info("cluster: account {} handed over by node {}", account_id, node_id_);
      } catch (const std::exception& e) {
        // The lease then expires: the next node restores the last snapshot.
        spdlog::warn("cluster: account {} could not be handed over cleanly: {}", account_id, e.what());
      }
      {
        std::lock_guard lock(mutex_);
        leaving_.erase(account_id);
        held_.erase(account_id);
      }
      if (done) done();
    });
  });
}

void ClusterService::Snapshot(const std::string& account_id) {
  auto row = infra_.store().FindAccount(account_id);
  if (!row) return;
  auto packed = cluster::PackTdDirectory(accounts_.TdDirectory(account_id));
  if (packed.empty()) return;
  const auto& envelope = infra_.envelope();
  auto data_key = envelope.UnwrapDataKey(row->wrapped_data_key, account_id);
  infra_.store().PutSnapshot({account_id, envelope.Encrypt(data_key, account_id, "td_snapshot", packed), UnixMillis()});
}

bool ClusterService::Restore(const std::string& account_id) {
  auto snapshot = infra_.store().FindSnapshot(account_id);
  auto row = infra_.store().FindAccount(account_id);
  if (!snapshot || !row) return false;
  const auto& envelope = infra_.envelope();
  auto data_key = envelope.UnwrapDataKey(row->wrapped_data_key, account_id);
  cluster::UnpackTdDirectory(envelope.Decrypt(data_key, account_id, "td_snapshot", snapshot->sealed),
                             accounts_.TdDirectory(account_id));
  return true;
}

bool ClusterService::HasLocalSession(const std::string& account_id) const {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(accounts_.TdDirectory(account_id), ec)) {
    if (entry.is_regular_file()) return true;
  }
  return false;
}

bool ClusterService::MayRun(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  return held_.count(account_id) && !leaving_.count(account_id) && valid_until_ && Steady::now() < *valid_until_;
}

void ClusterService::OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) {
  if (previous) return;
  // Linked here: its lease, then close, snapshot and reopen, so that another
  // node can run it from the snapshot when this one is gone.
  background_.Post([this, account_id = account.id] {
    std::lock_guard beating(beat_mutex_);  // a beat's renewal must see it held, or not yet
    const std::int64_t now_ms = UnixMillis();
    std::optional<store::Lease> lease;
    try {
      lease = infra_.store().ClaimLease(store::LeaseKind::kAccount, account_id, node_id_, now_ms - margin_ms(), now_ms + ttl_.count());
    } catch (const store::StoreError& e) {
      spdlog::warn("cluster: account {}: its lease could not be taken: {}", account_id, e.what());
    }
    if (!lease) {
      accounts_.Close(account_id, nullptr);  // another node runs it
      return;
    }
    {
      std::lock_guard lock(mutex_);
      held_[account_id] = lease->epoch;
    }
    Launch(account_id);  // closes the client first: close, snapshot, reopen
  });
}

std::string ClusterService::Load() {
  // The process: resident memory, and the share of one core it used since the last beat.
  long pages = 0, resident = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const auto now = Steady::now();
  double busy = 0;
  if (last_load_at_ && now > *last_load_at_) {
    busy = (cpu - last_cpu_seconds_) / std::chrono::duration<double>(now - *last_load_at_).count();
  }
  last_load_at_ = now;
  last_cpu_seconds_ = cpu;
  nlohmann::json load = {{"rss_bytes", static_cast<std::int64_t>(resident) * ::sysconf(_SC_PAGESIZE)},
                         {"cpu_percent", std::round(busy * 1000) / 10}};
  std::map<std::string, int> work;
  for (const auto& kind : work_) work[kind.kind] = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [subject, epoch] : work_held_) {
      if (const Work* kind = WorkOf(subject, nullptr); kind && !work_leaving_.count(subject)) ++work[kind->kind];
    }
  }
  for (const auto& [kind, count] : work) load[kind + "s"] = count;
  return load.dump();
}

std::size_t ClusterService::Held() {
  std::lock_guard lock(mutex_);
  return held_.size() - leaving_.size();
}

std::vector<ClusterService::NodeView> ClusterService::Nodes() {
  std::vector<NodeView> out;
  const std::int64_t now_ms = UnixMillis();
  for (auto& node : infra_.store().ListNodes()) {
    NodeView view;
    view.alive = node.expires_at > now_ms;
    view.self = node.id == node_id_;
    view.node = std::move(node);
    out.push_back(std::move(view));
  }
  return out;
}

void ClusterService::Shutdown(std::chrono::milliseconds deadline) {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<std::string> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [account_id, epoch] : held_) held.push_back(account_id);
  }
  const auto work = HeldWork();
  auto left = std::make_shared<std::atomic<std::size_t>>(held.size() + work.size());
  auto accounts_left = std::make_shared<std::atomic<std::size_t>>(held.size());
  auto one_done = [this, left] {
    if (left->fetch_sub(1) == 1) {
      std::lock_guard lock(mutex_);
      wake_.notify_all();
    }
  };
  for (const auto& account_id : held) {
    HandOver(account_id, [accounts_left, one_done] {
      accounts_left->fetch_sub(1);
      one_done();
    });
  }
  for (const auto& subject : work) HandOverWork(subject, one_done);
  {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, deadline, [&] { return left->load() == 0; });
  }
  try {
    infra_.store().RemoveNode(node_id_);
  } catch (const store::StoreError& e) {
    spdlog::warn("cluster: node {} could not remove its row: {}", node_id_, e.what());
  }
  spdlog::info("cluster: node {} left ({} of {} account(s) handed over, {} of {} other work)", node_id_,
               held.size() - accounts_left->load(), held.size(), work.size() - (left->load() - accounts_left->load()),
               work.size());
}

}  // namespace tgmux::service
