#include "service/events/webhooks.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/secrets.h"
#include "service/events/webhook_client.h"
#include "service/events/webhook_signature.h"

namespace tgmux::service {
namespace {

constexpr std::int64_t kFirstBackoffMs = 1000;
constexpr std::int64_t kMaxBackoffMs = 10 * 60 * 1000;
constexpr auto kRescan = std::chrono::seconds(60);
constexpr auto kStoreRetry = std::chrono::seconds(1);  // the store was away: the next look
constexpr const char* kDeliveries = "tgmux_webhook_deliveries_total";
constexpr const char* kDeliveriesHelp = "Webhook delivery attempts since start, by outcome (delivered, failed)";

std::int64_t BackoffMs(int attempts) {
  std::int64_t delay = kFirstBackoffMs;
  for (int i = 1; i < attempts && delay < kMaxBackoffMs; ++i) delay *= 2;
  return std::min(delay, kMaxBackoffMs);
}

}  // namespace

WebhookService::WebhookService(Infrastructure& infra, AccountService& accounts, EventService& events)
    : infra_(infra), accounts_(accounts), events_(events) {
  for (const char* outcome : {"delivered", "failed"}) {
    infra_.metrics().Declare(kDeliveries, kDeliveriesHelp, std::string("outcome=\"") + outcome + "\"");
  }
  infra_.metrics().AddCollector([this](Metrics::Writer& w) { CollectMetrics(w); });
  events_.OnWritten([this](const std::string& tenant_id) {
    {
      std::lock_guard lock(mutex_);
      ready_tenants_.insert(tenant_id);
      rescan_ = true;
    }
    wake_.notify_all();
  });
}

WebhookService::~WebhookService() { Stop(); }

std::pair<store::Webhook, std::string> WebhookService::Create(const std::string& tenant_id, const NewWebhook& r) {
  if (!ParseWebhookUrl(r.url)) {
    throw Error(ErrorCode::kInvalidRequest, "field \"url\" must be an http:// or https:// URL");
  }
  for (const auto& type : r.types) {
    if (!kEventTypes.count(type)) throw Error(ErrorCode::kInvalidRequest, "types: unknown event type \"" + type + "\"");
  }
  for (const auto& id : r.account_ids) {
    try {
      accounts_.Get(tenant_id, id);
    } catch (const Error&) {
      throw Error(ErrorCode::kInvalidRequest, "account_ids: no account " + id);
    }
  }
  store::Webhook w;
  w.id = crypto::RandomId("whk");
  w.tenant_id = tenant_id;
  w.url = r.url;
  w.types = r.types;
  w.account_ids = r.account_ids;
  std::string secret = crypto::RandomToken("whsec");
  w.secret_sealed = infra_.envelope().SealRecord("webhook", w.id, secret);
  w.delivered_seq = events_.LastSeq(tenant_id);
  w.created_at = w.updated_at = UnixSeconds();
  infra_.store().InsertWebhook(w);
  return {w, secret};
}

std::vector<store::Webhook> WebhookService::List(const std::string& tenant_id) {
  return infra_.store().ListWebhooks(tenant_id);
}

store::Webhook WebhookService::Get(const std::string& tenant_id, const std::string& id) {
  auto w = infra_.store().FindWebhook(id);
  if (!w || w->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no webhook " + id);
  return *w;
}

void WebhookService::Delete(const std::string& tenant_id, const std::string& id) {
  if (!infra_.store().DeleteWebhook(tenant_id, id)) throw Error(ErrorCode::kNotFound, "no webhook " + id);
}

void WebhookService::Start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  // Whatever the last run left undelivered goes first.
  for (const auto& w : infra_.store().ListWebhooks("")) ready_.insert(w.id);
  threads_.emplace_back([this] { Dispatch(); });
  for (int i = 0; i < kWorkers; ++i) threads_.emplace_back([this] { Work(); });
}

void WebhookService::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  work_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void WebhookService::Dispatch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    rescan_ = false;
    std::set<std::string> tenants;
    tenants.swap(ready_tenants_);
    lock.unlock();
    std::vector<store::Webhook> hooks;
    try {
      hooks = infra_.store().ListWebhooks("");
    } catch (const store::StoreError& e) {
      // The store is away: the tenants stay ready for the next look.
      spdlog::warn("webhooks: cannot read the webhooks: {}", e.what());
      lock.lock();
      ready_tenants_.insert(tenants.begin(), tenants.end());
      wake_.wait_for(lock, kStoreRetry, [this] { return stopping_; });
      continue;
    }
    std::int64_t now = UnixMillis();
    lock.lock();
    auto next = std::chrono::steady_clock::now() + kRescan;
    for (const auto& w : hooks) {
      if (w.state != store::WebhookState::kActive) continue;
      if (tenants.count(w.tenant_id)) ready_.insert(w.id);
      if (in_flight_.count(w.id)) continue;
      if (w.attempts > 0 && w.next_attempt_at > now) {
        next = std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(w.next_attempt_at - now));
        continue;
      }
      if (w.attempts == 0 && !ready_.count(w.id)) continue;
      ready_.erase(w.id);
      in_flight_.insert(w.id);
      tasks_.push_back(w.id);
      work_.notify_one();
    }
    wake_.wait_until(lock, next, [this] { return stopping_ || rescan_; });
  }
}

void WebhookService::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (stopping_) return;
    std::string id = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    try {
      Attempt(id);
    } catch (const std::exception& e) {
      spdlog::error("webhook {}: delivery failed: {}", id, e.what());
      Finish(id, false);
    }
    lock.lock();
  }
}

void WebhookService::Attempt(const std::string& id) {
  auto w = infra_.store().FindWebhook(id);
  if (!w || w->state != store::WebhookState::kActive) return Finish(id, false);
  store::EventQuery query{w->tenant_id, w->delivered_seq, 1, {w->types.begin(), w->types.end()},
                          {w->account_ids.begin(), w->account_ids.end()}};
  auto events = events_.Read(query);
  if (events.empty()) return Finish(id, false);
  const auto& event = events.front();
  std::string body = event.dump();
  std::string secret = infra_.envelope().OpenRecord("webhook", w->id, w->secret_sealed);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Tgmux-Signature", WebhookSignature(secret, UnixSeconds(), body)},
      {"X-Tgmux-Event-Id", event["id"].get<std::string>()},
      {"X-Tgmux-Event-Type", event["type"].get<std::string>()},
      {"X-Tgmux-Webhook-Id", w->id},
  };
  auto outcome = PostJson(*ParseWebhookUrl(w->url), headers, body, kTimeout);
  if (outcome.status >= 200 && outcome.status < 300) return Delivered(*w, event["seq"].get<std::int64_t>());
  Failed(*w, outcome.status != 0 ? "HTTP " + std::to_string(outcome.status) : outcome.error);
}

void WebhookService::Delivered(store::Webhook w, std::int64_t seq) {
  w.delivered_seq = seq;
  ++w.delivered_count;
  w.attempts = 0;
  w.next_attempt_at = 0;
  w.failing_since = 0;
  w.last_error.clear();
  w.updated_at = UnixSeconds();
  infra_.store().UpdateWebhook(w);
  infra_.metrics().Increment(kDeliveries, kDeliveriesHelp, "outcome=\"delivered\"");
  Finish(w.id, true);
}

void WebhookService::Failed(store::Webhook w, const std::string& error) {
  std::int64_t now = UnixMillis();
  ++w.attempts;
  if (w.failing_since == 0) w.failing_since = now;
  w.last_error = error;
  w.updated_at = now / 1000;
  auto window_ms = static_cast<std::int64_t>(infra_.config().webhook_retry_seconds * 1000);
  if (now - w.failing_since >= window_ms) {
    w.state = store::WebhookState::kDisabled;
    w.disabled_reason = "deliveries failed for " + std::to_string((now - w.failing_since) / 1000) +
                        " s (" + std::to_string(w.attempts) + " attempts); last: " + error;
    spdlog::warn("webhook {}: disabled: {}", w.id, w.disabled_reason);
    events_.Append({"webhook.disabled", "", w.tenant_id,
                    {{"webhook_id", w.id}, {"url", w.url}, {"reason", w.disabled_reason}}, ""});
  } else {
    w.next_attempt_at = now + BackoffMs(w.attempts);
  }
  infra_.store().UpdateWebhook(w);
  infra_.metrics().Increment(kDeliveries, kDeliveriesHelp, "outcome=\"failed\"");
  Finish(w.id, false);
}

void WebhookService::Finish(const std::string& id, bool more) {
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(id);
    if (more) ready_.insert(id);
    rescan_ = true;
  }
  wake_.notify_all();
}

// Per webhook (a bounded label: a tenant has a few, each an operator made),
// read from the store at scrape time: the events it still has to deliver and
// how long its deliveries have failed in a row. Disabled ones only counted.
void WebhookService::CollectMetrics(Metrics::Writer& w) {
  std::map<store::WebhookState, int> by_state = {{store::WebhookState::kActive, 0},
                                                 {store::WebhookState::kDisabled, 0}};
  try {
    const std::int64_t now = UnixMillis();
    for (const auto& hook : infra_.store().ListWebhooks("")) {
      ++by_state[hook.state];
      if (hook.state != store::WebhookState::kActive) continue;
      const std::string labels = "webhook=" + LabelValue(hook.id) + ",tenant=" + LabelValue(hook.tenant_id);
      store::EventQuery query{hook.tenant_id, hook.delivered_seq, 0, {hook.types.begin(), hook.types.end()},
                              {hook.account_ids.begin(), hook.account_ids.end()}};
      w.Gauge("tgmux_webhook_backlog_events", "Events an active webhook has yet to deliver", labels,
              static_cast<double>(infra_.store().CountEvents(query)));
      w.Gauge("tgmux_webhook_failing_seconds",
              "How long an active webhook's deliveries have failed in a row (0 while they succeed)", labels,
              hook.failing_since == 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, now - hook.failing_since)) / 1000);
    }
  } catch (const std::exception& e) {
    // The rest of the scrape still answers; the store's trouble shows in /readyz and the log.
    spdlog::error("metrics: the webhooks cannot be read: {}", e.what());
  }
  for (const auto& [state, count] : by_state) {
    w.Gauge("tgmux_webhooks", "Webhooks by state", "state=" + LabelValue(std::string(store::WebhookStateName(state))),
            count);
  }
}

}  // namespace tgmux::service
