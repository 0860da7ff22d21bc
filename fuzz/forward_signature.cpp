// Forwarded requests between nodes (X-Tgmux-Forwarded,
// service/cluster/forward_signature.h): any header a peer sends is checked
// without crashing and refused unless tgmux signed exactly that request; what
// tgmux signs verifies once, and never for another target or body or twice.
//
// Input: header, method, target and body, split at the first three '\n'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.h"
#include "service/cluster/forward_signature.h"

namespace {

std::string_view Next(std::string_view& input) {
  auto end = input.find('\n');
  auto part = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tgmux::service::cluster;
  static const auto key = tgmux::crypto::SecretKey::Random();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string header(Next(input));
  std::string method(Next(input));
  std::string target(Next(input));
  std::string body(input);
  const std::int64_t now = 1700000000;

  ForwardVerifier verifier;
  // A header the fuzzer wrote cannot carry a valid HMAC under a key it never saw.
  FUZZ_CHECK(!verifier.Verify(key, header, now, method, target, body));

  const std::string nonce = "n_" + std::to_string(size) + "_0123456789abcdef";
  auto signature = SignForward(key, now, nonce, method, target, body);
  FUZZ_CHECK(!verifier.Verify(key, signature, now, method, target + "x", body));
  FUZZ_CHECK(!verifier.Verify(key, signature, now, method, target, body + "x"));
  FUZZ_CHECK(verifier.Verify(key, signature, now, method, target, body));
  FUZZ_CHECK(!verifier.Verify(key, signature, now, method, target, body));  // a replay
  return 0;
}
