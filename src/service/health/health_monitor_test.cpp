// The health monitor's plan for a round (checks spread over the interval, in
// small batches, jittered within ±20%) and when a limit runs out, on an
// injected clock.
#include "service/health/health_monitor.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(HealthMonitorPlan, TenThousandAccountsAreSpreadOverTheInterval) {
  auto plan = PlanChecks(10000, seconds(60), 0.0);
  EXPECT_EQ(plan.round, seconds(60));
  // Every account once in the round, in batches no larger than needed.
  const auto ticks = plan.round / plan.tick;
  EXPECT_GE(static_cast<std::size_t>(ticks) * plan.per_tick, 10000u);
  EXPECT_LE(plan.per_tick, 20u) << "not all at once";
  EXPECT_GE(plan.tick, milliseconds(100));
}

TEST(HealthMonitorPlan, JitterStaysWithinTwentyPercent) {
  EXPECT_EQ(PlanChecks(10, seconds(60), 1.0).round, seconds(72));
  EXPECT_EQ(PlanChecks(10, seconds(60), -1.0).round, seconds(48));
  EXPECT_EQ(PlanChecks(10, seconds(60), 7.0).round, seconds(72)) << "clamped";
}

TEST(HealthMonitorPlan, FewAccountsAreCheckedOneByOneAcrossTheRound) {
  auto plan = PlanChecks(3, seconds(60), 0.0);
  EXPECT_EQ(plan.per_tick, 1u);
  EXPECT_EQ(plan.tick, seconds(20));
  auto none = PlanChecks(0, seconds(60), 0.0);
  EXPECT_EQ(none.per_tick, 0u);
  EXPECT_EQ(none.tick, seconds(60));
}

TEST(HealthMonitorLimit, ALimitRunsOutAtItsTimeOnTheInjectedClock) {
  std::int64_t now = 1'700'000'000;
  HealthMonitor::UnixClock clock = [&now] { return now; };
  store::AccountHealth health;
  health.limited_until = now + 24 * 3600;  // TGMUX_LIMITED_HOURS=24
  EXPECT_FALSE(LimitOver(health, clock()));
  now += 24 * 3600 - 1;
  EXPECT_FALSE(LimitOver(health, clock()));
  now += 1;
  EXPECT_TRUE(LimitOver(health, clock()));
  health.limited_until = 0;  // not limited
  EXPECT_FALSE(LimitOver(health, clock()));
}

}  // namespace
}  // namespace tgmux::service
