#include "bots/wording.h"

#include <algorithm>
#include <cctype>

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

std::string SenderLine(const nlohmann::json& from) {
  std::string name = from.value("name", "");
  if (name.empty()) name = "someone";
  std::string username = TextField(from, "username");
  if (!username.empty()) name += " (@" + username + ")";
  return name;
}

std::string Body(const nlohmann::json& message) {
  std::string text = TextField(message, "text");
  std::string kind = TextField(message, "content_type");
  if (!kind.empty()) text = text.empty() ? "[" + kind + "]" : "[" + kind + "] " + text;
  return text;
}

std::string Cut(std::string text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<CommandLine> ParseCommand(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.front() != '/') return std::nullopt;
  std::string_view word = text.substr(0, text.find_first_of(" \n"));
  CommandLine command;
  command.args = std::string(Trim(text.substr(word.size())));
  std::string_view name = word.substr(1);
  if (auto at = name.find('@'); at != std::string_view::npos) {
    command.bot = Lower(name.substr(at + 1));
    name = name.substr(0, at);
  }
  command.name = Lower(name);
  return command;
}

std::string TextField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace tgmux::bots
