#include "service/events/webhook_url.h"

#include <boost/asio/ip/address.hpp>

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

bool ValidPort(const std::string& port) {
  int value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  return error == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
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
  if (!ValidPort(out.port)) return std::nullopt;
  return out;
}

}  // namespace tgmux::service
