#include "service/auth/tenants.h"

#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/secrets.h"
#include "service/accounts/accounts.h"
#include "service/auth/auth.h"

namespace tgmux::service {
namespace {

constexpr std::int64_t kInviteSeconds = 7 * 86400;

}  // namespace

Role TenantService::CheckGrantable(const Principal& caller, const std::string& role_name,
                                   bool owner_only_for_admin) const {
  auto role = ParseRole(role_name);
  if (!role || *role == Role::kOwner) {
    throw Error(ErrorCode::kInvalidRequest, "field \"role\" must be \"admin\" or \"operator\"");
  }
  bool allowed = owner_only_for_admin ? (*role == Role::kOperator || caller.AtLeast(Role::kOwner))
                                      : caller.AtLeast(*role);
  if (!allowed) throw Error(ErrorCode::kForbidden, "your role cannot grant the role " + role_name);
  return *role;
}

NewApiKey TenantService::CreateApiKey(const Principal& caller, const std::string& name, const std::string& role,
                                      const std::string& ip) {
  if (name.empty() || name.size() > 100) throw Error(ErrorCode::kInvalidRequest, "field \"name\" must be 1 to 100 characters");
  CheckGrantable(caller, role, false);
  NewApiKey out;
  out.key = crypto::RandomToken("tgk");
  out.row.id = crypto::RandomId("key");
  out.row.tenant_id = caller.tenant_id;
  out.row.name = name;
  out.row.role = role;
  out.row.digest = crypto::TokenDigest(out.key);
  out.row.created_by = caller.id;
  out.row.created_at = UnixSeconds();
  infra_.store().InsertApiKey(out.row);
  audit_.Record(caller.tenant_id, "api_key_created", caller.id, ip, {{"key_id", out.row.id}, {"name", name}, {"role", role}});
  return out;
}

std::vector<store::ApiKey> TenantService::ListApiKeys(const Principal& caller) {
  return infra_.store().ListApiKeys(caller.tenant_id);
}

void TenantService::RevokeApiKey(const Principal& caller, const std::string& id, const std::string& ip) {
  if (!infra_.store().RevokeApiKey(caller.tenant_id, id, UnixSeconds())) {
    throw Error(ErrorCode::kNotFound, "no API key " + id);
  }
  audit_.Record(caller.tenant_id, "api_key_revoked", caller.id, ip, {{"key_id", id}});
}

NewInvite TenantService::Invite(const Principal& caller, const std::string& email_in, const std::string& role,
                                const std::string& ip) {
  auto email = NormalizeEmail(email_in);
  CheckGrantable(caller, role, true);
  if (infra_.store().FindUserByEmail(email)) {
    throw Error(ErrorCode::kConflict, "an app user with this email already exists");
  }
  NewInvite out;
  out.token = crypto::RandomToken("inv");
  out.row.digest = crypto::TokenDigest(out.token);
  out.row.id = crypto::RandomId("inv");
  out.row.tenant_id = caller.tenant_id;
  out.row.email = email;
  out.row.role = role;
  out.row.created_by = caller.id;
  out.row.created_at = UnixSeconds();
  out.row.expires_at = out.row.created_at + kInviteSeconds;
  infra_.store().InsertInvite(out.row);
  audit_.Record(caller.tenant_id, "member_invited", caller.id, ip,
                {{"invite_id", out.row.id}, {"email", email}, {"role", role}});
  return out;
}

std::vector<store::User> TenantService::Members(const Principal& caller) {
  return infra_.store().ListUsers(caller.tenant_id);
}

std::vector<store::Invite> TenantService::Invites(const Principal& caller) {
  return infra_.store().ListInvites(caller.tenant_id);
}

}  // namespace tgmux::service
