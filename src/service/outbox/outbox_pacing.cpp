#include "service/outbox/outbox_pacing.h"

#include <algorithm>

namespace tgmux::service {
namespace {

constexpr auto kMinute = std::chrono::seconds(60);

}  // namespace

ChatPacer::ChatPacer(Clock::duration chat_interval, int group_per_minute)
    : chat_interval_(chat_interval), group_per_minute_(static_cast<std::size_t>(std::max(0, group_per_minute))) {}

ChatPacer::Clock::time_point ChatPacer::NextAllowed(std::int64_t chat_id, Clock::time_point now) const {
  auto it = chats_.find(chat_id);
  if (it == chats_.end()) return now;
  const Chat& chat = it->second;
  Clock::time_point allowed = chat.last + chat_interval_;
  if (chat_id < 0 && group_per_minute_ > 0 && chat.recent.size() >= group_per_minute_) {
    // The oldest of the last N sends must leave the 60-second window first.
    allowed = std::max(allowed, chat.recent.front() + kMinute);
  }
  return allowed;
}

void ChatPacer::Record(std::int64_t chat_id, Clock::time_point now) {
  Chat& chat = chats_[chat_id];
  chat.last = now;
  if (chat_id < 0 && group_per_minute_ > 0) {
    chat.recent.push_back(now);
    while (chat.recent.size() > group_per_minute_) chat.recent.pop_front();
  }
  if (chats_.size() > forget_above_) Forget(now);
}

void ChatPacer::Forget(Clock::time_point now) {
  const Clock::duration memory = std::max<Clock::duration>(chat_interval_, kMinute);
  for (auto it = chats_.begin(); it != chats_.end();) {
    it = it->second.last + memory < now ? chats_.erase(it) : std::next(it);
  }
  // Amortised: the next sweep waits until the map has doubled again.
  forget_above_ = std::max<std::size_t>(1024, chats_.size() * 2);
}

}  // namespace tgmux::service
