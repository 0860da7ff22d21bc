// Who a request says it is: the Authorization header (service/auth/bearer.h),
// JWT access tokens (crypto/jwt.h VerifyAccessToken under a fixed key), API key
// digests, and the keys read from configuration (SecretKey::FromBase64 for
// TGMUX_MASTER_KEY, KeyFromSecret for TGMUX_JWT_SECRET).
//
// Input: a selector byte, then
//   0: an Authorization header;
//   1: a JWT header and payload (JSON, split at the first '\n') that the target
//      signs with the fixed key, so the claims checks run on any claims;
//   2: claims (sub, tenant, role, jti, fam, split at '\n') signed by tgmux and
//      verified back: they must come back unchanged;
//   3: a master key in base64.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "crypto/jwt.h"
#include "crypto/keys.h"
#include "crypto/secrets.h"
#include "fuzz/check.h"
#include "service/auth/bearer.h"

namespace {

using namespace tgmux;
constexpr std::int64_t kNow = 1800000000;

const crypto::SecretKey& Key() {
  static const crypto::SecretKey key = crypto::KeyFromSecret("fuzzing secret, not a real one");
  return key;
}

std::vector<std::string> Lines(std::string_view text, std::size_t at_most) {
  std::vector<std::string> lines;
  while (lines.size() + 1 < at_most) {
    auto newline = text.find('\n');
    if (newline == std::string_view::npos) break;
    lines.emplace_back(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  lines.emplace_back(text);
  return lines;
}

void CheckClaims(const crypto::AccessClaims& claims) {
  FUZZ_CHECK(!claims.subject.empty() && !claims.tenant.empty() && !claims.role.empty() && !claims.token_id.empty());
  FUZZ_CHECK(claims.expires_at > kNow);
}

void Header(std::string_view header) {
  try {
    auto credential = service::ParseBearer(header);
    FUZZ_CHECK(!credential.token.empty());
    if (credential.kind == service::BearerCredential::Kind::kApiKey) {
      FUZZ_CHECK(crypto::TokenDigest(credential.token).size() == 64);
    } else if (auto claims = crypto::VerifyAccessToken(Key(), credential.token, kNow)) {
      CheckClaims(*claims);
    }
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kUnauthorized);
  }
}

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

void SignedByUs(std::string_view input) {
  auto parts = Lines(input, 2);
  if (parts.size() < 2) return;
  std::string signing_input = Base64Url(parts[0]) + "." + Base64Url(parts[1]);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Key().data(), crypto::SecretKey::kSize);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size());
  crypto_auth_hmacsha256_final(&state, mac);
  std::string token = signing_input + "." + Base64Url(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
  if (auto claims = crypto::VerifyAccessToken(Key(), token, kNow)) CheckClaims(*claims);
}

void RoundTrip(std::string_view input) {
  auto parts = Lines(input, 5);
  if (parts.size() < 4) return;
  // tgmux's claims are ids and role names: printable ASCII (libjwt refuses what is not UTF-8).
  for (const auto& part : parts) {
    for (unsigned char c : part) {
      if (c < 0x20 || c >= 0x7f) return;
    }
  }
  crypto::AccessClaims claims;
  claims.subject = parts[0];
  claims.tenant = parts[1];
  claims.role = parts[2];
  claims.token_id = parts[3];
  if (parts.size() > 4) claims.family = parts[4];
  claims.issued_at = kNow - static_cast<std::int64_t>(input.size());
  claims.expires_at = kNow + 1 + static_cast<std::int64_t>(input.size());
  auto back = crypto::VerifyAccessToken(Key(), crypto::SignAccessToken(Key(), claims), kNow);
  if (claims.subject.empty() || claims.tenant.empty() || claims.role.empty() || claims.token_id.empty()) {
    FUZZ_CHECK(!back);  // a token without one of them is refused
    return;
  }
  FUZZ_CHECK(back);
  FUZZ_CHECK(back->subject == claims.subject && back->tenant == claims.tenant && back->role == claims.role);
  FUZZ_CHECK(back->token_id == claims.token_id && back->family == claims.family);
  FUZZ_CHECK(back->issued_at == claims.issued_at && back->expires_at == claims.expires_at);
  // Another key never verifies it.
  FUZZ_CHECK(!crypto::VerifyAccessToken(crypto::KeyFromSecret("another"), crypto::SignAccessToken(Key(), claims), kNow));
}

void MasterKey(std::string_view text) {
  try {
    auto key = crypto::SecretKey::FromBase64(text);
    FUZZ_CHECK(crypto::SecretKey::FromBase64(key.ToBase64()).bytes() == key.bytes());
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  FUZZ_CHECK(sodium_init() >= 0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: Header(input); break;
    case 1: SignedByUs(input); break;
    case 2: RoundTrip(input); break;
    case 3: MasterKey(input); break;
  }
  return 0;
}
