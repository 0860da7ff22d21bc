#include "service/health/notifications.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/time.h"
#include "crypto/random_id.h"
#include "service/health/notification_settings.h"

namespace tgmux::service {

NotificationService::NotificationService(Infrastructure& infra, AccountService& accounts) : infra_(infra) {
  accounts.AddObserver(this);
}

const std::vector<std::string>& NotificationService::KnownEvents() { return NotificationEvents(); }

void NotificationService::SetNotifier(std::shared_ptr<HealthNotifier> notifier) {
  std::lock_guard lock(mutex_);
  notifier_ = std::move(notifier);
}

bool NotificationService::Worth(const store::Account& account) {
  // A client starting (connecting, then active) is routine: only a connection
  // that failed is news, and `active` only after news.
  std::lock_guard lock(mutex_);
  if (account.status == store::AccountStatus::kActive) return told_.erase(account.id) > 0;
  if (account.status == store::AccountStatus::kConnecting && account.last_error.empty()) return false;
  told_.insert(account.id);
  return true;
}

std::shared_ptr<HealthNotifier> NotificationService::Notifier() {
  std::lock_guard lock(mutex_);
  return notifier_;
}

store::NotificationSubscription NotificationService::Subscribe(const std::string& tenant_id,
                                                               const nlohmann::json& body, bool& created) {
  auto request = ParseNotificationRequest(body);
  const auto& subscriber_id = request.subscriber_id;
  auto subscriber = infra_.store().FindSubscriber(subscriber_id);
  if (!subscriber || subscriber->tenant_id != tenant_id) {
    throw Error(ErrorCode::kNotFound, "no subscriber " + subscriber_id.substr(0, 64));
  }
  auto existing = infra_.store().FindNotificationSubscriptionOf(subscriber_id);
  created = !existing;
  store::NotificationSubscription s;
  s.id = existing ? existing->id : crypto::RandomId("nsub");
  s.tenant_id = tenant_id;
  s.subscriber_id = subscriber_id;
  s.events = std::move(request.events);
  s.updated_at = UnixSeconds();
  s.created_at = existing ? existing->created_at : s.updated_at;
  infra_.store().PutNotificationSubscription(s);
  return s;
}

std::vector<store::NotificationSubscription> NotificationService::List(const std::string& tenant_id) {
  return infra_.store().ListNotificationSubscriptions(tenant_id);
}

void NotificationService::Unsubscribe(const std::string& tenant_id, const std::string& id) {
  if (!infra_.store().DeleteNotificationSubscription(tenant_id, id)) {
    throw Error(ErrorCode::kNotFound, "no notification subscription " + id.substr(0, 64));
  }
}

void NotificationService::OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) {
  if (!previous) return;  // just linked: the person linking it knows
  auto notifier = Notifier();
  if (!notifier || !Worth(account)) return;
  for (const auto& subscription : infra_.store().ListNotificationSubscriptions(account.tenant_id)) {
    const auto& events = subscription.events;
    if (std::find(events.begin(), events.end(), kAccountStatusEvent) == events.end()) continue;
    auto subscriber = infra_.store().FindSubscriber(subscription.subscriber_id);
    if (subscriber) notifier->OnAccountStatus(*subscriber, account, previous);
  }
}

}  // namespace tgmux::service
