#include "telegram/send_tracker.h"

#include <nlohmann/json.hpp>

namespace tgmux::telegram {

void SendTracker::Expect(std::int64_t chat_id, std::int64_t temporary_id, ResultHandler done) {
  Key key{chat_id, temporary_id};
  // The entry must go when the hub ends the wait itself (deadline, close), or
  // the map would keep every send that never got its final update.
  auto forget = [weak = weak_from_this(), key, done = std::move(done)](Result<nlohmann::json> outcome) {
    if (auto self = weak.lock()) {
      std::lock_guard lock(self->mutex_);
      self->tokens_.erase(key);
    }
    if (done) done(std::move(outcome));
  };
  // The lock spans Expect so that a Complete on the receive thread cannot look
  // for the key between the token's birth and its entry.
  std::lock_guard lock(mutex_);
  std::uint64_t token = hub_.Expect(client_id_, std::move(forget));
  if (token != 0) tokens_[key] = token;
}

bool SendTracker::Complete(std::int64_t chat_id, std::int64_t old_message_id, Result<nlohmann::json> outcome) {
  std::uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    auto entry = tokens_.find({chat_id, old_message_id});
    if (entry == tokens_.end()) return false;
    token = entry->second;
    tokens_.erase(entry);
  }
  return hub_.Complete(token, std::move(outcome));
}

std::size_t SendTracker::waiting() const {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

}  // namespace tgmux::telegram
