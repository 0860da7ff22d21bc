#include "store/sqlite_notifications.h"

#include <SQLiteCpp/VariadicBind.h>

#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_notifications {
namespace {

constexpr const char* kColumns = "id, tenant_id, subscriber_id, events, created_at, updated_at";

// The events column holds a JSON array of event types.
std::vector<std::string> ParseEvents(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) throw StoreError("notification_subscriptions.events holds \"" + text + "\", not a list");
  std::vector<std::string> events;
  for (const auto& event : parsed) {
    if (event.is_string()) events.push_back(event.get<std::string>());
  }
  return events;
}

NotificationSubscription Read(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
          ParseEvents(row.getColumn(3).getString()), row.getColumn(4).getInt64(), row.getColumn(5).getInt64()};
}

}  // namespace

void PutSubscription(SQLite::Database& db, const NotificationSubscription& s) {
  SQLite::Transaction transaction(db);
  SQLite::Statement others(db, "DELETE FROM notification_subscriptions WHERE subscriber_id = ? AND id <> ?");
  SQLite::bind(others, s.subscriber_id, s.id);
  others.exec();
  SQLite::Statement put(db, std::string("INSERT OR REPLACE INTO notification_subscriptions (") + kColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, s.id, s.tenant_id, s.subscriber_id, nlohmann::json(s.events).dump(), s.created_at,
               s.updated_at);
  put.exec();
  transaction.commit();
}

std::optional<NotificationSubscription> FindSubscription(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kColumns, "notification_subscriptions", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, Read);
}

std::optional<NotificationSubscription> FindSubscriptionOf(SQLite::Database& db, std::string_view subscriber_id) {
  SQLite::Statement query(db, Select(kColumns, "notification_subscriptions", "WHERE subscriber_id = ?"));
  SQLite::bind(query, std::string(subscriber_id));
  return One(query, Read);
}

std::vector<NotificationSubscription> ListSubscriptions(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(
      db, Select(kColumns, "notification_subscriptions", "WHERE tenant_id = ? ORDER BY created_at, id"));
  SQLite::bind(query, std::string(tenant_id));
  return ReadAll<NotificationSubscription>(query, Read);
}

bool DeleteSubscription(SQLite::Database& db, std::string_view tenant_id, std::string_view id) {
  SQLite::Statement remove(db, "DELETE FROM notification_subscriptions WHERE tenant_id = ? AND id = ?");
  SQLite::bind(remove, std::string(tenant_id), std::string(id));
  return remove.exec() > 0;
}

}  // namespace tgmux::store::sqlite_notifications
