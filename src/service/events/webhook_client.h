// Outgoing HTTP for webhook deliveries: one POST over http:// or https://
// (TLS with the system's certificate authorities), bounded by a timeout.
// Blocking; safe to call from several threads at once. Each thread keeps its
// last connection open (keep-alive) for its next POST to the same receiver; a
// kept connection the receiver closed meanwhile is replaced and the POST sent
// again on a new one (webhooks are delivered at least once).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/events/webhook_url.h"

namespace tgmux::service {

struct PostOutcome {
  int status = 0;     // the HTTP status; 0 when none came
  std::string error;  // why not, when status is 0 (connect refused, timeout, TLS, ...)
};

PostOutcome PostJson(const WebhookUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, std::chrono::milliseconds timeout);

}  // namespace tgmux::service
