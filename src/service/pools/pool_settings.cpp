#include "service/pools/pool_settings.h"

#include <cctype>

#include "common/error.h"
#include "service/pools/pool_calendar.h"

namespace tgmux::service::pools {
namespace {

using nlohmann::json;

int Whole(const json& patch, const char* field, int low, int high) {
  const json& value = patch.at(field);
  if (!value.is_number_integer() || value.get<std::int64_t>() < low || value.get<std::int64_t>() > high) {
    InvalidField(field, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return value.get<int>();
}

}  // namespace

json PoolSettings::ToJson() const {
  return {{"daily_limit", daily_limit},
          {"warmup_days", warmup_days},
          {"warmup_first_day", warmup_first_day},
          {"timezone", timezone},
          {"reassign_first_messages", reassign_first_messages}};
}

PoolSettings PoolSettings::FromText(const std::string& text) {
  PoolSettings settings;
  try {
    settings = Patched(settings, json::parse(text));
  } catch (const std::exception&) {
  }
  return settings;
}

PoolSettings Patched(PoolSettings s, const json& patch) {
  if (!patch.is_object()) InvalidField("body", "must be a JSON object");
  for (const auto& [key, value] : patch.items()) {
    if (key == "daily_limit") {
      s.daily_limit = Whole(patch, "daily_limit", 1, 10000);
    } else if (key == "warmup_days") {
      s.warmup_days = Whole(patch, "warmup_days", 0, 365);
    } else if (key == "warmup_first_day") {
      s.warmup_first_day = Whole(patch, "warmup_first_day", 1, 10000);
    } else if (key == "timezone") {
      if (!value.is_string() || !KnownTimezone(value.get<std::string>())) {
        InvalidField("timezone", "must be an IANA time zone name such as \"Europe/Berlin\" or \"UTC\"");
      }
      s.timezone = value.get<std::string>();
    } else if (key == "reassign_first_messages") {
      if (!value.is_boolean()) InvalidField("reassign_first_messages", "must be true or false");
      s.reassign_first_messages = value.get<bool>();
    } else {
      InvalidField(key, "is not a pool setting (daily_limit, warmup_days, warmup_first_day, timezone, "
                   "reassign_first_messages)");
    }
  }
  return s;
}

json CheckedLimits(const json& patch) {
  if (patch.is_null()) return json::object();
  if (!patch.is_object()) InvalidField("limits", "must be an object or null");
  json out = json::object();
  for (const auto& [key, value] : patch.items()) {
    if (key != "daily_limit" && key != "warmup_days" && key != "warmup_first_day") {
      InvalidField("limits." + key, "is not an account's own limit (daily_limit, warmup_days, warmup_first_day)");
    }
    if (value.is_null()) continue;
    try {
      Patched(PoolSettings{}, json{{key, value}});
    } catch (const Error& e) {
      InvalidField("limits." + key, std::string(e.what()).substr(key.size() + 2));
    }
    out[key] = value;
  }
  return out;
}

PoolSettings WithLimits(PoolSettings pool, const std::string& limits) {
  if (limits.empty()) return pool;
  try {
    return Patched(pool, json::parse(limits));
  } catch (const std::exception&) {
    return pool;
  }
}

std::string CheckPoolName(const std::string& name, const std::string& field) {
  bool ok = !name.empty() && name.size() <= 64;
  for (unsigned char c : name) ok = ok && (std::isalnum(c) || c == '_' || c == '-' || c == '.');
  if (!ok) InvalidField(field, "a pool's name is 1 to 64 letters, digits, '_', '-' or '.'");
  return name;
}

}  // namespace tgmux::service::pools
