// Internal to store/: the SQL for notification subscriptions (notification_records.h).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/notification_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_notifications {

// Inserts or replaces by id, and replaces any other subscription of the same subscriber.
void PutSubscription(sql::Connection& db, const NotificationSubscription& subscription);
std::optional<NotificationSubscription> FindSubscription(sql::Connection& db, std::string_view id);
std::optional<NotificationSubscription> FindSubscriptionOf(sql::Connection& db, std::string_view subscriber_id);
std::vector<NotificationSubscription> ListSubscriptions(sql::Connection& db, std::string_view tenant_id);
bool DeleteSubscription(sql::Connection& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sql_notifications
