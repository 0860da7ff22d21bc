// Internal to store/: the SQL for notification subscriptions (notification_records.h).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/notification_records.h"

namespace tgmux::store::sqlite_notifications {

// Inserts or replaces by id, and replaces any other subscription of the same subscriber.
void PutSubscription(SQLite::Database& db, const NotificationSubscription& subscription);
std::optional<NotificationSubscription> FindSubscription(SQLite::Database& db, std::string_view id);
std::optional<NotificationSubscription> FindSubscriptionOf(SQLite::Database& db, std::string_view subscriber_id);
std::vector<NotificationSubscription> ListSubscriptions(SQLite::Database& db, std::string_view tenant_id);
bool DeleteSubscription(SQLite::Database& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sqlite_notifications
