#include "store/sql_notifications.h"


#include <nlohmann/json.hpp>
#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_notifications {
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

NotificationSubscription Read(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          ParseEvents(row.Text(3)), row.Int64(4), row.Int64(5)};
}

}  // namespace

void PutSubscription(sql::Connection& db, const NotificationSubscription& s) {
  sql::Transaction transaction(db);
  sql::Statement others(db, "DELETE FROM notification_subscriptions WHERE subscriber_id = ? AND id <> ?");
  sql::BindAll(others, s.subscriber_id, s.id);
  others.Exec();
  sql::Statement put(db, sql::Upsert("notification_subscriptions", kColumns, "id"));
  sql::BindAll(put, s.id, s.tenant_id, s.subscriber_id, nlohmann::json(s.events).dump(), s.created_at,
               s.updated_at);
  put.Exec();
  transaction.Commit();
}

std::optional<NotificationSubscription> FindSubscription(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kColumns, "notification_subscriptions", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, Read);
}

std::optional<NotificationSubscription> FindSubscriptionOf(sql::Connection& db, std::string_view subscriber_id) {
  sql::Statement query(db, Select(kColumns, "notification_subscriptions", "WHERE subscriber_id = ?"));
  sql::BindAll(query, std::string(subscriber_id));
  return One(query, Read);
}

std::vector<NotificationSubscription> ListSubscriptions(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(
      db, Select(kColumns, "notification_subscriptions", "WHERE tenant_id = ? ORDER BY created_at, id"));
  sql::BindAll(query, std::string(tenant_id));
  return ReadAll<NotificationSubscription>(query, Read);
}

bool DeleteSubscription(sql::Connection& db, std::string_view tenant_id, std::string_view id) {
  sql::Statement remove(db, "DELETE FROM notification_subscriptions WHERE tenant_id = ? AND id = ?");
  sql::BindAll(remove, std::string(tenant_id), std::string(id));
  return remove.Exec() > 0;
}

}  // namespace tgmux::store::sql_notifications
