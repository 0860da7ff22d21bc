#include "service/auth/rate_limiter.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tgmux::service {
namespace {

TEST(RateLimiterTest, FullWindowAsksToWaitUntilItEnds) {
  double now = 1000;
  RateLimiter limiter({3, 60}, [&] { return now; });
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.RetryAfter("email:a"));
    limiter.Hit("email:a");
  }
  EXPECT_EQ(limiter.RetryAfter("email:a"), 60);
  EXPECT_FALSE(limiter.RetryAfter("email:b"));  // keys are separate
  now += 45.5;
  EXPECT_EQ(limiter.RetryAfter("email:a"), 15);
  now += 15;
  EXPECT_FALSE(limiter.RetryAfter("email:a"));
}

TEST(RateLimiterTest, HitOrThrowGivesFloodWaitWithRetryAfter) {
  double now = 0;
  RateLimiter limiter({1, 10}, [&] { return now; });
  limiter.HitOrThrow("tenant:t", "logins");
  try {
    limiter.HitOrThrow("tenant:t", "logins");
    FAIL() << "expected flood_wait";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFloodWait);
    EXPECT_EQ(e.retry_after(), 10);
  }
  now = 10;
  EXPECT_NO_THROW(limiter.HitOrThrow("tenant:t", "logins"));
}

}  // namespace
}  // namespace tgmux::service
