// The choice of the account that sends next for a pool, kept in memory so
// that a pick never scans the pool: the available accounts ordered by sends
// today then last use, the ones blocked for a while ordered by when that
// ends, and the ones at their day's limit set aside until the next day.
// Not thread-safe: its owner (PoolService) locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace tgmux::service::pools {

class PoolIndex {
 public:
  struct Member {
    std::string id;
    bool usable = false;             // its status lets it send (active, or a flood wait that ends)
    std::int64_t blocked_until = 0;  // unix seconds: a flood wait or Telegram's spam limit
    std::int64_t sent_today = 0;
    std::int64_t limit_today = 0;
    std::int64_t last_used = 0;      // unix seconds of its latest send (0: never)
  };

  // Inserts or replaces a member as it is at `now`.
  void Put(Member member, std::int64_t now);
  void Remove(const std::string& id);
  const Member* Find(const std::string& id) const;
  std::size_t size() const { return members_.size(); }

  // The available member with the fewest sends today, the least recently
  // used among equals (then by id); null when none is available at `now`.
  const Member* Pick(std::int64_t now);
  // The same, but never `excluded`.
  const Member* PickOther(std::int64_t now, const std::string& excluded);
  // A send was made (+1) or undone (-1: it failed) today.
  void Count(const std::string& id, int delta, std::int64_t now);
  // How many members are available at `now`.
  std::size_t Available(std::int64_t now);
  // When the earliest unavailable member becomes available: the end of a
  // block, or `next_day` for a member at its limit; 0 when none will by
  // itself (every other one is revoked, disabled, …).
  std::int64_t NextAvailableAt(std::int64_t next_day) const;
  // Whether the member may send at `now` (false for unknown ids).
  bool IsAvailable(const std::string& id, std::int64_t now) const;

 private:
  using ReadyKey = std::tuple<std::int64_t, std::int64_t, std::string>;  // sent today, last used, id
  using WaitKey = std::pair<std::int64_t, std::string>;                  // blocked until, id

  static ReadyKey ReadyKeyOf(const Member& m) { return {m.sent_today, m.last_used, m.id}; }
  void Unfile(const Member& m);
  void File(const Member& m, std::int64_t now);
  void Wake(std::int64_t now);  // blocks that ended by `now` move to ready

  std::unordered_map<std::string, Member> members_;
  std::set<ReadyKey> ready_;
  std::set<WaitKey> waiting_;
  std::size_t full_ = 0;  // members at their day's limit (usable, not blocked)
};

}  // namespace tgmux::service::pools
