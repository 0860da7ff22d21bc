// Registration and sign-in (AuthService, part one; tokens are in auth_tokens.cpp).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/secrets.h"
#include "service/accounts/accounts.h"
#include "service/auth/auth.h"

namespace tgmux::service {
namespace {

constexpr std::size_t kMinPassword = 10;
constexpr std::size_t kMaxPassword = 1024;
// The first tenant is "default": it also owns accounts linked before users
// existed and everything done with TGMUX_AUTH=off.
constexpr const char* kFirstTenant = "default";

Error InvalidCredentials() { return Error(ErrorCode::kUnauthorized, "email or password is not right"); }

void CheckPassword(const std::string& password) {
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    throw Error(ErrorCode::kInvalidRequest, "field \"password\" must be 10 to 1024 characters");
  }
}

}  // namespace

std::string NormalizeEmail(const std::string& email) {
  std::string out = email;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  auto at = out.find('@');
  bool plain = std::none_of(out.begin(), out.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (!plain || out.size() > 254 || at == std::string::npos || at == 0 || at + 1 == out.size() ||
      out.find('@', at + 1) != std::string::npos) {
    throw Error(ErrorCode::kInvalidRequest, "field \"email\" must be an email address");
  }
  return out;
}

AuthService::AuthService(Infrastructure& infra, AuditLog& audit, CredentialCache& credentials)
    : infra_(infra),
      audit_(audit),
      credentials_(credentials),
      cost_{infra.config().auth.argon2_passes, infra.config().auth.argon2_memory_kib},
      failures_by_email_(infra.config().auth.failed_logins_per_email),
      failures_by_ip_(infra.config().auth.failed_logins_per_ip) {
  LoadSigningKey();
  dummy_hash_ = crypto::HashPassword(crypto::RandomToken("dummy"), cost_);
}

void AuthService::Bootstrap() {
  const auto& a = infra_.config().auth;
  if (infra_.store().CountUsers() > 0) return;
  if (!a.admin_email.empty()) {
    store::User owner;
    try {
      owner = CreateTenant(NormalizeEmail(a.admin_email), a.admin_password);
    } catch (const Error& e) {
      // Several nodes started at once on one store: another one created it.
      if (e.code() == ErrorCode::kConflict && infra_.store().CountUsers() > 0) return;
      throw;
    }
    audit_.Record(owner.tenant_id, "register", owner.id, "", {{"email", owner.email}, {"role", "owner"},
                                                              {"source", "TGMUX_ADMIN_EMAIL"}});
    spdlog::info("auth: first owner {} created from TGMUX_ADMIN_EMAIL", owner.id);
    return;
  }
  std::lock_guard lock(registration_mutex_);
  setup_token_ = crypto::RandomToken("setup");
  // The one secret tgmux prints on purpose: whoever reads this log runs the machine.
  spdlog::warn("setup: no user yet; open the dashboard and create the owner (from another machine give the "
               "setup token {})", setup_token_);
}

bool AuthService::NeedsOwner() { return infra_.store().CountUsers() == 0; }

store::User AuthService::NewUser(const std::string& email, const std::string& password, const std::string& tenant_id,
                                 Role role) const {
  store::User user;
  user.id = crypto::RandomId("usr");
  user.tenant_id = tenant_id;
  user.email = email;
  user.password_hash = crypto::HashPassword(password, cost_);
  user.role = std::string(RoleName(role));
  user.created_at = UnixSeconds();
  return user;
}

store::User AuthService::CreateTenant(const std::string& email, const std::string& password) {
  auto& store = infra_.store();
  bool first = store.CountUsers() == 0;
  store::Tenant tenant{first ? kFirstTenant : crypto::RandomId("ten"), email, UnixSeconds()};
  auto owner = NewUser(email, password, tenant.id, Role::kOwner);
  if (!store.InsertTenantWithOwner(tenant, owner)) {
    throw Error(ErrorCode::kConflict, "an app user with this email already exists");
  }
  return owner;
}

store::User AuthService::JoinByInvite(const std::string& email, const std::string& password,
                                      const std::string& invite_token) {
  auto& store = infra_.store();
  auto digest = crypto::TokenDigest(invite_token);
  auto invite = store.FindInvite(digest);
  Error not_valid(ErrorCode::kForbidden, "this invite is not valid (unknown, used, expired, or for another email)");
  if (!invite || invite->used_at != 0 || invite->expires_at <= UnixSeconds() || invite->email != email) throw not_valid;
  if (store.FindUserByEmail(email)) throw Error(ErrorCode::kConflict, "an app user with this email already exists");
  auto user = NewUser(email, password, invite->tenant_id, *ParseRole(invite->role));
  if (!store.UseInvite(digest, UnixSeconds())) throw not_valid;
  if (!store.InsertUser(user)) throw Error(ErrorCode::kConflict, "an app user with this email already exists");
  return user;
}

Tokens AuthService::Register(const std::string& email_in, const std::string& password, const std::string& invite,
                             const std::string& ip, const FirstOwnerProof& proof) {
  auto email = NormalizeEmail(email_in);
  CheckPassword(password);
  store::User user;
  if (!invite.empty()) {
    user = JoinByInvite(email, password, invite);
  } else {
    std::lock_guard lock(registration_mutex_);
    bool first = infra_.store().CountUsers() == 0;
    if (infra_.config().auth.registration != "open" && !first) {
      throw Error(ErrorCode::kForbidden, "registration needs an invite from a tenant owner (TGMUX_REGISTRATION=invite)");
    }
    // An instance exposed before anyone set it up is not claimed by its first visitor.
    if (first && !proof.from_loopback &&
        (setup_token_.empty() || !crypto::ConstantTimeEqual(proof.setup_token, setup_token_))) {
      throw Error(ErrorCode::kForbidden, proof.setup_token.empty()
                                             ? "the first owner is created from this machine, or with the setup "
                                               "token tgmux printed in its log at start"
                                             : "the setup token is not right (see tgmux's log at start)");
    }
    user = CreateTenant(email, password);
    if (first) setup_token_.clear();
  }
  audit_.Record(user.tenant_id, "register", user.id, ip,
                {{"email", user.email}, {"role", user.role}, {"invited", !invite.empty()}});
  spdlog::info("auth: user {} registered in tenant {} as {}", user.id, user.tenant_id, user.role);
  return Issue(user, crypto::RandomId("fam"));
}

Tokens AuthService::SignIn(const std::string& email_in, const std::string& password, const std::string& ip) {
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  // Checked before the password, so that a blocked guesser learns nothing more.
  auto wait = failures_by_email_.RetryAfter("email:" + email);
  if (auto by_ip = failures_by_ip_.RetryAfter("ip:" + ip); by_ip && (!wait || *by_ip > *wait)) wait = by_ip;
  if (wait) {
    throw Error(ErrorCode::kFloodWait, "too many failed sign-ins; retry in " + std::to_string(*wait) + " s", *wait);
  }
  auto user = infra_.store().FindUserByEmail(email);
  bool ok = user ? crypto::VerifyPassword(user->password_hash, password)
                 : (crypto::VerifyPassword(dummy_hash_, password), false);
  if (!ok) {
    failures_by_email_.Hit("email:" + email);
    failures_by_ip_.Hit("ip:" + ip);
    audit_.Record(user ? user->tenant_id : "", "login_failed", user ? user->id : "", ip,
                  {{"email", email.substr(0, 254)}, {"reason", user ? "wrong_password" : "unknown_email"}});
    throw InvalidCredentials();
  }
  audit_.Record(user->tenant_id, "login_succeeded", user->id, ip, {{"email", user->email}});
  return Issue(*user, crypto::RandomId("fam"));
}

}  // namespace tgmux::service
