// Notifications by bot (docs/pools.md, Account health): a tenant's
// subscribers (the watcher's people who started its bot with the `notify`
// feature) choose events — today `account.status` — and hear about them from
// the bot. Subscriptions live in the store; the bots front-end delivers.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/accounts/accounts.h"
#include "service/infrastructure.h"

namespace tgmux::service {

// Implemented by the bots' front-end: tells one subscriber. Called on the
// background thread; must return quickly (queue the message).
class HealthNotifier {
 public:
  virtual ~HealthNotifier() = default;
  virtual void OnAccountStatus(const store::Subscriber& subscriber, const store::Account& account,
                               std::optional<store::AccountStatus> previous) = 0;
};

class NotificationService : public AccountObserver {
 public:
  NotificationService(Infrastructure& infra, AccountService& accounts);

  void SetNotifier(std::shared_ptr<HealthNotifier> notifier);

  // POST /v1/notifications/subscriptions {subscriber, events}: creates the
  // subscriber's subscription or replaces its events (`created` says which).
  // Errors: invalid_request naming the field (ParseNotificationRequest reads
  // the body); not_found for a subscriber not of the tenant.
  store::NotificationSubscription Subscribe(const std::string& tenant_id, const nlohmann::json& body, bool& created);
  std::vector<store::NotificationSubscription> List(const std::string& tenant_id);
  // Errors: not_found.
  void Unsubscribe(const std::string& tenant_id, const std::string& id);
  // The events one may subscribe to (NotificationEvents).
  static const std::vector<std::string>& KnownEvents();

  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;

 private:
  std::shared_ptr<HealthNotifier> Notifier();
  bool Worth(const store::Account& account);

  Infrastructure& infra_;
  std::mutex mutex_;
  std::shared_ptr<HealthNotifier> notifier_;
  std::set<std::string> told_;  // accounts last told about a status other than active
};

}  // namespace tgmux::service
