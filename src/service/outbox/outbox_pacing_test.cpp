// The outbox's pacing: one interval per chat, and a per-minute cap for groups.
#include "service/outbox/outbox_pacing.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = ChatPacer::Clock;

constexpr std::int64_t kBob = 5001;
constexpr std::int64_t kCarol = 5002;
constexpr std::int64_t kGroup = -100123;

TEST(ChatPacer, KeepsTheIntervalPerChatWithoutHoldingOtherChats) {
  ChatPacer pacer(seconds(1), 20);
  Clock::time_point t0{seconds(1000)};
  EXPECT_EQ(pacer.NextAllowed(kBob, t0), t0);
  pacer.Record(kBob, t0);
  EXPECT_EQ(pacer.NextAllowed(kBob, t0 + milliseconds(10)), t0 + seconds(1));
  EXPECT_EQ(pacer.NextAllowed(kCarol, t0 + milliseconds(10)), t0 + milliseconds(10));
  EXPECT_LE(pacer.NextAllowed(kBob, t0 + seconds(2)), t0 + seconds(2));
}

TEST(ChatPacer, CapsSendsIntoAGroupPerMinute) {
  ChatPacer pacer(milliseconds(100), 3);
  Clock::time_point t0{seconds(1000)};
  for (int i = 0; i < 3; ++i) {
    auto at = t0 + seconds(i);
    ASSERT_LE(pacer.NextAllowed(kGroup, at), at) << i;
    pacer.Record(kGroup, at);
  }
  // The fourth waits until the first is a minute old.
  EXPECT_EQ(pacer.NextAllowed(kGroup, t0 + seconds(3)), t0 + seconds(60));
  // A private chat has no per-minute cap, only the interval.
  for (int i = 0; i < 5; ++i) pacer.Record(kBob, t0 + seconds(i));
  EXPECT_LE(pacer.NextAllowed(kBob, t0 + seconds(5)), t0 + seconds(5));
  pacer.Record(kGroup, t0 + seconds(60));
  EXPECT_EQ(pacer.NextAllowed(kGroup, t0 + seconds(60)), t0 + seconds(61));
}

TEST(ChatPacer, ZeroMeansNoPacing) {
  ChatPacer pacer(Clock::duration::zero(), 0);
  Clock::time_point t0{seconds(1000)};
  for (int i = 0; i < 100; ++i) pacer.Record(kGroup, t0);
  EXPECT_EQ(pacer.NextAllowed(kGroup, t0), t0);
}

TEST(ChatPacer, ForgetsChatsWhosePacingNoLongerMatters) {
  ChatPacer pacer(seconds(1), 20);
  Clock::time_point t0{seconds(1000)};
  for (std::int64_t chat = 1; chat <= 1024; ++chat) pacer.Record(chat, t0);
  EXPECT_EQ(pacer.size(), 1024u);
  pacer.Record(kGroup, t0 + seconds(120));
  EXPECT_EQ(pacer.size(), 1u);
  EXPECT_EQ(pacer.NextAllowed(kGroup, t0 + seconds(120)), t0 + seconds(121));
}

}  // namespace
}  // namespace tgmux::service
