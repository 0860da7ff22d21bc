#include "crypto/jwt.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace tgmux::crypto {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

const unsigned char* KeyBytes(const SecretKey& key) { return key.data(); }

std::optional<std::string> Grant(jwt_t* jwt, const char* name) {
  const char* value = jwt_get_grant(jwt, name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::string SignAccessToken(const SecretKey& key, const AccessClaims& c) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr jwt(raw);
  bool ok = jwt_add_grant(raw, "sub", c.subject.c_str()) == 0 && jwt_add_grant(raw, "tenant", c.tenant.c_str()) == 0 &&
            jwt_add_grant(raw, "role", c.role.c_str()) == 0 && jwt_add_grant(raw, "jti", c.token_id.c_str()) == 0 &&
            jwt_add_grant_int(raw, "iat", static_cast<long>(c.issued_at)) == 0 &&
            jwt_add_grant_int(raw, "exp", static_cast<long>(c.expires_at)) == 0 &&
            (c.family.empty() || jwt_add_grant(raw, "fam", c.family.c_str()) == 0) &&
            jwt_set_alg(raw, JWT_ALG_HS256, KeyBytes(key), static_cast<int>(SecretKey::kSize)) == 0;
  if (!ok) throw std::runtime_error("cannot build the access token");
  char* encoded = jwt_encode_str(raw);
  if (!encoded) throw std::runtime_error("cannot sign the access token");
  std::string out(encoded);
  free(encoded);  // libjwt 1.10 allocates with malloc
  return out;
}

std::optional<AccessClaims> VerifyAccessToken(const SecretKey& key, const std::string& token, std::int64_t now) {
  jwt_t* raw = nullptr;
  // With a key given, libjwt checks the signature and refuses unsigned ("none") tokens.
  if (jwt_decode(&raw, token.c_str(), KeyBytes(key), static_cast<int>(SecretKey::kSize)) != 0 || !raw) {
    return std::nullopt;
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(raw) != JWT_ALG_HS256) return std::nullopt;
  AccessClaims c;
  auto sub = Grant(raw, "sub"), tenant = Grant(raw, "tenant"), role = Grant(raw, "role"), jti = Grant(raw, "jti");
  if (!sub || !tenant || !role || !jti) return std::nullopt;
  c.subject = *sub;
  c.tenant = *tenant;
  c.role = *role;
  c.token_id = *jti;
  c.family = Grant(raw, "fam").value_or("");
  c.issued_at = jwt_get_grant_int(raw, "iat");
  c.expires_at = jwt_get_grant_int(raw, "exp");
  if (c.expires_at <= now) return std::nullopt;
  return c;
}

}  // namespace tgmux::crypto
