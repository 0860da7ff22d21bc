// Fixed-window rate limits per key ("email:a@b.c", "ip:10.0.0.1", "tenant:ten_1").
// In memory, per process. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"

namespace tgmux::service {

class RateLimiter {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  explicit RateLimiter(config::RateLimit limit, Clock clock = nullptr);

  // Seconds until `key` may act again, when its window is full; nullopt otherwise.
  std::optional<int> RetryAfter(const std::string& key);
  // Counts one event for `key`.
  void Hit(const std::string& key);
  // Counts one event, or throws Error(flood_wait) with retry_after when the window is full.
  void HitOrThrow(const std::string& key, const std::string& what);

 private:
  struct Window {
    double started = 0;
    int count = 0;
  };
  Window& Current(const std::string& key, double now);
  void Prune(double now);

  config::RateLimit limit_;
  Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;
};

}  // namespace tgmux::service
