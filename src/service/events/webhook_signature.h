// The X-Tgmux-Signature header of a webhook delivery (webhooks.h):
//   t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 under the secret of "<t>.<body>">
// What a receiver checks is in the README (Events) and, as a customer would
// write it, in tests/support/webhook_signature.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tgmux::service {

// The header's value for `body` sent at `unix_seconds` under `secret` (any bytes, any length).
std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

}  // namespace tgmux::service
