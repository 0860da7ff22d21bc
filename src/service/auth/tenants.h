// A tenant's members, invites and API keys. Every call acts inside the
// caller's tenant: ids of other tenants answer not_found, exactly like unknown
// ids. Thread-safe; calls block on the store.
#pragma once

#include <string>
#include <vector>

#include "service/auth/audit.h"
#include "service/auth/credential_cache.h"
#include "service/auth/principal.h"
#include "service/infrastructure.h"

namespace tgmux::service {

struct NewApiKey {
  store::ApiKey row;
  std::string key;  // shown once
};

struct NewInvite {
  store::Invite row;
  std::string token;  // shown once
};

class TenantService {
 public:
  // Every change that ends or narrows a credential invalidates `credentials`.
  TenantService(Infrastructure& infra, AuditLog& audit, CredentialCache& credentials)
      : infra_(infra), audit_(audit), credentials_(credentials) {}

  // role admin|operator, not above the caller's. Errors: invalid_request, forbidden.
  NewApiKey CreateApiKey(const Principal& caller, const std::string& name, const std::string& role,
                         const std::string& ip);
  std::vector<store::ApiKey> ListApiKeys(const Principal& caller);
  // Errors: not_found (unknown, revoked, or another tenant's).
  void RevokeApiKey(const Principal& caller, const std::string& id, const std::string& ip);

  // A one-time invite valid 7 days. Owners invite admins and operators, admins
  // invite operators. Errors: invalid_request, forbidden, conflict (already a user).
  NewInvite Invite(const Principal& caller, const std::string& email, const std::string& role, const std::string& ip);
  std::vector<store::User> Members(const Principal& caller);
  std::vector<store::Invite> Invites(const Principal& caller);

  // Who may change whom: owners anyone, to any role; admins operators only, and
  // only to operator (they cannot grant admin, as with invites); every member
  // may lower their own role. A member's next request carries the new role (the
  // authenticator reads it); a demotion to operator also lowers the admin API
  // keys the member made to operator. Returns the member as changed.
  // Errors: invalid_request (role), not_found (unknown, or another tenant's),
  // forbidden, conflict (the tenant's last owner; or the role changed meanwhile).
  store::User SetMemberRole(const Principal& caller, const std::string& user_id, const std::string& role,
                            const std::string& ip);
  // Owners remove anyone, admins operators, every member themselves (leaving).
  // The member's access and refresh tokens and the API keys they made stop
  // working at once. Errors: not_found, forbidden, conflict (the last owner).
  void RemoveMember(const Principal& caller, const std::string& user_id, const std::string& ip);

 private:
  Role CheckGrantable(const Principal& caller, const std::string& role, bool owner_only_for_admin) const;
  store::User FindMember(const Principal& caller, const std::string& user_id) const;

  Infrastructure& infra_;
  AuditLog& audit_;
  CredentialCache& credentials_;
};

}  // namespace tgmux::service
