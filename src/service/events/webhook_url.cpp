#include "service/events/webhook_url.h"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tgmux::service {
namespace {

bool HostNameChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == '_'; }

bool ValidHostName(const std::string& host) {
  if (host.empty()) return false;
  for (unsigned char c : host) {
    if (!HostNameChar(c)) return false;
  }
  return true;
}

// Digits for 1 to 65535; leading zeros are allowed (RFC 3986) and dropped, so
// "0080" becomes "80".
bool CanonicalPort(std::string& port) {
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return false;
  int value = 0;
  const auto start = std::min(port.find_first_not_of('0'), port.size());
  if (port.size() - start > 5) return false;
  std::from_chars(port.data() + start, port.data() + port.size(), value);
  if (value < 1 || value > 65535) return false;
  port = std::to_string(value);
  return true;
}

}  // namespace

std::optional<WebhookUrl> ParseWebhookUrl(const std::string& url) {
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7f) return std::nullopt;
  }
  WebhookUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  const auto slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (out.target.front() != '/') out.target = "/" + out.target;
  if (const auto hash = out.target.find('#'); hash != std::string::npos) out.target.erase(hash);
  if (authority.empty()) return std::nullopt;
  out.port = out.tls ? "443" : "80";
  if (authority.front() == '[') {
    // [IPv6] or [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      out.port = after.substr(1);
    }
    out.host = authority.substr(1, close - 1);
    // Hex digits, ':' and '.' (an embedded IPv4): no zone, which Asio would
    // read up to anything.
    if (out.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) return std::nullopt;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address_v6(out.host, ec);
    if (ec || address.scope_id() != 0) return std::nullopt;
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string::npos) {
      out.port = authority.substr(colon + 1);
      authority.erase(colon);
    }
    out.host = authority;
    if (!ValidHostName(out.host)) return std::nullopt;
  }
  if (!CanonicalPort(out.port)) return std::nullopt;
  return out;
}

}  // namespace tgmux::service
