// How the bots put times and waits into words.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace tgmux::bots {

// "12:30 UTC" for a moment within a day, else "2026-11-27 12:30 UTC".
std::string When(std::int64_t unix_seconds);
// "45 seconds", "5 minutes", "3 hours".
std::string WaitText(int seconds);
// A string member of a JSON object (an event's or a match's data); "" when absent or not a string.
std::string TextField(const nlohmann::json& object, const char* name);

}  // namespace tgmux::bots
