// The text side of a fetch by URL (service/media/url_fetch.h): parsing the
// URL, resolving a redirect's Location against it, and naming the file from
// the answer. Pure functions; nothing here touches the network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tgmux::service {

struct MediaUrl {
  bool tls = false;
  std::string host;       // a name, or an IP address without brackets
  std::string port;       // digits; 80 or 443 when the URL names none
  std::string authority;  // as written: host[:port], IPv6 in brackets
  std::string target;     // path and query, at least "/"; the fragment dropped

  // scheme://authority/target, for messages and Location resolution.
  std::string Text() const;
  // The Host header: the authority without a default port.
  std::string HostHeader() const;
};

// http://host[:port]/path?query or https://…. Throws std::invalid_argument
// with a reason a client can act on: "only http and https URLs", "not a valid
// URL", "a URL with a user name or password is not accepted".
MediaUrl ParseMediaUrl(const std::string& text);

// The URL a redirect's Location header points to, resolved against `base`
// (absolute, scheme-relative, absolute-path, query-only or relative path).
std::string ResolveLocation(const MediaUrl& base, const std::string& location);

// The file name a Content-Disposition header gives (filename*=UTF-8''… first,
// then filename=), or "" when it gives none.
std::string DispositionFileName(const std::string& header);

// The last segment of the URL's path, percent-decoded, or "" when the path
// ends in "/".
std::string PathFileName(const MediaUrl& url);

// "50 MiB", "1 GiB", "1536 KiB" or "1000 bytes".
std::string SizeText(std::uint64_t bytes);

}  // namespace tgmux::service
