#include "service/pools/pool_calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace tgmux::service::pools {
namespace {

const date::time_zone* ZoneOrNull(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

bool KnownTimezone(const std::string& name) { return !name.empty() && ZoneOrNull(name) != nullptr; }

PoolDay DayIn(const std::string& timezone, std::int64_t unix_seconds) {
  const date::time_zone* zone = ZoneOrNull(timezone);
  if (zone == nullptr) zone = date::locate_zone("UTC");
  const date::sys_seconds when{std::chrono::seconds{unix_seconds}};
  const auto day = date::floor<date::days>(zone->to_local(when));
  auto midnight = [&](date::local_days d) {
    return zone->to_sys(d, date::choose::earliest).time_since_epoch().count();
  };
  return {day.time_since_epoch().count(), midnight(day), midnight(day + date::days{1})};
}

std::int64_t WarmupDay(const std::string& timezone, const PoolDay& today, std::int64_t linked_at) {
  return std::max<std::int64_t>(1, today.number - DayIn(timezone, linked_at).number + 1);
}

int LimitOnDay(const PoolSettings& limits, std::int64_t warmup_day) {
  const int full = limits.daily_limit;
  if (limits.warmup_days <= 0 || warmup_day > limits.warmup_days) return full;
  const int first = std::min(limits.warmup_first_day, full);
  const std::int64_t rise = static_cast<std::int64_t>(full - first) * (warmup_day - 1) / limits.warmup_days;
  return first + static_cast<int>(rise);
}

}  // namespace tgmux::service::pools
