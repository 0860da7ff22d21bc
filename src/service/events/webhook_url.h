// A webhook's URL as a tenant gives it (POST /v1/webhooks): read into the
// parts a delivery connects with. Pure; nothing here resolves or connects.
#pragma once

#include <optional>
#include <string>

namespace tgmux::service {

struct WebhookUrl {
  bool tls = false;
  std::string host;    // a name, or an IP address without brackets
  std::string port;    // 1 to 65535; 80 or 443 when the URL names none
  std::string target;  // path and query, at least "/"
};

// http://host[:port]/path or https://…; nullopt when it is not such a URL: no
// user name or password, a host of letters, digits, '.', '-' and '_' or an
// IPv6 address in brackets, and no space or control character anywhere (they
// would end up in the request's first line or Host header).
std::optional<WebhookUrl> ParseWebhookUrl(const std::string& url);

}  // namespace tgmux::service
