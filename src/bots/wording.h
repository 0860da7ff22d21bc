// How the bots put times, waits, people and messages into words.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

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
std::string Lower(std::string_view text);  // ASCII letters only (usernames, commands)
std::string_view Trim(std::string_view text);

// A message that is a command: "/Who@Desk_Bot  args" is {"who", "args", "desk_bot"}.
struct CommandLine {
  std::string name;  // lower case, without '/'
  std::string args;  // the rest, trimmed
  std::string bot;   // the bot it names after '@', lower case; "" when none
};
// Nullopt when the text (trimmed) does not start with '/'.
std::optional<CommandLine> ParseCommand(std::string_view text);

// A string member of a JSON object (an event's or a match's data); "" when absent or not a string.
std::string TextField(const nlohmann::json& object, const char* name);

}  // namespace tgmux::bots
