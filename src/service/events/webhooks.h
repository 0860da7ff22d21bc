// Webhooks (docs/architecture.md, Webhooks): each one receives the events of its tenant that
// match its types and accounts, one POST per event, signed with its own secret:
//   X-Tgmux-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
// Order: per account. An account's events are delivered one at a time in log
// order (the next only once the previous was answered 2xx); different
// accounts' events are delivered at once, in any order between them, so a
// failing event holds back only its own account's later events (events about
// no account form one more such lane). See WebhookLanes.
// A failed delivery (no 2xx within the timeout) is retried with exponential
// backoff, 1 s doubling up to 10 min, for TGMUX_WEBHOOK_RETRY_FOR (24 h);
// then the webhook is disabled and a webhook.disabled event says why. A
// webhook starts with the events written after its creation. At least once:
// the webhook's position (delivered_seq, every matching event up to it is
// delivered) is stored every kPersistEvery, so after a restart events past
// it may come again (X-Tgmux-Event-Id tells them). /metrics shows each active
// webhook's backlog and how long it has been failing, and deliveries by
// outcome (docs/metrics.md). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/work_pool.h"
#include "service/accounts/accounts.h"
#include "service/events/events.h"
#include "service/events/webhook_client.h"
#include "service/events/webhook_lanes.h"
#include "service/infrastructure.h"

namespace tgmux::service {

struct NewWebhook {
  std::string url;
  std::vector<std::string> types;        // empty: every type
  std::vector<std::string> account_ids;  // empty: every account of the tenant
};

class WebhookService {
 public:
  static constexpr int kWorkers = 16;  // deliveries in flight at once, over every webhook and account
  static constexpr auto kTimeout = std::chrono::seconds(10);
  static constexpr auto kPersistEvery = std::chrono::milliseconds(100);
  static constexpr std::size_t kWindow = 2000;  // events read ahead per webhook

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

  // Several nodes (docs/cluster.md): each webhook is delivered by the one
  // node that holds its lease. `holds` is asked before each delivery and
  // before storing a position; `created` hears a webhook made here. Then
  // Start delivers nothing by itself: the cluster calls Run and Halt. Only
  // before Start.
  void SetPlacement(std::function<bool(const std::string& id)> holds, std::function<void(const std::string& id)> created);
  // The ids of the active webhooks (of every tenant), from the store.
  std::vector<std::string> ActiveIds();
  // Delivers the webhook from its stored position (nothing when it runs here already).
  void Run(const std::string& id);
  // Stops delivering it once its deliveries in flight are answered; `keep`:
  // its position is stored first. Then `done`.
  void Halt(const std::string& id, bool keep, std::function<void()> done);
  // Stops; deliveries in flight finish first, and every webhook's position is stored.
  void Stop();

 private:
  // An active webhook being delivered.
  struct Hook {
    store::Webhook row;
    std::string secret;
    WebhookUrl url;
    WebhookLanes lanes;
    bool more = true;    // the log may hold events after lanes.read_seq()
    bool dirty = false;  // row lags behind lanes
    int in_flight = 0;   // deliveries handed to the workers and not yet answered
    bool halting = false;  // Halt: no new deliveries; leaves once in_flight is 0
    bool keep = false;     // Halt stores its position first
    std::function<void()> halted = nullptr;
  };
  void Track(const store::Webhook& row, std::string secret);  // under mutex_
  void Dispatch();
  // Reads ahead for the webhooks with room and more to read (unlocks `lock` meanwhile).
  void Fill(std::unique_lock<std::mutex>& lock);
  // Hands every lane's next due event to the workers; returns when a retry is next due. Under mutex_.
  std::chrono::steady_clock::time_point Launch();
  // Stores the rows of webhooks whose position or failures changed (unlocks `lock` meanwhile).
  void Persist(std::unique_lock<std::mutex>& lock);
  // The halting webhooks with nothing in flight leave (unlocks `lock` meanwhile).
  void Retire(std::unique_lock<std::mutex>& lock);
  // Removes a webhook from hooks_; what its Halt waits for runs after the lock. Under mutex_.
  std::function<void()> Forget(std::map<std::string, Hook>::iterator it);
  void Deliver(const std::string& id, const WebhookDelivery& delivery);
  // The webhook failed for longer than the retry window: its final row. Under mutex_.
  store::Webhook Disable(Hook& hook, std::int64_t failing_ms, const std::string& error);
  static void Sync(Hook& hook);  // row from lanes
  void CollectMetrics(Metrics::Writer& writer);

  Infrastructure& infra_;
  AccountService& accounts_;
  EventService& events_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool stopping_ = false;
  bool rescan_ = false;
  std::map<std::string, Hook> hooks_;  // active ones, by id
  std::function<bool(const std::string&)> holds_;     // set on several nodes
  std::function<void(const std::string&)> created_;
  std::vector<store::Webhook> disabled_;  // rows to store: written by Persist only, after the older ones
  WorkPool posts_{"webhooks", kWorkers};
  std::thread dispatcher_;
};

}  // namespace tgmux::service
