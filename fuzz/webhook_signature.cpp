// Webhook signatures (X-Tgmux-Signature, service/events/webhook_signature.h).
// tgmux only signs; the verifier is the one a customer's endpoint would run,
// tests/support/webhook_signature.cpp (written against libsodium, not tgmux's
// crypto). The target checks both against each other:
//   - any header, body and secret: the verifier answers, never crashes;
//   - what tgmux signs verifies with the same secret and body, and never with
//     another body or secret.
//
// Input: secret, body and a header to verify, split at the first two '\n'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.h"
#include "service/events/webhook_signature.h"
#include "tests/support/stream_clients.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  std::string secret(input.substr(0, first));
  std::string_view rest = input.substr(first + 1);
  auto second = rest.find('\n');
  std::string body(rest.substr(0, second));
  std::string header(second == std::string_view::npos ? "" : rest.substr(second + 1));

  (void)tgmux::testing::VerifySignature(header, body, secret, std::chrono::seconds(300));
  (void)tgmux::testing::VerifySignature(header, body, secret, std::nullopt);

  std::int64_t t = 1700000000 + static_cast<std::int64_t>(size);
  std::string signature = tgmux::service::WebhookSignature(secret, t, body);
  FUZZ_CHECK(signature.starts_with("t=" + std::to_string(t) + ",v1="));
  FUZZ_CHECK(tgmux::testing::VerifySignature(signature, body, secret, std::nullopt));
  FUZZ_CHECK(!tgmux::testing::VerifySignature(signature, body + " ", secret, std::nullopt));
  FUZZ_CHECK(!tgmux::testing::VerifySignature(signature, body, secret + "x", std::nullopt));
  // The header as a receiver may see it with another signature first (a rotated secret).
  FUZZ_CHECK(tgmux::testing::VerifySignature(
      signature.substr(0, signature.find(',')) + ",v1=" + std::string(64, '0') + signature.substr(signature.find(',')),
      body, secret, std::nullopt));
  return 0;
}
