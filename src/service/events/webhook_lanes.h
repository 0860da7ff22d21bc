// What one webhook still has to deliver, by account: each account's events go
// one at a time in log order (its lane), while other accounts' lanes go on,
// so one failing account's event holds back only that account's later events.
// Keeps each lane's retry state (exponential backoff, 1 s doubling up to
// 10 min) and the webhook's position in the log: delivered_seq, below which
// every matching event is delivered. Not thread-safe (WebhookService guards it).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/store.h"

namespace tgmux::service {

struct WebhookDelivery {
  std::string lane;  // the event's account id ("" for events about no account)
  std::int64_t seq = 0;
  nlohmann::json event;
};

class WebhookLanes {
 public:
  // Starts after `delivered_seq`; a webhook that was failing when it was
  // stored (a restart) resumes with that failure on its oldest event's lane.
  explicit WebhookLanes(const store::Webhook& stored);

  // Events read from the log after read_seq(), oldest first.
  void Add(std::vector<nlohmann::json> events);
  std::int64_t read_seq() const { return read_seq_; }
  // Events read and not yet delivered.
  std::size_t pending() const { return pending_.size(); }
  // Every matching event up to here is delivered.
  std::int64_t delivered_seq() const { return pending_.empty() ? read_seq_ : *pending_.begin() - 1; }

  // The oldest event of each lane that has none in flight and is not waiting
  // for a retry at `now_ms`; they are in flight from now on.
  std::vector<WebhookDelivery> Take(std::int64_t now_ms);
  // The lane's event in flight was delivered: the lane goes on.
  void Delivered(const std::string& lane);
  // The lane's event in flight failed: retried after the backoff. Returns how
  // long (ms) the lane has been failing in a row.
  std::int64_t Failed(const std::string& lane, std::int64_t now_ms, const std::string& error);
  // When the next retry is due (unix ms), if a lane waits for one.
  std::optional<std::int64_t> NextRetry() const;

  // The failing lanes summed up as the webhook shows them: the most attempts
  // at one event, since when the oldest failure lasts, the soonest retry, the
  // last error; all zero and "" when none fails.
  struct Failing {
    int attempts = 0;
    std::int64_t since = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
  };
  Failing failing() const;

  static std::int64_t BackoffMs(int attempts);

 private:
  struct Lane {
    std::deque<WebhookDelivery> events;
    bool in_flight = false;
    int attempts = 0;
    std::int64_t failing_since = 0;
    std::int64_t next_attempt_at = 0;
  };

  std::map<std::string, Lane> lanes_;
  std::set<std::int64_t> pending_;  // seqs read, not yet delivered
  std::int64_t read_seq_ = 0;
  std::string last_error_;
  std::optional<store::Webhook> resume_;  // a stored failure, for the first lane that gets an event
};

}  // namespace tgmux::service
