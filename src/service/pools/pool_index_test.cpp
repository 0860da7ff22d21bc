// The pick: fewest sends today, then least recently used; blocks and limits.
#include "service/pools/pool_index.h"

#include <gtest/gtest.h>

namespace tgmux::service::pools {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

PoolIndex::Member Active(const std::string& id, std::int64_t sent, std::int64_t last_used, std::int64_t limit = 40) {
  PoolIndex::Member m;
  m.id = id;
  m.usable = true;
  m.sent_today = sent;
  m.last_used = last_used;
  m.limit_today = limit;
  return m;
}

std::string Picked(PoolIndex& index, std::int64_t now = kNow) {
  const auto* m = index.Pick(now);
  return m ? m->id : "";
}

TEST(PoolIndex, PicksFewestSendsThenLeastRecentlyUsed) {
  PoolIndex index;
  index.Put(Active("a", 3, kNow - 10), kNow);
  index.Put(Active("b", 1, kNow - 5), kNow);
  index.Put(Active("c", 1, kNow - 50), kNow);
  EXPECT_EQ(Picked(index), "c");
  index.Count("c", +1, kNow);
  EXPECT_EQ(Picked(index), "b");
  index.Count("b", +1, kNow);
  // b and c both sent 2 now; c was used at the same second but sorts by id then.
  EXPECT_EQ(Picked(index), "b");
  index.Count("b", -1, kNow);  // b's send failed: taken back
  EXPECT_EQ(Picked(index), "b");
  EXPECT_EQ(index.Available(kNow), 3u);
}

TEST(PoolIndex, AnAccountAtItsLimitWaitsForTheNextDay) {
  PoolIndex index;
  index.Put(Active("a", 0, 0, 2), kNow);
  index.Count("a", +1, kNow);
  EXPECT_EQ(Picked(index), "a");
  index.Count("a", +1, kNow);
  EXPECT_EQ(Picked(index), "");
  EXPECT_FALSE(index.IsAvailable("a", kNow));
  EXPECT_EQ(index.NextAvailableAt(kNow + 500), kNow + 500);
  index.Count("a", -1, kNow);  // a failure frees a place again
  EXPECT_EQ(Picked(index), "a");
}

TEST(PoolIndex, BlockedAccountsComeBackWhenTheirBlockEnds) {
  PoolIndex index;
  auto flood = Active("f", 0, 0);
  flood.blocked_until = kNow + 30;
  index.Put(flood, kNow);
  index.Put(Active("busy", 10, kNow), kNow);
  EXPECT_EQ(Picked(index), "busy");
  EXPECT_EQ(index.NextAvailableAt(kNow + 1000), kNow + 30);
  EXPECT_EQ(Picked(index, kNow + 30), "f");
  EXPECT_EQ(index.Available(kNow + 30), 2u);
}

TEST(PoolIndex, UnusableAccountsAreNeverPickedAndHaveNoTime) {
  PoolIndex index;
  auto revoked = Active("r", 0, 0);
  revoked.usable = false;
  index.Put(revoked, kNow);
  EXPECT_EQ(Picked(index), "");
  EXPECT_EQ(index.NextAvailableAt(kNow + 1000), 0);
  index.Put(Active("r", 0, 0), kNow);  // it came back
  EXPECT_EQ(Picked(index), "r");
  index.Remove("r");
  EXPECT_EQ(Picked(index), "");
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace tgmux::service::pools
