// Process-wide logging on spdlog: text lines or JSON lines (one object per line).
// Callers never pass secrets; phone numbers go through MaskPhone first.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace tgmux::log {

// format: "text" | "json"; level: trace|debug|info|warn|error. Logs go to stderr.
void Setup(const std::string& level, const std::string& format);

}  // namespace tgmux::log
