// App users and their credentials (issue 5): registration (first owner, open,
// or by invite), sign-in with Argon2id passwords, JWT access tokens, rotating
// refresh tokens with reuse detection, logout, and turning a bearer token (JWT
// or API key) into a Principal. Thread-safe; calls block on the store and on
// Argon2id, so run them off the network threads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/keys.h"
#include "crypto/secrets.h"
#include "service/auth/audit.h"
#include "service/auth/credential_cache.h"
#include "service/auth/principal.h"
#include "service/auth/rate_limiter.h"
#include "service/infrastructure.h"

namespace tgmux::service {

struct Tokens {
  std::string access_token;
  std::string refresh_token;
  int expires_in = 0;  // seconds the access token is valid
  store::User user;
  std::string family_id;  // the sign-in's refresh tokens (and a browser session's CSRF token)
};

// A request's proof that it may create the first owner (an instance with no
// user yet): it came from this machine, or it carries the setup token that
// tgmux printed in its log at start.
struct FirstOwnerProof {
  bool from_loopback = false;
  std::string setup_token;
};

class AuthService {
 public:
  // Logouts invalidate `credentials`, which Authenticate fills.
  AuthService(Infrastructure& infra, AuditLog& audit, CredentialCache& credentials);

  // Creates the first owner from TGMUX_ADMIN_EMAIL/PASSWORD when no user exists;
  // when there is still none, makes the setup token and prints it in the log.
  void Bootstrap();
  bool NeedsOwner();

  // Errors: invalid_request (email, password), forbidden (registration closed,
  // invite not valid, the first owner without FirstOwnerProof), conflict (email taken).
  Tokens Register(const std::string& email, const std::string& password, const std::string& invite,
                  const std::string& ip, const FirstOwnerProof& proof);
  // Errors: unauthorized (wrong email or password), flood_wait (too many failures).
  Tokens SignIn(const std::string& email, const std::string& password, const std::string& ip);
  // Rotates: the presented token stops working. Presenting a rotated token again
  // revokes its whole family, unless it was rotated less than `grace_seconds`
  // ago (a browser's tabs refreshing at once): then it rotates again, into the
  // same family. Errors: unauthorized.
  Tokens Refresh(const std::string& refresh_token, const std::string& ip, double grace_seconds = 0);
  // Revokes the refresh token's family and, when given, the access token.
  void Logout(const std::string& refresh_token, const std::optional<Principal>& caller, const std::string& ip);

  // From "Bearer <token>". Errors: unauthorized. An access token's user is read
  // from the store on every call, so a removed member is refused at once and a
  // new role applies at once. With TGMUX_AUTH=off every request is the owner of
  // the "default" tenant.
  Principal Authenticate(const std::string& authorization_header);
  // The same answer as Authenticate when it is known without the store or
  // Argon2 (a credential Authenticate accepted, not revoked since: see
  // CredentialCache); nullopt otherwise, and for every refusal. Never blocks:
  // network threads call it.
  std::optional<Principal> AuthenticateCached(const std::string& authorization_header);
  // An access token alone (a browser session's cookie), the family it belongs
  // to and, when asked, when it expires. Errors: unauthorized.
  Principal AuthenticateAccessToken(const std::string& token, std::string& family_id,
                                    std::int64_t* expires_at = nullptr);
  // The CSRF token of a browser session: the same for every token of one
  // sign-in, so that tabs refreshing one another's cookies keep working.
  std::string CsrfToken(const std::string& family_id) const;
  // The family of a refresh token still valid, or "" (a browser's sign-out
  // checks its CSRF token against it).
  std::string RefreshFamily(const std::string& refresh_token);

  store::User User(const Principal& principal);

 private:
  void LoadSigningKey();
  Tokens Issue(const store::User& user, const std::string& family_id);
  store::User NewUser(const std::string& email, const std::string& password, const std::string& tenant_id,
                      Role role) const;
  store::User JoinByInvite(const std::string& email, const std::string& password, const std::string& invite);
  store::User CreateTenant(const std::string& email, const std::string& password);
  Principal FromApiKey(const std::string& key);
  bool Revoked(const std::string& token_id);

  Infrastructure& infra_;
  AuditLog& audit_;
  CredentialCache& credentials_;
  crypto::PasswordCost cost_;
  crypto::SecretKey signing_key_;
  std::string setup_token_;  // while no user exists
  std::string dummy_hash_;  // verified for unknown emails, so that both answers take as long
  RateLimiter failures_by_email_;
  RateLimiter failures_by_ip_;
  std::mutex registration_mutex_;  // one "first user" at a time
  std::mutex revoked_mutex_;
  std::map<std::string, std::int64_t> revoked_access_;  // jti -> exp, until it expires anyway
};

// Lower-cased and checked; throws Error(invalid_request) naming the field.
std::string NormalizeEmail(const std::string& email);

}  // namespace tgmux::service
