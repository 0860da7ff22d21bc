// How often one account may send into each of its chats (docs/architecture.md, The path of a send): at
// least `chat_interval` between two sends into a chat, and at most
// `group_per_minute` sends in any 60 seconds into a group, supergroup or
// channel (chat id < 0). Not thread-safe: one account's sender owns it. The
// caller passes the time, so that tests need no clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>

namespace tgmux::service {

class ChatPacer {
 public:
  using Clock = std::chrono::steady_clock;

  // chat_interval 0: no interval; group_per_minute 0: no group limit.
  ChatPacer(Clock::duration chat_interval, int group_per_minute);

  // The earliest time a send into chat_id may start (<= now: at once).
  Clock::time_point NextAllowed(std::int64_t chat_id, Clock::time_point now) const;
  // A send into chat_id was made at `now` (whatever its outcome).
  void Record(std::int64_t chat_id, Clock::time_point now);

  // How many chats it remembers (sends old enough to matter no more are forgotten).
  std::size_t size() const { return chats_.size(); }

 private:
  struct Chat {
    Clock::time_point last{};
    std::deque<Clock::time_point> recent;  // groups: the last group_per_minute sends
  };
  void Forget(Clock::time_point now);

  const Clock::duration chat_interval_;
  const std::size_t group_per_minute_;
  std::map<std::int64_t, Chat> chats_;
  std::size_t forget_above_ = 1024;
};

}  // namespace tgmux::service
