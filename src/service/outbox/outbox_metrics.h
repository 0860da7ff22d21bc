// What /metrics shows of the outbox (docs/metrics.md): its unfinished entries
// by state and the age of the oldest queued one, sends by outcome and the
// failures by code, and the flood waits Telegram imposed on sends. The
// outbox tells it each entry it writes; it keeps only the unfinished ones
// (id, state, creation time). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/metrics.h"
#include "store/outbox_records.h"

namespace tgmux::service {

class OutboxMetrics {
 public:
  // Declares its counters at 0 and registers its collector with `metrics`,
  // which must outlive it (or no longer be scraped).
  explicit OutboxMetrics(Metrics& metrics);

  // An entry as just written: counted under its state while unfinished,
  // forgotten once sent or failed.
  void Track(const store::OutboxEntry& entry);
  // An entry that was never written after all: no longer counted.
  void Untrack(const std::string& id);
  // An entry that ended (sent or failed): counted by outcome, a failure also by its code.
  void Ended(const store::OutboxEntry& entry);
  // A flood wait of `seconds` paused an account's sends.
  void FloodWait(int seconds);

 private:
  struct Unfinished {
    store::OutboxState state;
    std::int64_t created_at;  // unix seconds
  };
  void Collect(Metrics::Writer& writer);

  Metrics& metrics_;
  std::mutex mutex_;
  std::unordered_map<std::string, Unfinished> unfinished_;
};

}  // namespace tgmux::service
