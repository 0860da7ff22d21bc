#include "common/proxy_url.h"

#include <array>
#include <cctype>
#include <charconv>

#include "common/hex.h"
#include "common/name_table.h"

namespace tgmux {
namespace {

constexpr std::array<NameRow<ProxyKind>, 3> kKinds{{
    {ProxyKind::kSocks5, "socks5"},
    {ProxyKind::kHttp, "http"},
    {ProxyKind::kMtproto, "mtproto"},
}};

// %XX escapes in user and password (RFC 3986 userinfo).
std::optional<std::string> Unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) return false;
  }
  return true;
}

bool ValidSecret(std::string_view secret) {
  if (secret.size() < 32 || secret.size() > 512) return false;
  for (char c : secret) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '=' || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

std::string HostPort(const ProxyUrl& proxy) {
  bool v6 = proxy.host.find(':') != std::string::npos;
  return (v6 ? "[" + proxy.host + "]" : proxy.host) + ":" + std::to_string(proxy.port);
}

ProxyParse Fail(std::string why) { return {std::nullopt, std::move(why)}; }

}  // namespace

std::string_view ProxyKindName(ProxyKind kind) { return NameIn(kKinds, kind); }

std::string ProxyUrl::ToString() const {
  std::string out = std::string(ProxyKindName(kind)) + "://";
  if (kind == ProxyKind::kMtproto) {
    out += secret + "@";
  } else if (!username.empty() || !password.empty()) {
    out += PercentEncode(username) + ":" + PercentEncode(password) + "@";
  }
  return out + HostPort(*this);
}

std::string ProxyUrl::Masked() const {
  std::string out = std::string(ProxyKindName(kind)) + "://";
  if (kind == ProxyKind::kMtproto) {
    out += "***@";
  } else if (!username.empty() || !password.empty()) {
    out += PercentEncode(username) + ":***@";
  }
  return out + HostPort(*this);
}

ProxyParse ParseProxyUrl(std::string_view text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return Fail("expected socks5://[user:pass@]host:port, http://[user:pass@]host:port or mtproto://secret@host:port");
  }
  auto kind = ValueIn(kKinds, text.substr(0, scheme_end));
  if (!kind) return Fail("the scheme must be socks5, http or mtproto");
  ProxyUrl proxy;
  proxy.kind = *kind;
  std::string_view rest = text.substr(scheme_end + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (proxy.kind == ProxyKind::kMtproto) {
      if (!ValidSecret(userinfo)) return Fail("the MTProto secret must be 32 or more hex or base64url characters");
      proxy.secret = std::string(userinfo);
    } else {
      auto colon = userinfo.find(':');
      auto user = Unescape(userinfo.substr(0, colon));
      auto pass = Unescape(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
      if (!user || !pass) return Fail("the user name or password has a bad %-escape");
      proxy.username = *user;
      proxy.password = *pass;
    }
  } else if (proxy.kind == ProxyKind::kMtproto) {
    return Fail("an MTProto proxy needs its secret: mtproto://secret@host:port");
  }
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Fail("expected [ipv6]:port");
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return Fail("the port is missing (host:port)");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!ValidHost(host)) return Fail("the host is missing or not a host name or address");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return Fail("the port must be a number from 1 to 65535");
  }
  proxy.host = std::string(host);
  proxy.port = static_cast<std::uint16_t>(value);
  return {proxy, ""};
}

}  // namespace tgmux
