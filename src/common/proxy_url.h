// A proxy for an account's Telegram connection, written as a URL:
// socks5://[user:pass@]host:port, http://[user:pass@]host:port,
// mtproto://secret@host:port. The one name table of kinds: "socks5", "http",
// "mtproto".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tgmux {

enum class ProxyKind { kSocks5, kHttp, kMtproto };
std::string_view ProxyKindName(ProxyKind kind);

struct ProxyUrl {
  ProxyKind kind = ProxyKind::kSocks5;
  std::string host;
  std::uint16_t port = 0;
  std::string username;  // socks5, http
  std::string password;  // socks5, http; a secret
  std::string secret;    // mtproto (hex or base64url, as Telegram hands it out); a secret

  // The URL with everything, for sealing; parses back to the same proxy.
  std::string ToString() const;
  // The URL without the password or secret ("socks5://ann:***@host:1080"), to show.
  std::string Masked() const;
  bool operator==(const ProxyUrl&) const = default;
};

// The proxy, or the reason `text` is not one (a sentence without the secret).
struct ProxyParse {
  std::optional<ProxyUrl> proxy;
  std::string error;
};
ProxyParse ParseProxyUrl(std::string_view text);

}  // namespace tgmux
