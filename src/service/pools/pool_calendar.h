// A pool's days in its time zone (counters roll over at its midnight) and the
// warm-up schedule that sets an account's limit for the day.
#pragma once

#include <cstdint>
#include <string>

#include "service/pools/pool_settings.h"

namespace tgmux::service::pools {

// One calendar day in a time zone.
struct PoolDay {
  std::int64_t number = 0;  // days since 1970-01-01 there
  std::int64_t start = 0;   // unix seconds of its midnight
  std::int64_t next = 0;    // of the next day's midnight
};

// Whether `name` is an IANA time zone this machine knows ("Europe/Berlin").
bool KnownTimezone(const std::string& name);
// The day `unix_seconds` falls on in `timezone` (UTC when it is unknown).
// Where midnight does not exist (a clock jump at 00:00), the day starts at
// the jump.
PoolDay DayIn(const std::string& timezone, std::int64_t unix_seconds);

// Which day of its warm-up an account linked at `linked_at` is on `today`
// (1 on the day it was linked).
std::int64_t WarmupDay(const std::string& timezone, const PoolDay& today, std::int64_t linked_at);
// Its limit on that day: warmup_first_day on day 1, rising evenly each day
// to daily_limit, which it reaches on day warmup_days + 1 (at once when
// warmup_days is 0).
int LimitOnDay(const PoolSettings& limits, std::int64_t warmup_day);

}  // namespace tgmux::service::pools
