// The one name table of parse modes, as the API takes them and the outbox
// stores them: "" (ParseMode::kNone), "markdown", "markdownv2", "html".
#pragma once

#include <optional>
#include <string_view>

#include "telegram/messages.h"

namespace tgmux::telegram {

std::string_view ParseModeName(ParseMode mode);
// nullopt for a name not in the table.
std::optional<ParseMode> ParseModeFromName(std::string_view name);

}  // namespace tgmux::telegram
