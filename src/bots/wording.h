// How the bots put times, waits, people and messages into words.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace tgmux::bots {

// "12:30 UTC" for a moment within a day, else "2026-11-27 12:30 UTC".
std::string When(std::int64_t unix_seconds);
// "45 seconds", "5 minutes", "3 hours".
std::string WaitText(int seconds);
// "Anna Petrova (@anna)" from an event's `from` ({name, username?}); "someone" without a name.
std::string SenderLine(const nlohmann::json& from);
// An event message's text as a line: its text or caption, after "[photo]" for what it carries.
std::string Body(const nlohmann::json& message);
// At most `bytes` of UTF-8 text, cut at a character boundary (and then ending in "…").
std::string Cut(std::string text, std::size_t bytes);
// A string member of a JSON object (an event's or a match's data); "" when absent or not a string.
std::string TextField(const nlohmann::json& object, const char* name);

}  // namespace tgmux::bots
