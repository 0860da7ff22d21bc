#include "telegram/parse_mode.h"

#include <utility>

namespace tgmux::telegram {
namespace {

constexpr std::pair<ParseMode, std::string_view> kParseModeNames[] = {
    {ParseMode::kNone, ""},
    {ParseMode::kMarkdown, "markdown"},
    {ParseMode::kMarkdownV2, "markdownv2"},
    {ParseMode::kHtml, "html"},
};

}  // namespace

std::string_view ParseModeName(ParseMode mode) {
  for (const auto& [value, name] : kParseModeNames) {
    if (value == mode) return name;
  }
  return "";
}

std::optional<ParseMode> ParseModeFromName(std::string_view name) {
  for (const auto& [value, known] : kParseModeNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace tgmux::telegram
