// JWT access tokens (HS256 through libjwt): claims sub, tenant, role, iat, exp, jti, fam.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/keys.h"

namespace tgmux::crypto {

struct AccessClaims {
  std::string subject;  // user id
  std::string tenant;
  std::string role;
  std::string token_id;  // jti
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string family;  // fam: the sign-in it belongs to (its refresh tokens' family)
};

std::string SignAccessToken(const SecretKey& key, const AccessClaims& claims);

// The claims of a token signed with `key` by HS256 and not expired at `now`;
// nullopt for anything else (bad signature, other algorithm, "none", missing
// claims, expired). Never throws.
std::optional<AccessClaims> VerifyAccessToken(const SecretKey& key, const std::string& token, std::int64_t now);

}  // namespace tgmux::crypto
