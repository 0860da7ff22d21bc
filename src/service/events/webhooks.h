// Webhooks (docs/architecture.md, Webhooks): each one receives the events of its tenant that
// match its types and accounts, one POST per event, in the log's order (so in
// order per account), signed with its own secret:
//   X-Tgmux-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
// A failed delivery (no 2xx within the timeout) is retried with exponential
// backoff, 1 s doubling up to 10 min, for TGMUX_WEBHOOK_RETRY_FOR (24 h);
// then the webhook is disabled and a webhook.disabled event says why. A
// webhook starts with the events written after its creation. /metrics shows
// each active webhook's backlog and how long it has been failing, and
// deliveries by outcome (docs/metrics.md). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/events/events.h"
#include "service/infrastructure.h"

namespace tgmux::service {

struct NewWebhook {
  std::string url;
  std::vector<std::string> types;        // empty: every type
  std::vector<std::string> account_ids;  // empty: every account of the tenant
};

class WebhookService {
 public:
  static constexpr int kWorkers = 4;
  static constexpr auto kTimeout = std::chrono::seconds(10);

  WebhookService(Infrastructure& infra, AccountService& accounts, EventService& events);
  ~WebhookService();

  // Returns the webhook and its signing secret (shown once). Throws
  // Error(invalid_request) for a bad url, unknown types, or accounts that are
  // not the tenant's.
  std::pair<store::Webhook, std::string> Create(const std::string& tenant_id, const NewWebhook& request);
  std::vector<store::Webhook> List(const std::string& tenant_id);
  // Throws Error(not_found).
  store::Webhook Get(const std::string& tenant_id, const std::string& id);
  void Delete(const std::string& tenant_id, const std::string& id);

  // Starts delivering (after the accounts are restored).
  void Start();
  // Stops; a delivery in flight finishes first.
  void Stop();

 private:
  void Dispatch();
  void Attempt(const std::string& webhook_id);
  void Delivered(store::Webhook webhook, std::int64_t seq);
  void Failed(store::Webhook webhook, const std::string& error);
  void Finish(const std::string& webhook_id, bool more);
  void Work();
  void CollectMetrics(Metrics::Writer& writer);

  Infrastructure& infra_;
  AccountService& accounts_;
  EventService& events_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool stopping_ = false;
  std::set<std::string> in_flight_;
  std::set<std::string> ready_;          // webhooks that may have events to deliver now
  std::set<std::string> ready_tenants_;  // tenants with new events since the last scan
  bool rescan_ = false;
  std::deque<std::string> tasks_;
  std::condition_variable work_;
  std::vector<std::thread> threads_;
};

}  // namespace tgmux::service
