#include "bots/wording.h"

#include "common/time.h"

namespace tgmux::bots {

// "12:30 UTC" for a wait within a day, else the date and time.
std::string When(std::int64_t unix_seconds) {
  std::string at = Rfc3339(unix_seconds);  // 2026-11-21T12:00:00Z
  if (unix_seconds - UnixSeconds() < 20 * 3600) return at.substr(11, 5) + " UTC";
  return at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
}

std::string WaitText(int seconds) {
  if (seconds < 120) return std::to_string(seconds) + " seconds";
  if (seconds < 2 * 3600) return std::to_string((seconds + 59) / 60) + " minutes";
  return std::to_string((seconds + 1799) / 3600) + " hours";
}

std::string TextField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace tgmux::bots
