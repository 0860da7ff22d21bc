#include "service/events/webhook_lanes.h"

#include <algorithm>

namespace tgmux::service {
namespace {

constexpr std::int64_t kFirstBackoffMs = 1000;
constexpr std::int64_t kMaxBackoffMs = 10 * 60 * 1000;

}  // namespace

std::int64_t WebhookLanes::BackoffMs(int attempts) {
  std::int64_t delay = kFirstBackoffMs;
  for (int i = 1; i < attempts && delay < kMaxBackoffMs; ++i) delay *= 2;
  return std::min(delay, kMaxBackoffMs);
}

WebhookLanes::WebhookLanes(const store::Webhook& stored) : read_seq_(stored.delivered_seq) {
  if (stored.attempts > 0) {
    resume_ = stored;
    last_error_ = stored.last_error;
  }
}

void WebhookLanes::Add(std::vector<nlohmann::json> events) {
  for (auto& event : events) {
    WebhookDelivery delivery;
    delivery.seq = event["seq"].get<std::int64_t>();
    if (event["account_id"].is_string()) delivery.lane = event["account_id"].get<std::string>();
    delivery.event = std::move(event);
    Lane& lane = lanes_[delivery.lane];
    if (resume_) {
      lane.attempts = resume_->attempts;
      lane.failing_since = resume_->failing_since;
      lane.next_attempt_at = resume_->next_attempt_at;
      resume_.reset();
    }
    read_seq_ = std::max(read_seq_, delivery.seq);
    pending_.insert(delivery.seq);
    lane.events.push_back(std::move(delivery));
  }
}

std::vector<WebhookDelivery> WebhookLanes::Take(std::int64_t now_ms) {
  std::vector<WebhookDelivery> out;
  for (auto& [name, lane] : lanes_) {
    if (lane.in_flight || lane.events.empty() || lane.next_attempt_at > now_ms) continue;
    lane.in_flight = true;
    out.push_back(lane.events.front());
  }
  return out;
}

void WebhookLanes::Delivered(const std::string& name) {
  auto it = lanes_.find(name);
  if (it == lanes_.end() || !it->second.in_flight) return;
  Lane& lane = it->second;
  pending_.erase(lane.events.front().seq);
  lane.events.pop_front();
  lane = Lane{std::move(lane.events)};  // in flight no more, and no failure
  if (lane.events.empty()) lanes_.erase(it);
}

std::int64_t WebhookLanes::Failed(const std::string& name, std::int64_t now_ms, const std::string& error) {
  auto it = lanes_.find(name);
  if (it == lanes_.end() || !it->second.in_flight) return 0;
  Lane& lane = it->second;
  lane.in_flight = false;
  ++lane.attempts;
  if (lane.failing_since == 0) lane.failing_since = now_ms;
  lane.next_attempt_at = now_ms + BackoffMs(lane.attempts);
  last_error_ = error;
  return now_ms - lane.failing_since;
}

std::optional<std::int64_t> WebhookLanes::NextRetry() const {
  std::optional<std::int64_t> next;
  for (const auto& [name, lane] : lanes_) {
    if (lane.in_flight || lane.events.empty() || lane.attempts == 0) continue;
    if (!next || lane.next_attempt_at < *next) next = lane.next_attempt_at;
  }
  return next;
}

WebhookLanes::Failing WebhookLanes::failing() const {
  Failing out;
  for (const auto& [name, lane] : lanes_) {
    if (lane.attempts == 0) continue;
    out.attempts = std::max(out.attempts, lane.attempts);
    if (out.since == 0 || lane.failing_since < out.since) out.since = lane.failing_since;
    if (out.next_attempt_at == 0 || lane.next_attempt_at < out.next_attempt_at) out.next_attempt_at = lane.next_attempt_at;
  }
  if (resume_) return {resume_->attempts, resume_->failing_since, resume_->next_attempt_at, last_error_};
  if (out.attempts > 0) out.last_error = last_error_;
  return out;
}

}  // namespace tgmux::service
