// An account pool's settings (PATCH /v1/pools/{name}, docs/pools.md) and the
// rules for pool names.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace tgmux::service::pools {

struct PoolSettings {
  int daily_limit = 40;         // messages an account sends a day once warmed up
  int warmup_days = 7;          // days a new account's limit takes to rise to daily_limit (0: none)
  int warmup_first_day = 5;     // its limit on the first day (daily_limit when that is lower)
  std::string timezone = "UTC";  // an IANA name: counters roll over at midnight there
  bool reassign_first_messages = false;  // a first message waiting on a flood wait moves to another account

  nlohmann::json ToJson() const;
  // The stored form; defaults for "" or anything unreadable.
  static PoolSettings FromText(const std::string& text);
};

// The settings with the fields `patch` names changed; throws
// Error(invalid_request) naming a bad field ("daily_limit: …").
PoolSettings Patched(PoolSettings settings, const nlohmann::json& patch);

// An account's own limits overriding its pool's (PATCH /v1/accounts/{id}
// {"limits"}): daily_limit, warmup_days and warmup_first_day, checked like the
// pool's; a null value (or a null patch) drops the override. Throws
// Error(invalid_request) naming the field ("limits.daily_limit: …").
nlohmann::json CheckedLimits(const nlohmann::json& patch);
// The pool's settings with an account's limits (CheckedLimits' JSON, or "").
PoolSettings WithLimits(PoolSettings pool, const std::string& limits);

// A pool's name: 1 to 64 letters, digits, '_', '-' or '.'; throws
// Error(invalid_request) naming `field` otherwise.
std::string CheckPoolName(const std::string& name, const std::string& field = "pool");

}  // namespace tgmux::service::pools
