#include "config/value_readers.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace tgmux::config {

void Bad(const std::string& what) { throw std::invalid_argument(what); }

std::int64_t ParseInteger(const std::string& value, std::int64_t min, std::int64_t max) {
  std::int64_t result = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    Bad("expected an integer");
  }
  if (result < min || result > max) {
    Bad("expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return result;
}

double ParsePositiveSeconds(const std::string& value) {
  char* end = nullptr;
  double result = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(result > 0) || result > 86400) {
    Bad("expected a number of seconds greater than 0 and at most 86400");
  }
  return result;
}

double ParseSecondsOrZero(const std::string& value) {
  char* end = nullptr;
  double result = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(result >= 0) || result > 86400) {
    Bad("expected a number of seconds from 0 to 86400");
  }
  return result;
}

double ParseSecondsUpTo(const std::string& value, double max) {
  char* end = nullptr;
  double result = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(result > 0) || result > max) {
    Bad("expected a number of seconds greater than 0 and at most " + std::to_string(static_cast<long>(max)));
  }
  return result;
}

double ParseHours(const std::string& value) {
  char* end = nullptr;
  double result = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(result > 0) || result > 8760) {
    Bad("expected a number of hours greater than 0 and at most 8760");
  }
  return result;
}

// "COUNT/SECONDS", e.g. "5/900": at most 5 in any 900-second window.
RateLimit ParseRateLimit(const std::string& value) {
  auto slash = value.find('/');
  if (slash == std::string::npos) Bad("expected COUNT/SECONDS such as 5/900");
  RateLimit limit;
  try {
    limit.count = static_cast<int>(ParseInteger(value.substr(0, slash), 1, 1000000));
    limit.window_seconds = ParseSecondsUpTo(value.substr(slash + 1), 86400);
  } catch (const std::invalid_argument&) {
    Bad("expected COUNT/SECONDS such as 5/900, COUNT from 1, SECONDS up to 86400");
  }
  return limit;
}

// A size in bytes: "1048576", "512KiB", "50MiB", "1GiB" (K, M, G alone mean the same).
std::uint64_t ParseSize(const std::string& value, std::uint64_t min, std::uint64_t max) {
  std::size_t digits = 0;
  while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
  std::string unit = value.substr(digits);
  static const std::map<std::string, int> kShift = {{"", 0}, {"K", 10}, {"KiB", 10}, {"M", 20},
                                                    {"MiB", 20}, {"G", 30}, {"GiB", 30}};
  auto shift = kShift.find(unit);
  if (digits == 0 || shift == kShift.end() || digits > 12) Bad("expected a size such as 52428800, 50MiB or 1GiB");
  std::uint64_t count = std::stoull(value.substr(0, digits));
  std::uint64_t size = count << shift->second;  // checked below: a count beyond max >> shift wraps
  if (count > (max >> shift->second) || size < min || size > max) {
    Bad("expected a size from " + std::to_string(min) + " to " + std::to_string(max) + " bytes");
  }
  return size;
}

// "ADDRESS/PREFIX" or a bare address (a single host), IPv4 or IPv6.
void CheckCidr(const std::string& cidr) {
  auto slash = cidr.find('/');
  std::string address = cidr.substr(0, slash);
  unsigned char bytes[16];
  bool v4 = inet_pton(AF_INET, address.c_str(), bytes) == 1;
  bool v6 = !v4 && inet_pton(AF_INET6, address.c_str(), bytes) == 1;
  if (!v4 && !v6) Bad("expected comma-separated CIDRs such as 127.0.0.1/32 or ::1/128");
  if (slash == std::string::npos) return;
  try {
    ParseInteger(cidr.substr(slash + 1), 0, v4 ? 32 : 128);
  } catch (const std::invalid_argument&) {
    Bad("\"" + cidr + "\": the prefix length must be 0.." + std::string(v4 ? "32" : "128"));
  }
}

// "a, b,c" as its non-empty items, spaces around them dropped.
std::vector<std::string> CommaItems(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> ParseCidrList(const std::string& value) {
  auto out = CommaItems(value);
  for (const auto& item : out) CheckCidr(item);
  return out;
}

std::vector<std::string> ParseCompatList(const std::string& value) {
  static const std::set<std::string> kSurfaces = {"personal-accounts", "user-api", "multi-profile"};
  auto items = CommaItems(value);
  for (const auto& item : items) {
    if (!kSurfaces.count(item)) {
      Bad("unknown surface \"" + item + "\"; expected a comma-separated list of personal-accounts, user-api, multi-profile");
    }
  }
  return items;
}

// Exact origins as browsers send them: http(s)://host[:port], no path, no trailing slash.
std::vector<std::string> ParseOriginList(const std::string& value) {
  auto items = CommaItems(value);
  for (const auto& item : items) {
    auto scheme_end = item.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : item.substr(0, scheme_end);
    std::string rest = scheme_end == std::string::npos ? "" : item.substr(scheme_end + 3);
    bool ok = (scheme == "http" || scheme == "https") && !rest.empty() && rest.front() != ':';
    for (char c : rest) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
            c == '-' || c == ':' || c == '[' || c == ']')) {
        ok = false;
      }
    }
    if (!ok) {
      Bad("\"" + item + "\" is not an origin; expected a comma-separated list such as "
          "http://127.0.0.1:5173,https://crm.example.com (lower case, no path, no trailing slash)");
    }
  }
  return items;
}

}  // namespace tgmux::config
