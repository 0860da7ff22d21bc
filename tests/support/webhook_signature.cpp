// VerifySignature: what a customer's webhook endpoint would run, written
// against libsodium directly rather than tgmux's own crypto code.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>

#include "tests/support/stream_clients.h"

namespace tgmux::testing {
namespace {

struct SignatureHeader {
  std::string t;
  std::vector<std::string> v1;
};

// "t=1700000000,v1=ab…,v1=cd…": the timestamp and every v1 signature.
SignatureHeader ParseSignatureHeader(const std::string& header) {
  SignatureHeader out;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = std::min(header.find(',', start), header.size());
    std::string item = header.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    if (item.rfind("t=", 0) == 0) out.t = item.substr(2);
    if (item.rfind("v1=", 0) == 0) out.v1.push_back(item.substr(3));
    start = comma + 1;
  }
  return out;
}

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

// HMAC-SHA256 with a key of any length (the secret as it was shown).
Mac HmacSha256(const std::string& key, const std::string& message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  Mac mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

bool MatchesHex(const std::string& hex, const Mac& expected) {
  Mac given;
  std::size_t length = 0;
  if (hex.size() != 2 * given.size()) return false;
  if (sodium_hex2bin(given.data(), given.size(), hex.data(), hex.size(), nullptr, &length, nullptr) != 0) return false;
  return length == given.size() && sodium_memcmp(given.data(), expected.data(), given.size()) == 0;
}

}  // namespace

bool VerifySignature(const std::string& header, const std::string& body, const std::string& secret,
                     std::optional<std::chrono::seconds> max_age) {
  if (sodium_init() < 0) return false;
  auto parsed = ParseSignatureHeader(header);
  bool digits = std::all_of(parsed.t.begin(), parsed.t.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (parsed.t.empty() || parsed.t.size() > 12 || !digits || parsed.v1.empty()) return false;
  if (max_age && std::llabs(static_cast<long long>(std::time(nullptr)) - std::stoll(parsed.t)) > max_age->count()) {
    return false;
  }
  Mac expected = HmacSha256(secret, parsed.t + "." + body);
  return std::any_of(parsed.v1.begin(), parsed.v1.end(), [&](const std::string& hex) { return MatchesHex(hex, expected); });
}

}  // namespace tgmux::testing
