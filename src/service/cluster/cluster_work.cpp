// Work other than accounts under leases of its own (cluster.h, Work): each
// subject ("webhook:<id>") runs on one node at a time. The same rules as the
// accounts' leases: renewed at each beat with the node's row, taken only when
// free, given back or expired past the safety margin, stopped at once when a
// renewal comes too late, spread to a fair share per kind, handed over at a
// graceful stop. No snapshot: the work's state is its row in the store,
// written by its `halt` before the lease is given back.
#include <spdlog/spdlog.h>

#include "common/time.h"
#include "service/cluster/cluster.h"

namespace tgmux::service {
namespace {

std::string SubjectOf(const std::string& kind, const std::string& id) { return kind + ":" + id; }

}  // namespace

void ClusterService::AddWork(Work work) { work_.push_back(std::move(work)); }

const ClusterService::Work* ClusterService::WorkOf(const std::string& subject, std::string* id) const {
  for (const auto& work : work_) {
    if (subject.size() > work.kind.size() && subject.compare(0, work.kind.size(), work.kind) == 0 &&
        subject[work.kind.size()] == ':') {
      if (id) *id = subject.substr(work.kind.size() + 1);
      return &work;
    }
  }
  return nullptr;
}

bool ClusterService::Holds(const std::string& kind, const std::string& id) {
  if (!enabled_) return true;
  const std::string subject = SubjectOf(kind, id);
  std::lock_guard lock(mutex_);
  return work_held_.count(subject) && !work_leaving_.count(subject) && valid_until_ && Steady::now() < *valid_until_;
}

std::vector<std::string> ClusterService::HeldWork() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [subject, epoch] : work_held_) out.push_back(subject);
  return out;
}

void ClusterService::RunWork(const std::string& subject) {
  std::string id;
  const Work* work = WorkOf(subject, &id);
  if (!work) return;
  try {
    work->run(id);
  } catch (const std::exception& e) {
    spdlog::warn("cluster: {} cannot start here yet (the next beat tries again): {}", subject, e.what());
  }
}

void ClusterService::HaltWork(const std::string& subject, bool hand_over, std::function<void()> done) {
  std::string id;
  const Work* work = WorkOf(subject, &id);
  if (!work) {
    if (done) done();
    return;
  }
  work->halt(id, hand_over, std::move(done));
}

std::vector<std::string> ClusterService::RenewWork(const std::vector<store::Lease>& renewed) {
  std::vector<std::string> lost, runs;
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::int64_t> now_held;
    for (const auto& lease : renewed) now_held[lease.subject] = lease.epoch;
    for (const auto& [subject, epoch] : work_held_) {
      auto it = now_held.find(subject);
      if (it == now_held.end() || it->second != epoch) lost.push_back(subject);
    }
    work_held_ = std::move(now_held);
    for (const auto& subject : lost) work_leaving_.erase(subject);
    for (const auto& [subject, epoch] : work_held_) {
      if (!work_leaving_.count(subject)) runs.push_back(subject);
    }
  }
  for (const auto& subject : lost) {
    spdlog::warn("cluster: {} is no longer this node's; it stops here", subject);
    HaltWork(subject, false, nullptr);
  }
  return runs;
}

void ClusterService::LapseWork() {
  std::map<std::string, std::int64_t> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(work_held_);
    work_leaving_.clear();
  }
  for (const auto& [subject, epoch] : held) HaltWork(subject, false, nullptr);
}

void ClusterService::BalanceWork(std::size_t live_nodes, std::int64_t now_ms, std::int64_t expires_at) {
  if (work_.empty()) return;
  auto& store = infra_.store();
  // The leases first: work created after this read has no lease yet, so a
  // lease whose work is missing from the later list is of work that is gone.
  std::map<std::string, store::Lease> leases;
  for (auto& lease : store.ListLeases(store::LeaseKind::kWork)) leases[lease.subject] = std::move(lease);
  std::set<std::string> wanted_all;
  for (const auto& work : work_) {
    std::vector<std::string> wanted;
    for (const auto& id : work.wanted()) wanted.push_back(SubjectOf(work.kind, id));
    wanted_all.insert(wanted.begin(), wanted.end());
    std::vector<std::string> mine;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [subject, epoch] : work_held_) {
        std::string id;
        if (WorkOf(subject, &id) == &work && !work_leaving_.count(subject)) mine.push_back(subject);
      }
    }
    const std::size_t fair = (wanted.size() + live_nodes - 1) / std::max<std::size_t>(live_nodes, 1);
    if (mine.size() > fair) {
      for (std::size_t i = fair; i < mine.size(); ++i) HandOverWork(mine[i], nullptr);
      continue;
    }
    std::size_t room = fair - mine.size();
    for (const auto& subject : wanted) {
      if (room == 0) break;
      auto it = leases.find(subject);
      if (it != leases.end() && !it->second.node_id.empty() && it->second.expires_at + margin_ms() >= now_ms) continue;
      auto lease = store.ClaimLease(store::LeaseKind::kWork, subject, node_id_, now_ms - margin_ms(), expires_at);
      if (!lease) continue;
      {
        std::lock_guard lock(mutex_);
        work_held_[subject] = lease->epoch;
      }
      --room;
      spdlog::info("cluster: {} runs on node {} (lease epoch {})", subject, node_id_, lease->epoch);
      RunWork(subject);
    }
  }
  // Work that is gone (a deleted or disabled webhook): its lease too; the
  // node that ran it stops at its next renewal.
  for (const auto& [subject, lease] : leases) {
    if (WorkOf(subject, nullptr) && !wanted_all.count(subject)) store.DropLease(store::LeaseKind::kWork, subject);
  }
}

void ClusterService::Offer(const std::string& kind, const std::string& id) {
  if (!enabled_) return;
  background_.Post([this, subject = SubjectOf(kind, id)] {
    std::lock_guard beating(beat_mutex_);  // a beat's renewal must see it held, or not yet
    const std::int64_t now_ms = UnixMillis();
    std::optional<store::Lease> lease;
    try {
      lease =
          infra_.store().ClaimLease(store::LeaseKind::kWork, subject, node_id_, now_ms - margin_ms(), now_ms + ttl_.count());
    } catch (const store::StoreError& e) {
      spdlog::warn("cluster: {}: its lease could not be taken (a beat spreads it): {}", subject, e.what());
    }
    if (!lease) {
      // Not this node's: whatever of it started here (a bot logged in by its creation) stops.
      return HaltWork(subject, false, nullptr);
    }
    {
      std::lock_guard lock(mutex_);
      work_held_[subject] = lease->epoch;
    }
    RunWork(subject);
  });
}

void ClusterService::HandOverWork(const std::string& subject, std::function<void()> done) {
  std::int64_t epoch = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = work_held_.find(subject);
    if (it == work_held_.end() || !work_leaving_.insert(subject).second) {
      if (done) done();
      return;
    }
    epoch = it->second;
  }
  HaltWork(subject, true, [this, subject, epoch, done = std::move(done)] {
    try {
      infra_.store().ReleaseLease(store::LeaseKind::kWork, subject, node_id_, epoch);
      spdlog::info("cluster: {} handed over by node {}", subject, node_id_);
    } catch (const store::StoreError& e) {
      spdlog::warn("cluster: {} could not be handed over cleanly (its lease expires): {}", subject, e.what());
    }
    {
      std::lock_guard lock(mutex_);
      work_leaving_.erase(subject);
      work_held_.erase(subject);
    }
    if (done) done();
  });
}

}  // namespace tgmux::service
