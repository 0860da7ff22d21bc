#include "service/health/notification_settings.h"

#include <algorithm>

#include "common/error.h"

namespace tgmux::service {
namespace {

using nlohmann::json;

std::vector<std::string> ParseEvents(const json& body) {
  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    InvalidField("events", "must be a non-empty list of event names, e.g. [\"account.status\"]");
  }
  std::vector<std::string> events;
  const auto& known = NotificationEvents();
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

const std::vector<std::string>& NotificationEvents() {
  static const std::vector<std::string> events{std::string(kAccountStatusEvent)};
  return events;
}

NotificationRequest ParseNotificationRequest(const json& body) {
  if (!body.is_object()) InvalidField("body", "must be a JSON object");
  if (!body.contains("subscriber") || !body["subscriber"].is_string()) {
    InvalidField("subscriber", "must be a subscriber id (sub_…, GET /v1/subscribers)");
  }
  NotificationRequest request;
  request.subscriber_id = body["subscriber"].get<std::string>();
  request.events = ParseEvents(body);
  return request;
}

}  // namespace tgmux::service
