// The settings clients send as JSON, each read or refused with tgmux::Error
// naming the field: an account pool's (PATCH /v1/pools/{name}) and an
// account's own limits (PATCH /v1/accounts/{id} {"limits"}), a bot's
// features, access and link policy (POST/PATCH /v1/bots), a relay's (PUT
// /v1/accounts/{id}/relay), an API key's MCP settings (PATCH
// /v1/api-keys/{id}), a notification subscription's (POST
// /v1/notifications/subscriptions); and pool names. What is read is within
// its bounds and comes back the same from its stored form.
//
// Input: a selector byte (which reader), then the JSON body (or the name).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "fuzz/check.h"
#include "service/auth/mcp_settings.h"
#include "service/bots/bot_settings.h"
#include "service/health/notification_settings.h"
#include "service/pools/pool_settings.h"
#include "service/relay/relay_settings.h"

using nlohmann::json;
namespace service = tgmux::service;
namespace pools = tgmux::service::pools;

namespace {

void Pool(const json& body) {
  const auto settings = pools::Patched(pools::PoolSettings{}, body);
  FUZZ_CHECK(settings.daily_limit >= 0 && settings.warmup_days >= 0 && settings.warmup_first_day >= 0);
  FUZZ_CHECK(!settings.timezone.empty());
  FUZZ_CHECK(pools::PoolSettings::FromText(settings.ToJson().dump()).ToJson() == settings.ToJson());
}

void Limits(const json& body) {
  const auto limits = pools::CheckedLimits(body);
  const auto settings = pools::WithLimits(pools::PoolSettings{}, limits.is_null() ? "" : limits.dump());
  FUZZ_CHECK(settings.daily_limit >= 0 && settings.warmup_days >= 0 && settings.warmup_first_day >= 0);
}

void Bot(const json& body) {
  if (!body.is_object()) return;
  if (body.contains("features")) (void)service::ParseBotFeatures(body["features"]);
  if (body.contains("access")) {
    const auto access = service::ParseBotAccess(body["access"]);
    FUZZ_CHECK(service::ParseBotAccess(access.ToJson()).ToJson() == access.ToJson());
  }
  if (body.contains("link_policy")) (void)service::ParseLinkPolicy(body["link_policy"]);
}

void Relay(const json& body) {
  const auto settings = service::relay::ParseRelaySettings(body);
  FUZZ_CHECK(settings.group_chat_id < 0);
  FUZZ_CHECK(!settings.bot_id.empty());
}

void Mcp(const json& body) {
  const auto settings = service::ParseMcpSettings(body, service::McpSettings{});
  const auto stored = service::McpSettingsJson(settings);
  FUZZ_CHECK(service::McpSettingsJson(service::StoredMcpSettings(stored.dump())) == stored);
  if (settings.tools) {
    for (const auto& tool : *settings.tools) {
      FUZZ_CHECK(std::find(service::kMcpTools.begin(), service::kMcpTools.end(), tool) != service::kMcpTools.end());
    }
  }
}

void Notification(const json& body) {
  const auto request = service::ParseNotificationRequest(body);
  const auto& known = service::NotificationEvents();
  FUZZ_CHECK(!request.events.empty());
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    const auto& event = request.events[i];
    FUZZ_CHECK(std::find(known.begin(), known.end(), event) != known.end());
    FUZZ_CHECK(std::find(request.events.begin(), request.events.begin() + i, event) == request.events.begin() + i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const int reader = data[0] % 7;
    if (reader == 5) {
      const auto name = pools::CheckPoolName(text);
      FUZZ_CHECK(!name.empty() && name.size() <= 64);
      return 0;
    }
    const auto body = json::parse(text, nullptr, false);
    if (body.is_discarded()) return 0;
    if (reader == 0) Pool(body);
    if (reader == 1) Limits(body);
    if (reader == 2) Bot(body);
    if (reader == 3) Relay(body);
    if (reader == 4) Mcp(body);
    if (reader == 6) Notification(body);
  } catch (const tgmux::Error&) {
    // refused, naming the field
  }
  return 0;
}
