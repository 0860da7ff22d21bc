#include "service/auth/rate_limiter.h"

#include <chrono>
#include <cmath>

#include "common/error.h"

namespace tgmux::service {
namespace {

constexpr std::size_t kPruneAbove = 10000;  // keys kept before expired windows are dropped

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

RateLimiter::RateLimiter(config::RateLimit limit, Clock clock)
    : limit_(limit), clock_(clock ? std::move(clock) : Clock(SteadySeconds)) {}

RateLimiter::Window& RateLimiter::Current(const std::string& key, double now) {
  auto& window = windows_[key];
  if (now - window.started >= limit_.window_seconds) window = Window{now, 0};
  return window;
}

void RateLimiter::Prune(double now) {
  if (windows_.size() <= kPruneAbove) return;
  std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.started >= limit_.window_seconds; });
}

std::optional<int> RateLimiter::RetryAfter(const std::string& key) {
  std::lock_guard lock(mutex_);
  double now = clock_();
  auto it = windows_.find(key);
  if (it == windows_.end() || now - it->second.started >= limit_.window_seconds) return std::nullopt;
  if (it->second.count < limit_.count) return std::nullopt;
  return std::max(1, static_cast<int>(std::ceil(it->second.started + limit_.window_seconds - now)));
}

void RateLimiter::Hit(const std::string& key) {
  std::lock_guard lock(mutex_);
  double now = clock_();
  Prune(now);
  ++Current(key, now).count;
}

void RateLimiter::HitOrThrow(const std::string& key, const std::string& what) {
  std::lock_guard lock(mutex_);
  double now = clock_();
  Prune(now);
  auto& window = Current(key, now);
  if (window.count >= limit_.count) {
    int wait = std::max(1, static_cast<int>(std::ceil(window.started + limit_.window_seconds - now)));
    throw Error(ErrorCode::kFloodWait, "too many " + what + "; retry in " + std::to_string(wait) + " s", wait);
  }
  ++window.count;
}

}  // namespace tgmux::service
