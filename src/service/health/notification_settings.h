// What POST /v1/notifications/subscriptions asks for (docs/pools.md, Account
// health): a subscriber and the events it hears. Pure: read from the JSON
// body and checked here; NotificationService looks the subscriber up.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tgmux::service {

// An account's status changed (and is worth telling: NotificationService).
inline constexpr std::string_view kAccountStatusEvent = "account.status";

struct NotificationRequest {
  std::string subscriber_id;        // as given (sub_…), not yet known to be the tenant's
  std::vector<std::string> events;  // known names, each once, in the order first given
};

// The events one may subscribe to.
const std::vector<std::string>& NotificationEvents();

// {"subscriber": "sub_…", "events": ["account.status"]}. Throws
// Error(invalid_request) naming the field ("body", "subscriber", "events",
// "events[2]") and what is wrong; an unknown event is named (its first 64
// bytes) with the known ones.
NotificationRequest ParseNotificationRequest(const nlohmann::json& body);

}  // namespace tgmux::service
