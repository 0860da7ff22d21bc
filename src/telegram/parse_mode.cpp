#include "telegram/parse_mode.h"

#include <array>

#include "common/name_table.h"

namespace tgmux::telegram {
namespace {

using ModeRow = NameRow<ParseMode>;

constexpr std::array kParseModes = {
    ModeRow{ParseMode::kNone, ""},
    ModeRow{ParseMode::kMarkdown, "markdown"},
    ModeRow{ParseMode::kMarkdownV2, "markdownv2"},
    ModeRow{ParseMode::kHtml, "html"},
};

}  // namespace

std::string_view ParseModeName(ParseMode mode) { return NameIn(kParseModes, mode); }

std::optional<ParseMode> ParseModeFromName(std::string_view name) { return ValueIn(kParseModes, name); }

}  // namespace tgmux::telegram
