#include "service/pools/pool_index.h"

#include <algorithm>

namespace tgmux::service::pools {
namespace {

bool Full(const PoolIndex::Member& m) { return m.sent_today >= m.limit_today; }

}  // namespace

void PoolIndex::Unfile(const Member& m) {
  if (!ready_.erase(ReadyKeyOf(m)) && !waiting_.erase({m.blocked_until, m.id}) && m.usable && Full(m)) --full_;
}

void PoolIndex::File(const Member& m, std::int64_t now) {
  if (!m.usable) return;
  if (Full(m)) {
    ++full_;
  } else if (m.blocked_until > now) {
    waiting_.emplace(m.blocked_until, m.id);
  } else {
    ready_.insert(ReadyKeyOf(m));
  }
}

void PoolIndex::Put(Member member, std::int64_t now) {
  auto it = members_.find(member.id);
  if (it != members_.end()) {
    Unfile(it->second);
    it->second = std::move(member);
  } else {
    it = members_.emplace(member.id, std::move(member)).first;
  }
  File(it->second, now);
}

void PoolIndex::Remove(const std::string& id) {
  auto it = members_.find(id);
  if (it == members_.end()) return;
  Unfile(it->second);
  members_.erase(it);
}

const PoolIndex::Member* PoolIndex::Find(const std::string& id) const {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

void PoolIndex::Wake(std::int64_t now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const Member& m = members_.at(waiting_.begin()->second);
    waiting_.erase(waiting_.begin());
    ready_.insert(ReadyKeyOf(m));
  }
}

const PoolIndex::Member* PoolIndex::Pick(std::int64_t now) {
  Wake(now);
  if (ready_.empty()) return nullptr;
  return &members_.at(std::get<2>(*ready_.begin()));
}

const PoolIndex::Member* PoolIndex::PickOther(std::int64_t now, const std::string& excluded) {
  Wake(now);
  for (const auto& key : ready_) {
    if (std::get<2>(key) != excluded) return &members_.at(std::get<2>(key));
  }
  return nullptr;
}

void PoolIndex::Count(const std::string& id, int delta, std::int64_t now) {
  auto it = members_.find(id);
  if (it == members_.end()) return;
  Unfile(it->second);
  it->second.sent_today = std::max<std::int64_t>(0, it->second.sent_today + delta);
  if (delta > 0) it->second.last_used = now;
  File(it->second, now);
}

std::size_t PoolIndex::Available(std::int64_t now) {
  Wake(now);
  return ready_.size();
}

std::int64_t PoolIndex::NextAvailableAt(std::int64_t next_day) const {
  std::int64_t at = waiting_.empty() ? 0 : waiting_.begin()->first;
  if (full_ > 0 && (at == 0 || next_day < at)) at = next_day;
  return at;
}

bool PoolIndex::IsAvailable(const std::string& id, std::int64_t now) const {
  const Member* m = Find(id);
  return m != nullptr && m->usable && !Full(*m) && m->blocked_until <= now;
}

}  // namespace tgmux::service::pools
