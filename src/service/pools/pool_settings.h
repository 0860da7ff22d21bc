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

// A pool's name: 1 to 64 letters, digits, '_', '-' or '.'; throws
// Error(invalid_request) naming `field` otherwise.
std::string CheckPoolName(const std::string& name, const std::string& field = "pool");

}  // namespace tgmux::service::pools
