// Wall-clock times as the API shows them.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux {

// Unix seconds now.
std::int64_t UnixSeconds();
// Unix milliseconds now.
std::int64_t UnixMillis();
// RFC 3339 in UTC, "2026-11-21T12:00:00Z".
std::string Rfc3339(std::int64_t unix_seconds);

}  // namespace tgmux
