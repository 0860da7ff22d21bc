#include "service/events/webhook_signature.h"

#include "crypto/secrets.h"

namespace tgmux::service {

std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string t = std::to_string(unix_seconds);
  std::string signed_text = t + ".";
  signed_text.append(body);
  return "t=" + t + ",v1=" + crypto::HmacSha256Hex(secret, signed_text);
}

}  // namespace tgmux::service
