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

constexpr auto kRescan = std::chrono::seconds(60);
constexpr auto kStoreRetry = std::chrono::seconds(1);  // the store was away: the next look
constexpr int kReadPage = 500;
constexpr const char* kDeliveries = "tgmux_webhook_deliveries_total";
constexpr const char* kDeliveriesHelp = "Webhook delivery attempts since start, by outcome (delivered, failed)";

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
      for (auto& [id, hook] : hooks_) {
        if (hook.row.tenant_id == tenant_id) hook.more = true;
      }
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
  if (created_) {
    created_(w.id);  // the node that takes its lease delivers it
  } else {
    std::lock_guard lock(mutex_);
    if (running_) Track(w, secret);
  }
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
  std::function<void()> halted;
  {
    std::lock_guard lock(mutex_);
    if (auto it = hooks_.find(id); it != hooks_.end()) halted = Forget(it);
  }
  if (halted) halted();
}

std::function<void()> WebhookService::Forget(std::map<std::string, Hook>::iterator it) {
  auto halted = std::move(it->second.halted);
  hooks_.erase(it);
  return halted;
}

void WebhookService::SetPlacement(std::function<bool(const std::string&)> holds,
                                  std::function<void(const std::string&)> created) {
  holds_ = std::move(holds);
  created_ = std::move(created);
}

std::vector<std::string> WebhookService::ActiveIds() {
  std::vector<std::string> ids;
  for (const auto& w : infra_.store().ListWebhooks("")) {
    if (w.state == store::WebhookState::kActive) ids.push_back(w.id);
  }
  return ids;
}

void WebhookService::Run(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (!running_ || stopping_) return;
    if (auto it = hooks_.find(id); it != hooks_.end()) {
      // Halted after a lapse and ours again before it left: it goes on.
      if (it->second.halting) spdlog::info("webhook {}: delivered here again", id);
      it->second.halting = false;
      it->second.keep = false;
      return;
    }
  }
  auto row = infra_.store().FindWebhook(id);
  if (!row || row->state != store::WebhookState::kActive) return;
  auto secret = infra_.envelope().OpenRecord("webhook", row->id, row->secret_sealed);
  std::lock_guard lock(mutex_);
  if (running_ && !stopping_ && !hooks_.count(id)) {
    spdlog::info("webhook {}: delivered by this node from event {}", id, row->delivered_seq);
    Track(*row, std::move(secret));
  }
}

void WebhookService::Halt(const std::string& id, bool keep, std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    auto it = hooks_.find(id);
    if (it != hooks_.end()) {
      auto& hook = it->second;
      hook.halting = true;
      hook.keep = hook.keep || keep;
      if (hook.halted) {
        // Halted twice: both wait for the same leaving.
        hook.halted = [first = std::move(hook.halted), second = std::move(done)] {
          first();
          if (second) second();
        };
      } else {
        hook.halted = std::move(done);
      }
      rescan_ = true;
      done = nullptr;
    }
  }
  wake_.notify_all();
  if (done) done();  // not delivered here
}

void WebhookService::Retire(std::unique_lock<std::mutex>& lock) {
  std::vector<std::pair<std::optional<store::Webhook>, std::function<void()>>> retired;
  for (auto it = hooks_.begin(); it != hooks_.end();) {
    Hook& hook = it->second;
    if (!hook.halting || hook.in_flight > 0) {
      ++it;
      continue;
    }
    std::optional<store::Webhook> row;
    if (hook.keep) {
      Sync(hook);
      row = hook.row;
    }
    auto next = std::next(it);
    retired.emplace_back(std::move(row), Forget(it));
    it = next;
  }
  if (retired.empty()) return;
  lock.unlock();
  for (auto& [row, halted] : retired) {
    if (row) {
      try {
        infra_.store().UpdateWebhook(*row);
      } catch (const store::StoreError& e) {
        // The next node starts from the last position stored: some events come again.
        spdlog::warn("webhook {}: its position could not be stored before it left: {}", row->id, e.what());
      }
    }
    if (halted) halted();
  }
  lock.lock();
}

void WebhookService::Track(const store::Webhook& row, std::string secret) {
  auto url = ParseWebhookUrl(row.url);
  if (!url || row.state != store::WebhookState::kActive) return;
  hooks_.emplace(row.id, Hook{row, std::move(secret), *url, WebhookLanes(row)});
  rescan_ = true;
  wake_.notify_all();
}

void WebhookService::Start() {
  auto rows = infra_.store().ListWebhooks("");
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  // Whatever the last run left undelivered goes first (on several nodes,
  // those whose leases this node took already; the others by Run).
  for (const auto& w : rows) {
    if (w.state == store::WebhookState::kActive && (!holds_ || holds_(w.id))) {
      Track(w, infra_.envelope().OpenRecord("webhook", w.id, w.secret_sealed));
    }
  }
  dispatcher_ = std::thread([this] { Dispatch(); });
}

void WebhookService::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  posts_.Stop();  // the deliveries in flight finish
  std::unique_lock lock(mutex_);
  Persist(lock);
}

void WebhookService::Dispatch() {
  std::unique_lock lock(mutex_);
  auto persisted = std::chrono::steady_clock::now();
  while (!stopping_) {
    rescan_ = false;
    Retire(lock);
    Fill(lock);
    auto next = Launch();
    auto now = std::chrono::steady_clock::now();
    bool dirty = !disabled_.empty() ||
                 std::any_of(hooks_.begin(), hooks_.end(), [](const auto& h) { return h.second.dirty; });
    if (dirty && now - persisted >= kPersistEvery) {
      Persist(lock);
      persisted = now;
    } else if (dirty) {
      next = std::min(next, persisted + kPersistEvery);
    }
    wake_.wait_until(lock, next, [this] { return stopping_ || rescan_; });
  }
}

void WebhookService::Fill(std::unique_lock<std::mutex>& lock) {
  for (auto& [id, hook] : hooks_) {
    if (!hook.more || hook.lanes.pending() >= kWindow) continue;
    hook.more = false;
    const std::string hook_id = id;
    store::EventQuery query{hook.row.tenant_id, hook.lanes.read_seq(), kReadPage,
                            {hook.row.types.begin(), hook.row.types.end()},
                            {hook.row.account_ids.begin(), hook.row.account_ids.end()}};
    lock.unlock();
    EventService::Events events;
    bool failed = false;
    try {
      events = events_.Read(query);
    } catch (const store::StoreError& e) {
      spdlog::warn("webhook {}: cannot read the event log: {}", hook_id, e.what());
      failed = true;
    }
    lock.lock();
    auto it = hooks_.find(hook_id);
    if (it == hooks_.end()) {
      rescan_ = true;  // deleted meanwhile: the others at the next round
      return;
    }
    if (failed) {
      it->second.more = true;
      wake_.wait_for(lock, kStoreRetry, [this] { return stopping_; });
      return;
    }
    if (it->second.lanes.read_seq() != query.after) return;  // another round read first
    if (static_cast<int>(events.size()) == kReadPage) it->second.more = true;
    it->second.lanes.Add(std::move(events));
  }
}

std::chrono::steady_clock::time_point WebhookService::Launch() {
  const std::int64_t now = UnixMillis();
  auto next = std::chrono::steady_clock::now() + kRescan;
  for (auto& [id, hook] : hooks_) {
    if (hook.halting) continue;
    for (auto& delivery : hook.lanes.Take(now)) {
      ++hook.in_flight;
      posts_.Post([this, id = id, delivery = std::move(delivery)] { Deliver(id, delivery); });
    }
    if (auto retry = hook.lanes.NextRetry()) {
      next = std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(*retry - now));
    }
  }
  return next;
}

void WebhookService::Sync(Hook& hook) {
  auto failing = hook.lanes.failing();
  hook.row.delivered_seq = hook.lanes.delivered_seq();
  hook.row.attempts = failing.attempts;
  hook.row.failing_since = failing.since;
  hook.row.next_attempt_at = failing.next_attempt_at;
  hook.row.last_error = failing.last_error;
  hook.row.updated_at = UnixSeconds();
}

void WebhookService::Persist(std::unique_lock<std::mutex>& lock) {
  std::vector<store::Webhook> rows;
  rows.swap(disabled_);
  for (auto& [id, hook] : hooks_) {
    // On several nodes, a position only while the webhook is this node's.
    if (!hook.dirty || (holds_ && !holds_(id))) continue;
    Sync(hook);
    hook.dirty = false;
    rows.push_back(hook.row);
  }
  if (rows.empty()) return;
  lock.unlock();
  try {
    for (const auto& row : rows) infra_.store().UpdateWebhook(row);
  } catch (const store::StoreError& e) {
    // The positions stay in memory; the next change stores them again.
    spdlog::warn("webhooks: cannot store the webhooks' positions: {}", e.what());
    lock.lock();
    for (const auto& row : rows) {
      if (auto it = hooks_.find(row.id); it != hooks_.end()) it->second.dirty = true;
      if (row.state == store::WebhookState::kDisabled) disabled_.push_back(row);
    }
    return;
  }
  lock.lock();
}

void WebhookService::Deliver(const std::string& id, const WebhookDelivery& delivery) {
  WebhookUrl url;
  std::string secret;
  {
    std::lock_guard lock(mutex_);
    auto it = hooks_.find(id);
    if (it == hooks_.end()) return;  // deleted or disabled meanwhile
    // Halting, or no longer this node's (a pause outlived its lease): another
    // node delivers it from the stored position.
    if (it->second.halting || (holds_ && !holds_(id))) {
      --it->second.in_flight;
      rescan_ = true;
      wake_.notify_all();
      return;
    }
    url = it->second.url;
    secret = it->second.secret;
  }
  const std::string body = delivery.event.dump();
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Tgmux-Signature", WebhookSignature(secret, UnixSeconds(), body)},
      {"X-Tgmux-Event-Id", delivery.event["id"].get<std::string>()},
      {"X-Tgmux-Event-Type", delivery.event["type"].get<std::string>()},
      {"X-Tgmux-Webhook-Id", id},
  };
  auto outcome = PostJson(url, headers, body, kTimeout);
  const bool ok = outcome.status >= 200 && outcome.status < 300;
  infra_.metrics().Increment(kDeliveries, kDeliveriesHelp, ok ? "outcome=\"delivered\"" : "outcome=\"failed\"");
  const std::string error = outcome.status != 0 ? "HTTP " + std::to_string(outcome.status) : outcome.error;
  std::optional<store::Webhook> disabled;  // this failure disabled the webhook
  std::function<void()> halted;
  {
    std::lock_guard lock(mutex_);
    auto it = hooks_.find(id);
    if (it == hooks_.end()) return;
    Hook& hook = it->second;
    --hook.in_flight;
    hook.dirty = true;
    if (ok) {
      hook.lanes.Delivered(delivery.lane);
      ++hook.row.delivered_count;
    } else {
      auto failing_ms = hook.lanes.Failed(delivery.lane, UnixMillis(), error);
      if (failing_ms >= static_cast<std::int64_t>(infra_.config().webhook_retry_seconds * 1000)) {
        disabled = Disable(hook, failing_ms, error);
        disabled_.push_back(*disabled);
        halted = Forget(it);
      }
    }
    rescan_ = true;
  }
  wake_.notify_all();
  if (halted) halted();
  if (!disabled) return;
  events_.Append({"webhook.disabled", "", disabled->tenant_id,
                  {{"webhook_id", disabled->id}, {"url", disabled->url}, {"reason", disabled->disabled_reason}}, ""});
}

store::Webhook WebhookService::Disable(Hook& hook, std::int64_t failing_ms, const std::string& error) {
  Sync(hook);
  store::Webhook row = hook.row;
  row.state = store::WebhookState::kDisabled;
  row.next_attempt_at = 0;
  row.disabled_reason = "deliveries failed for " + std::to_string(failing_ms / 1000) + " s (" +
                        std::to_string(row.attempts) + " attempts); last: " + error;
  spdlog::warn("webhook {}: disabled: {}", row.id, row.disabled_reason);
  return row;
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
