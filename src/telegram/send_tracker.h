// The sends of one account that wait for their final state: TDLib answers
// sendMessage with a temporary message and reports the outcome later, in
// updateMessageSendSucceeded / updateMessageSendFailed keyed by the temporary
// id (tdlib-facts §7.3). Internal to telegram/.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "telegram/client_hub.h"

namespace tgmux::telegram {

// Thread-safe. Shared by the AccountClient and the answer handlers of its
// sends, which may outlive it (the hub outlives both).
class SendTracker : public std::enable_shared_from_this<SendTracker> {
 public:
  SendTracker(ClientHub& hub, int client_id) : hub_(hub), client_id_(client_id) {}

  // `done` gets the final message (JSON) or the mapped failure, or the hub's
  // deadline/closed error when neither comes in time.
  void Expect(std::int64_t chat_id, std::int64_t temporary_id, ResultHandler done);

  // Completes the send waiting for `old_message_id`; false when none waits
  // (a send made elsewhere, or one that already timed out).
  bool Complete(std::int64_t chat_id, std::int64_t old_message_id, Result<nlohmann::json> outcome);

  std::size_t waiting() const;

 private:
  using Key = std::pair<std::int64_t, std::int64_t>;  // chat id, temporary id

  ClientHub& hub_;
  const int client_id_;
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> tokens_;
};

}  // namespace tgmux::telegram
