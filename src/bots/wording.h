// How the bots put times and waits into words.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux::bots {

// "12:30 UTC" for a moment within a day, else "2026-11-27 12:30 UTC".
std::string When(std::int64_t unix_seconds);
// "45 seconds", "5 minutes", "3 hours".
std::string WaitText(int seconds);

}  // namespace tgmux::bots
