#include "service/auth/tenants.h"

#include "common/invalidate_on_exit.h"

#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/secrets.h"
#include "service/accounts/accounts.h"
#include "service/auth/auth.h"

namespace tgmux::service {
namespace {

constexpr std::int64_t kInviteSeconds = 7 * 86400;

// A stored role; an unreadable one counts as owner, the most protected.
Role MemberRole(const store::User& member) { return ParseRole(member.role).value_or(Role::kOwner); }

// The highest role `caller` may give `member`: up to their own for themselves,
// any for an owner, operator for an admin acting on an operator. Throws
// forbidden when the caller may not manage the member at all.
Role RoleCeiling(const Principal& caller, const store::User& member) {
  Role current = MemberRole(member);
  if (caller.kind == Principal::Kind::kUser && caller.id == member.id) return current;
  if (caller.AtLeast(Role::kOwner)) return Role::kOwner;
  if (caller.AtLeast(Role::kAdmin) && current == Role::kOperator) return Role::kOperator;
  throw Error(ErrorCode::kForbidden, caller.AtLeast(Role::kAdmin)
                                         ? "admins may change or remove only operators; this member is an " +
                                               member.role
                                         : "operators may change or remove only themselves");
}

void ThrowUnlessDone(store::MemberChange change, const std::string& user_id, std::string_view action) {
  switch (change) {
    case store::MemberChange::kDone: return;
    case store::MemberChange::kNotFound: throw Error(ErrorCode::kNotFound, "no member " + user_id);
    case store::MemberChange::kRoleChanged:
      throw Error(ErrorCode::kConflict, "the member's role changed meanwhile; read it again and retry");
    case store::MemberChange::kLastOwner:
      throw Error(ErrorCode::kConflict, "the tenant's last owner cannot " + std::string(action) +
                                            "; make another member owner first");
  }
}

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
  InvalidateOnExit revoking(credentials_);  // also when the store's answer is lost, or it was revoked already
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

store::User TenantService::FindMember(const Principal& caller, const std::string& user_id) const {
  auto member = infra_.store().FindUser(user_id);
  if (!member || member->tenant_id != caller.tenant_id) throw Error(ErrorCode::kNotFound, "no member " + user_id);
  return *member;
}

store::User TenantService::SetMemberRole(const Principal& caller, const std::string& user_id,
                                         const std::string& role_name, const std::string& ip) {
  auto role = ParseRole(role_name);
  if (!role) {
    throw Error(ErrorCode::kInvalidRequest, "field \"role\" must be \"owner\", \"admin\" or \"operator\"")
        .With("accepted_roles", {RoleName(Role::kOwner), RoleName(Role::kAdmin), RoleName(Role::kOperator)});
  }
  auto member = FindMember(caller, user_id);
  if (Outranks(*role, RoleCeiling(caller, member))) {
    throw Error(ErrorCode::kForbidden, "your role cannot give this member the role " + role_name);
  }
  std::string old_role = member.role;
  if (*role == MemberRole(member)) return member;
  auto& store = infra_.store();
  InvalidateOnExit changing(credentials_);
  ThrowUnlessDone(store.SetUserRole(caller.tenant_id, user_id, old_role, RoleName(*role)), user_id, "be demoted");
  member.role = std::string(RoleName(*role));
  // API keys never outrank their maker, as when they were created.
  int lowered = Outranks(Role::kAdmin, *role)
                    ? store.ChangeApiKeyRoles(caller.tenant_id, user_id, RoleName(Role::kAdmin), member.role)
                    : 0;
  audit_.Record(caller.tenant_id, "member_role_changed", caller.id, ip,
                {{"member", user_id}, {"email", member.email}, {"old_role", old_role}, {"new_role", member.role},
                 {"api_keys_lowered", lowered}});
  return member;
}

void TenantService::RemoveMember(const Principal& caller, const std::string& user_id, const std::string& ip) {
  auto member = FindMember(caller, user_id);
  RoleCeiling(caller, member);  // throws when the caller may not manage the member
  InvalidateOnExit removing(credentials_);
  ThrowUnlessDone(infra_.store().DeleteUser(caller.tenant_id, user_id, member.role, UnixSeconds()), user_id,
                  "leave or be removed");
  audit_.Record(caller.tenant_id, "member_removed", caller.id, ip,
                {{"member", user_id}, {"email", member.email}, {"old_role", member.role}});
}

}  // namespace tgmux::service
