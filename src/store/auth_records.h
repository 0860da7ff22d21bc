// Rows of the app-user side of the store: tenants, users, refresh tokens, API
// keys, invites and the audit log. Token columns hold digests (crypto::TokenDigest),
// never the tokens; passwords are Argon2id hashes.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux::store {

struct Tenant {
  std::string id;  // "default" for the first one, then "ten_" + random
  std::string name;
  std::int64_t created_at = 0;
};

struct User {
  std::string id;  // "usr_" + random
  std::string tenant_id;
  std::string email;          // lower case, unique
  std::string password_hash;  // Argon2id, encoded
  std::string role;           // owner | admin | operator
  std::int64_t created_at = 0;
};

// One refresh token. Tokens issued from one login form a family; refreshing
// marks the token used and issues the next one of the family.
struct RefreshToken {
  std::string digest;
  std::string family_id;
  std::string user_id;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t used_at = 0;     // rotated: presenting it again is reuse
  std::int64_t revoked_at = 0;  // logout or reuse detected
};

struct ApiKey {
  std::string id;  // "key_" + random
  std::string tenant_id;
  std::string name;
  std::string role;  // admin | operator
  std::string digest;
  std::string created_by;  // user id
  std::int64_t created_at = 0;
  std::int64_t revoked_at = 0;
};

struct Invite {
  std::string digest;
  std::string id;  // "inv_" + random, safe to show
  std::string tenant_id;
  std::string email;
  std::string role;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t used_at = 0;
};

// What became of a change to a member (Store::SetUserRole, Store::DeleteUser).
enum class MemberChange {
  kDone,
  kNotFound,     // no such user in that tenant
  kRoleChanged,  // the user's role is no longer the one the caller checked
  kLastOwner,    // refused: the tenant would be left without an owner
};

// A security event. `detail` is a JSON object with no secrets in it.
struct AuditEntry {
  std::int64_t seq = 0;  // assigned by the store, rising
  std::string tenant_id;  // empty when no tenant is known (a failed login for an unknown email)
  std::int64_t at = 0;
  std::string event;  // register, login_succeeded, login_failed, ...
  std::string actor;  // user or key id, or the email tried
  std::string ip;
  std::string detail = "{}";
};

}  // namespace tgmux::store
