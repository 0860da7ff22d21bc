#include "service/outbox/outbox_metrics.h"

#include <algorithm>

#include "common/time.h"

namespace tgmux::service {
namespace {

using store::OutboxState;

constexpr const char* kSends = "tgmux_outbox_sends_total";
constexpr const char* kSendsHelp = "Outbox entries that ended since start, by outcome (sent, failed)";
constexpr const char* kFailures = "tgmux_outbox_send_failures_total";
constexpr const char* kFailuresHelp = "Outbox entries that ended failed since start, by error code";
constexpr const char* kFloodWaits = "tgmux_outbox_flood_waits_total";
constexpr const char* kFloodWaitsHelp = "Flood waits Telegram imposed on an account's sends since start";
constexpr const char* kFloodSeconds = "tgmux_outbox_flood_wait_seconds_total";
constexpr const char* kFloodSecondsHelp = "Seconds of flood wait Telegram imposed on accounts' sends since start";

std::string Label(const char* name, std::string_view value) {
  return std::string(name) + "=" + LabelValue(std::string(value));
}

}  // namespace

OutboxMetrics::OutboxMetrics(Metrics& metrics) : metrics_(metrics) {
  for (auto outcome : {OutboxState::kSent, OutboxState::kFailed}) {
    metrics_.Declare(kSends, kSendsHelp, Label("outcome", store::OutboxStateName(outcome)));
  }
  metrics_.Declare(kFloodWaits, kFloodWaitsHelp, "");
  metrics_.Declare(kFloodSeconds, kFloodSecondsHelp, "");
  metrics_.AddCollector([this](Metrics::Writer& w) { Collect(w); });
}

void OutboxMetrics::Track(const store::OutboxEntry& entry) {
  std::lock_guard lock(mutex_);
  if (store::IsFinal(entry.state)) {
    unfinished_.erase(entry.id);
  } else {
    unfinished_[entry.id] = {entry.state, entry.created_at};
  }
}

void OutboxMetrics::Untrack(const std::string& id) {
  std::lock_guard lock(mutex_);
  unfinished_.erase(id);
}

void OutboxMetrics::Ended(const store::OutboxEntry& entry) {
  if (!store::IsFinal(entry.state)) return;
  metrics_.Increment(kSends, kSendsHelp, Label("outcome", store::OutboxStateName(entry.state)));
  if (entry.state == OutboxState::kFailed) {
    // Codes come from the one error table (common/error.h): a bounded set.
    metrics_.Increment(kFailures, kFailuresHelp, Label("code", entry.error_code.empty() ? "internal" : entry.error_code));
  }
}

void OutboxMetrics::FloodWait(int seconds) {
  metrics_.Increment(kFloodWaits, kFloodWaitsHelp, "");
  metrics_.Increment(kFloodSeconds, kFloodSecondsHelp, "", static_cast<std::uint64_t>(std::max(0, seconds)));
}

void OutboxMetrics::Collect(Metrics::Writer& w) {
  std::int64_t queued = 0, sending = 0;
  std::int64_t oldest = 0;  // creation time of the oldest queued entry; 0: none
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : unfinished_) {
      if (entry.state == OutboxState::kSending) {
        ++sending;
        continue;
      }
      ++queued;
      if (oldest == 0 || entry.created_at < oldest) oldest = entry.created_at;
    }
  }
  const char* help = "Outbox entries not finished yet, by state: queued (waiting for their turn, a pause or a "
                     "retry) or sending (handed to Telegram, awaiting its answer)";
  w.Gauge("tgmux_outbox_entries", help, Label("state", store::OutboxStateName(OutboxState::kQueued)),
          static_cast<double>(queued));
  w.Gauge("tgmux_outbox_entries", help, Label("state", store::OutboxStateName(OutboxState::kSending)),
          static_cast<double>(sending));
  w.Gauge("tgmux_outbox_oldest_queued_age_seconds",
          "Age of the oldest queued outbox entry (0 when none is queued)", "",
          oldest == 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, UnixSeconds() - oldest)));
}

}  // namespace tgmux::service
