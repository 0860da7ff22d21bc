// A pool's days in its time zone and the warm-up schedule.
#include "service/pools/pool_calendar.h"

#include <gtest/gtest.h>

namespace tgmux::service::pools {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;
// 2026-03-28 12:00:00 UTC, the day before Europe/Berlin's clocks go forward.
constexpr std::int64_t kSaturdayNoon = 1774699200;

TEST(PoolCalendar, UtcDaysStartAtMidnight) {
  PoolDay day = DayIn("UTC", kSaturdayNoon);
  EXPECT_EQ(day.start, kSaturdayNoon - 12 * kHour);
  EXPECT_EQ(day.next, day.start + kDay);
  EXPECT_EQ(DayIn("UTC", day.next).number, day.number + 1);
  EXPECT_EQ(DayIn("UTC", day.next - 1).number, day.number);
}

TEST(PoolCalendar, DaysFollowTheZoneAndItsClockChanges) {
  // 12:00 UTC is 13:00 in Berlin (CET): its day began at 23:00 UTC the evening before.
  PoolDay saturday = DayIn("Europe/Berlin", kSaturdayNoon);
  EXPECT_EQ(saturday.start, kSaturdayNoon - 13 * kHour);
  EXPECT_EQ(saturday.next, saturday.start + kDay);
  // Sunday has 23 hours there: the clocks jump from 02:00 to 03:00.
  PoolDay sunday = DayIn("Europe/Berlin", saturday.next);
  EXPECT_EQ(sunday.number, saturday.number + 1);
  EXPECT_EQ(sunday.next - sunday.start, 23 * kHour);
  // Tokyo is a day ahead by 15:00 UTC.
  EXPECT_EQ(DayIn("Asia/Tokyo", kSaturdayNoon + 3 * kHour).number, DayIn("UTC", kSaturdayNoon).number + 1);
}

TEST(PoolCalendar, KnowsTheIanaNamesOnly) {
  EXPECT_TRUE(KnownTimezone("UTC"));
  EXPECT_TRUE(KnownTimezone("America/Argentina/Buenos_Aires"));
  EXPECT_FALSE(KnownTimezone("Mars/Olympus"));
  EXPECT_FALSE(KnownTimezone(""));
  EXPECT_FALSE(KnownTimezone("../../etc/passwd"));
  // An unknown zone reads as UTC rather than failing a pick.
  EXPECT_EQ(DayIn("Mars/Olympus", kSaturdayNoon).start, DayIn("UTC", kSaturdayNoon).start);
}

TEST(PoolCalendar, WarmupRisesEachDayToTheDailyLimit) {
  PoolSettings s;  // 40 a day, 7 days of warm-up starting at 5
  std::vector<int> limits;
  for (int day = 1; day <= 9; ++day) limits.push_back(LimitOnDay(s, day));
  EXPECT_EQ(limits, (std::vector<int>{5, 10, 15, 20, 25, 30, 35, 40, 40}));
  s.warmup_days = 0;
  EXPECT_EQ(LimitOnDay(s, 1), 40);
  s = PoolSettings{};
  s.daily_limit = 3;  // a first day above the limit is capped
  EXPECT_EQ(LimitOnDay(s, 1), 3);
}

TEST(PoolCalendar, WarmupDayCountsCalendarDaysInTheZone) {
  PoolDay today = DayIn("UTC", kSaturdayNoon);
  EXPECT_EQ(WarmupDay("UTC", today, kSaturdayNoon - 11 * kHour), 1);  // linked at 01:00 today
  EXPECT_EQ(WarmupDay("UTC", today, kSaturdayNoon - 13 * kHour), 2);  // at 23:00 yesterday
  EXPECT_EQ(WarmupDay("UTC", today, kSaturdayNoon - 30 * kDay), 31);
  EXPECT_EQ(WarmupDay("UTC", today, kSaturdayNoon + kDay), 1);  // a clock behind the link
}

}  // namespace
}  // namespace tgmux::service::pools
