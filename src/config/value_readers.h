// Readers of one setting's value (config.cpp's table uses them): each returns
// the value or throws std::invalid_argument saying what was expected, which
// Load turns into one ConfigError line naming the setting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace tgmux::config {

[[noreturn]] void Bad(const std::string& what);

std::int64_t ParseInteger(const std::string& value, std::int64_t min, std::int64_t max);
double ParsePositiveSeconds(const std::string& value);
double ParseSecondsOrZero(const std::string& value);
double ParseSecondsUpTo(const std::string& value, double max);
double ParseHours(const std::string& value);
// "COUNT/SECONDS", e.g. "5/900": at most 5 in any 900-second window.
RateLimit ParseRateLimit(const std::string& value);
// A size in bytes: "1048576", "512KiB", "50MiB", "1GiB" (K, M, G alone mean the same).
std::uint64_t ParseSize(const std::string& value, std::uint64_t min, std::uint64_t max);
// "ADDRESS/PREFIX" or a bare address (a single host), IPv4 or IPv6.
void CheckCidr(const std::string& cidr);
// "a, b,c" as its non-empty items, spaces around them dropped.
std::vector<std::string> CommaItems(const std::string& value);
std::vector<std::string> ParseCidrList(const std::string& value);
std::vector<std::string> ParseCompatList(const std::string& value);
// Exact origins as browsers send them: http(s)://host[:port], no path, no trailing slash.
std::vector<std::string> ParseOriginList(const std::string& value);

}  // namespace tgmux::config
