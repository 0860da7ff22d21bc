#include "telegram/pending_requests.h"

namespace tgmux::telegram {

std::uint64_t PendingRequests::Add(int client_id, ResultHandler done, Clock::time_point now,
                                   std::chrono::milliseconds budget) {
  std::uint64_t extra = next_extra_++;
  auto deadline = now + budget;
  entries_.emplace(extra, Entry{client_id, std::move(done), deadline, budget});
  deadlines_.emplace(deadline, extra);
  return extra;
}

std::optional<ResultHandler> PendingRequests::Take(std::uint64_t extra) {
  auto entry = entries_.find(extra);
  if (entry == entries_.end()) return std::nullopt;
  ResultHandler done = std::move(entry->second.done);
  deadlines_.erase({entry->second.deadline, extra});
  entries_.erase(entry);
  return done;
}

std::optional<PendingRequests::Expired> PendingRequests::TakeExpired(Clock::time_point now) {
  if (deadlines_.empty() || deadlines_.begin()->first > now) return std::nullopt;
  std::uint64_t extra = deadlines_.begin()->second;
  deadlines_.erase(deadlines_.begin());
  auto entry = entries_.find(extra);
  Expired expired{extra, entry->second.client_id, std::move(entry->second.done), entry->second.budget};
  entries_.erase(entry);
  return expired;
}

std::vector<ResultHandler> PendingRequests::TakeClient(int client_id) {
  std::vector<ResultHandler> taken;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.client_id != client_id) {
      ++it;
      continue;
    }
    taken.push_back(std::move(it->second.done));
    deadlines_.erase({it->second.deadline, it->first});
    it = entries_.erase(it);
  }
  return taken;
}

std::vector<ResultHandler> PendingRequests::TakeAll() {
  std::vector<ResultHandler> taken;
  taken.reserve(entries_.size());
  for (auto& [extra, entry] : entries_) taken.push_back(std::move(entry.done));
  entries_.clear();
  deadlines_.clear();
  return taken;
}

std::optional<PendingRequests::Clock::time_point> PendingRequests::NextDeadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

}  // namespace tgmux::telegram
