#include "service/health/notifications.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/time.h"
#include "crypto/random_id.h"

namespace tgmux::service {
namespace {

using nlohmann::json;

constexpr std::string_view kAccountStatus = "account.status";

std::vector<std::string> ParseEvents(const json& body) {
  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    InvalidField("events", "must be a non-empty list of event names, e.g. [\"account.status\"]");
  }
  std::vector<std::string> events;
  const auto& known = NotificationService::KnownEvents();
  for (std::size_t i = 0; i < body["events"].size(); ++i) {
    const json& event = body["events"][i];
    const std::string field = "events[" + std::to_string(i) + "]";
    if (!event.is_string()) InvalidField(field, "must be an event name");
    const auto name = event.get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      InvalidField(field, "unknown event \"" + name.substr(0, 64) + "\" (known: " + names + ")");
    }
    if (std::find(events.begin(), events.end(), name) == events.end()) events.push_back(name);
  }
  return events;
}

}  // namespace

NotificationService::NotificationService(Infrastructure& infra, AccountService& accounts) : infra_(infra) {
  accounts.AddObserver(this);
}

const std::vector<std::string>& NotificationService::KnownEvents() {
  static const std::vector<std::string> events{std::string(kAccountStatus)};
  return events;
}

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

store::NotificationSubscription NotificationService::Subscribe(const std::string& tenant_id, const json& body,
                                                               bool& created) {
  if (!body.is_object()) InvalidField("body", "must be a JSON object");
  if (!body.contains("subscriber") || !body["subscriber"].is_string()) {
    InvalidField("subscriber", "must be a subscriber id (sub_…, GET /v1/subscribers)");
  }
  const auto subscriber_id = body["subscriber"].get<std::string>();
  auto events = ParseEvents(body);
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
  s.events = std::move(events);
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
    if (std::find(events.begin(), events.end(), kAccountStatus) == events.end()) continue;
    auto subscriber = infra_.store().FindSubscriber(subscription.subscriber_id);
    if (subscriber) notifier->OnAccountStatus(*subscriber, account, previous);
  }
}

}  // namespace tgmux::service
