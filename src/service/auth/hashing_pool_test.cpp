#include "service/auth/hashing_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "tests/support/wait.h"

namespace tgmux::service {
namespace {

TEST(HashingPoolTest, RefusesWorkBeyondItsThreadsAndQueue) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  std::promise<void> first_started;
  {
    HashingPool pool(1, 1);
    ASSERT_TRUE(pool.TrySubmit([&] {
      first_started.set_value();
      released.wait();
      ++ran;
    }));
    first_started.get_future().wait();  // the only thread is busy now
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; })) << "one may wait";
    EXPECT_FALSE(pool.TrySubmit([&] { ++ran; })) << "the queue is full";
    release.set_value();
  }  // the destructor runs what was accepted
  EXPECT_EQ(ran, 2);
}

TEST(HashingPoolTest, WithNoQueueTakesAsMuchAsItHasThreadsAndAgainOnceDone) {
  HashingPool pool(1, 0);
  std::promise<void> release, first_done;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(pool.TrySubmit([&] {
    released.wait();
    first_done.set_value();
  })) << "a free thread, even before it waits for work";
  EXPECT_FALSE(pool.TrySubmit([] {})) << "no room to wait";
  release.set_value();
  first_done.get_future().wait();
  // The thread is free once the work returned; it counts as busy until then.
  std::promise<void> again;
  ASSERT_TRUE(testing::WaitUntil([&] { return pool.TrySubmit([&] { again.set_value(); }); }, std::chrono::seconds(10)));
  again.get_future().wait();
}

}  // namespace
}  // namespace tgmux::service
