// Internal to store/: the SQL of the app-user tables, as free functions over a
// connection the caller holds (the store gives each call its own).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/auth_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_auth {

int CountUsers(sql::Connection& db);
bool InsertTenantWithOwner(sql::Connection& db, const Tenant& tenant, const User& owner);
bool InsertUser(sql::Connection& db, const User& user);
std::optional<User> FindUser(sql::Connection& db, std::string_view column, std::string_view value);
std::vector<User> ListUsers(sql::Connection& db, std::string_view tenant_id);
MemberChange SetUserRole(sql::Connection& db, std::string_view tenant_id, std::string_view user_id,
                         std::string_view expected_role, std::string_view role);
MemberChange DeleteUser(sql::Connection& db, std::string_view tenant_id, std::string_view user_id,
                        std::string_view expected_role, std::int64_t at);

void InsertRefreshToken(sql::Connection& db, const RefreshToken& token);
std::optional<RefreshToken> FindRefreshToken(sql::Connection& db, std::string_view digest);
bool MarkRefreshTokenUsed(sql::Connection& db, std::string_view digest, std::int64_t at);
void RevokeRefreshFamily(sql::Connection& db, std::string_view family_id, std::int64_t at);

void InsertApiKey(sql::Connection& db, const ApiKey& key);
std::optional<ApiKey> FindApiKeyByDigest(sql::Connection& db, std::string_view digest);
std::vector<ApiKey> ListApiKeys(sql::Connection& db, std::string_view tenant_id);
bool RevokeApiKey(sql::Connection& db, std::string_view tenant_id, std::string_view id, std::int64_t at);
int ChangeApiKeyRoles(sql::Connection& db, std::string_view tenant_id, std::string_view created_by,
                      std::string_view from, std::string_view to);

void InsertInvite(sql::Connection& db, const Invite& invite);
std::optional<Invite> FindInvite(sql::Connection& db, std::string_view digest);
std::vector<Invite> ListInvites(sql::Connection& db, std::string_view tenant_id);
bool UseInvite(sql::Connection& db, std::string_view digest, std::int64_t at);

std::int64_t AppendAudit(sql::Connection& db, const AuditEntry& entry);
std::vector<AuditEntry> ListAudit(sql::Connection& db, std::string_view tenant_id, std::int64_t before, int limit);

}  // namespace tgmux::store::sql_auth
