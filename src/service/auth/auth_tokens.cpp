// Tokens (AuthService, part two): the signing key, access and refresh tokens,
// rotation with reuse detection, logout, and authenticating a bearer token.
#include <spdlog/spdlog.h>

#include <cmath>

#include "common/invalidate_on_exit.h"
#include "common/time.h"
#include "crypto/jwt.h"
#include "crypto/random_id.h"
#include "service/accounts/accounts.h"
#include "service/auth/auth.h"
#include "service/auth/bearer.h"

namespace tgmux::service {
namespace {

constexpr const char* kSigningKeyMeta = "jwt_signing_key";
// Associated data of the sealed signing key: outside the "acc_..." account id space.
constexpr const char* kSigningKeyAd = "meta:jwt_signing_key";

Error Unauthorized(const std::string& why) { return Error(ErrorCode::kUnauthorized, why); }

// Every request with TGMUX_AUTH=off.
Principal Anonymous() { return Principal{Principal::Kind::kUser, "anonymous", "default", Role::kOwner, ""}; }

}  // namespace

void AuthService::LoadSigningKey() {
  const auto& secret = infra_.config().auth.jwt_secret;
  if (secret) {
    signing_key_ = crypto::KeyFromSecret(*secret);
    return;
  }
  // Generated once and kept sealed under the master key, so tokens survive restarts.
  signing_key_ = LoadOrCreateMetaKey(infra_.store(), infra_.envelope(), kSigningKeyMeta, kSigningKeyAd);
}

Tokens AuthService::Issue(const store::User& user, const std::string& family_id) {
  const auto& a = infra_.config().auth;
  auto now = UnixSeconds();
  Tokens tokens;
  tokens.user = user;
  tokens.expires_in = static_cast<int>(std::ceil(a.access_ttl_seconds));
  crypto::AccessClaims claims{user.id, user.tenant_id, user.role, crypto::RandomId("jti"), now,
                              now + tokens.expires_in, family_id};
  tokens.family_id = family_id;
  tokens.access_token = crypto::SignAccessToken(signing_key_, claims);
  tokens.refresh_token = crypto::RandomToken("rt");
  store::RefreshToken row;
  row.digest = crypto::TokenDigest(tokens.refresh_token);
  row.family_id = family_id;
  row.user_id = user.id;
  row.created_at = now;
  row.expires_at = now + static_cast<std::int64_t>(a.refresh_ttl_seconds);
  infra_.store().InsertRefreshToken(row);
  return tokens;
}

Tokens AuthService::Refresh(const std::string& refresh_token, const std::string& ip, double grace_seconds) {
  auto& store = infra_.store();
  auto digest = crypto::TokenDigest(refresh_token);
  auto row = store.FindRefreshToken(digest);
  if (!row) throw Unauthorized("refresh token is not valid");
  if (row->revoked_at != 0) throw Unauthorized("refresh token was revoked; sign in again");
  auto now = UnixSeconds();
  bool rotated = row->used_at != 0 || !store.MarkRefreshTokenUsed(digest, now);
  if (rotated && row->used_at == 0) row = store.FindRefreshToken(digest);  // another call rotated it just now
  if (!row) throw Unauthorized("refresh token is not valid");
  bool in_grace = rotated && grace_seconds > 0 && row->revoked_at == 0 &&
                  static_cast<double>(now - row->used_at) <= grace_seconds;
  // A rotated token presented again means two holders: end the whole family.
  if (rotated && !in_grace) {
    store.RevokeRefreshFamily(row->family_id, now);
    auto user = store.FindUser(row->user_id);
    audit_.Record(user ? user->tenant_id : "", "refresh_reused", row->user_id, ip, {{"family", row->family_id}});
    spdlog::warn("auth: refresh token reuse for user {}; its sessions are revoked", row->user_id);
    throw Unauthorized("refresh token was already used; every session of this sign-in is revoked");
  }
  if (row->expires_at <= now) throw Unauthorized("refresh token has expired; sign in again");
  auto user = store.FindUser(row->user_id);
  if (!user) throw Unauthorized("refresh token is not valid");
  return Issue(*user, row->family_id);
}

void AuthService::Logout(const std::string& refresh_token, const std::optional<Principal>& caller,
                         const std::string& ip) {
  InvalidateOnExit ending(credentials_);  // the access token may be cached
  auto& store = infra_.store();
  std::string tenant_id, user_id;
  if (!refresh_token.empty()) {
    if (auto row = store.FindRefreshToken(crypto::TokenDigest(refresh_token))) {
      store.RevokeRefreshFamily(row->family_id, UnixSeconds());
      user_id = row->user_id;
      if (auto user = store.FindUser(row->user_id)) tenant_id = user->tenant_id;
    }
  }
  if (caller && caller->kind == Principal::Kind::kUser && !caller->token_id.empty()) {
    std::lock_guard lock(revoked_mutex_);
    auto now = UnixSeconds();
    std::erase_if(revoked_access_, [now](const auto& entry) { return entry.second <= now; });
    revoked_access_[caller->token_id] = now + static_cast<std::int64_t>(infra_.config().auth.access_ttl_seconds) + 1;
    tenant_id = caller->tenant_id;
    user_id = caller->id;
  }
  if (!user_id.empty()) audit_.Record(tenant_id, "logout", user_id, ip);
}

bool AuthService::Revoked(const std::string& token_id) {
  std::lock_guard lock(revoked_mutex_);
  return revoked_access_.count(token_id) > 0;
}

Principal AuthService::FromApiKey(const std::string& key) {
  auto row = infra_.store().FindApiKeyByDigest(crypto::TokenDigest(key));
  if (!row || row->revoked_at != 0) throw Unauthorized("API key is not valid (unknown or revoked)");
  return Principal{Principal::Kind::kApiKey, row->id, row->tenant_id, ParseRole(row->role).value_or(Role::kOperator),
                   ""};
}

Principal AuthService::Authenticate(const std::string& header) {
  if (!infra_.config().auth.enabled) return Anonymous();
  BearerCredential credential = ParseBearer(header);
  const std::string digest = crypto::TokenDigest(credential.token);
  if (auto cached = credentials_.Find(digest, UnixSeconds())) return *cached;
  const std::uint64_t generation = credentials_.Generation();  // before the store is read
  if (credential.kind == BearerCredential::Kind::kApiKey) {
    auto principal = FromApiKey(credential.token);
    credentials_.Put(digest, principal, 0, generation);
    return principal;
  }
  std::string family;
  std::int64_t expires_at = 0;
  auto principal = AuthenticateAccessToken(credential.token, family, &expires_at);
  credentials_.Put(digest, principal, expires_at, generation);
  return principal;
}

std::optional<Principal> AuthService::AuthenticateCached(const std::string& header) {
  if (!infra_.config().auth.enabled) return Anonymous();
  if (!header.starts_with("Bearer ")) return std::nullopt;
  return credentials_.Find(crypto::TokenDigest(std::string_view(header).substr(7)), UnixSeconds());
}

std::string AuthService::CsrfToken(const std::string& family_id) const {
  return crypto::HmacSha256Hex(signing_key_.bytes(), "csrf:" + family_id);
}

std::string AuthService::RefreshFamily(const std::string& refresh_token) {
  auto row = infra_.store().FindRefreshToken(crypto::TokenDigest(refresh_token));
  if (!row || row->revoked_at != 0 || row->expires_at <= UnixSeconds()) return "";
  return row->family_id;
}

Principal AuthService::AuthenticateAccessToken(const std::string& token, std::string& family_id,
                                               std::int64_t* expires_at) {
  if (!infra_.config().auth.enabled) return Anonymous();
  auto claims = crypto::VerifyAccessToken(signing_key_, token, UnixSeconds());
  if (!claims || Revoked(claims->token_id)) throw Unauthorized("access token is not valid or has expired");
  // The member as they are now, not as when the token was signed: a removed
  // member is refused and a changed role applies from the next request on.
  auto user = infra_.store().FindUser(claims->subject);
  if (!user || user->tenant_id != claims->tenant) throw Unauthorized("access token's user is no longer a member");
  auto role = ParseRole(user->role);
  if (!role) throw Unauthorized("access token is not valid or has expired");
  family_id = claims->family;
  if (expires_at) *expires_at = claims->expires_at;
  return Principal{Principal::Kind::kUser, user->id, user->tenant_id, *role, claims->token_id};
}

store::User AuthService::User(const Principal& principal) {
  auto user = infra_.store().FindUser(principal.id);
  if (!user) throw Error(ErrorCode::kNotFound, "no such user");
  return *user;
}

}  // namespace tgmux::service
