// Internal to store/: the SQL of the app-user tables, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/auth_records.h"

namespace tgmux::store::sqlite_auth {

int CountUsers(SQLite::Database& db);
bool InsertTenantWithOwner(SQLite::Database& db, const Tenant& tenant, const User& owner);
bool InsertUser(SQLite::Database& db, const User& user);
std::optional<User> FindUser(SQLite::Database& db, std::string_view column, std::string_view value);
std::vector<User> ListUsers(SQLite::Database& db, std::string_view tenant_id);
MemberChange SetUserRole(SQLite::Database& db, std::string_view tenant_id, std::string_view user_id,
                         std::string_view expected_role, std::string_view role);
MemberChange DeleteUser(SQLite::Database& db, std::string_view tenant_id, std::string_view user_id,
                        std::string_view expected_role, std::int64_t at);

void InsertRefreshToken(SQLite::Database& db, const RefreshToken& token);
std::optional<RefreshToken> FindRefreshToken(SQLite::Database& db, std::string_view digest);
bool MarkRefreshTokenUsed(SQLite::Database& db, std::string_view digest, std::int64_t at);
void RevokeRefreshFamily(SQLite::Database& db, std::string_view family_id, std::int64_t at);

void InsertApiKey(SQLite::Database& db, const ApiKey& key);
std::optional<ApiKey> FindApiKeyByDigest(SQLite::Database& db, std::string_view digest);
std::vector<ApiKey> ListApiKeys(SQLite::Database& db, std::string_view tenant_id);
bool RevokeApiKey(SQLite::Database& db, std::string_view tenant_id, std::string_view id, std::int64_t at);
int ChangeApiKeyRoles(SQLite::Database& db, std::string_view tenant_id, std::string_view created_by,
                      std::string_view from, std::string_view to);

void InsertInvite(SQLite::Database& db, const Invite& invite);
std::optional<Invite> FindInvite(SQLite::Database& db, std::string_view digest);
std::vector<Invite> ListInvites(SQLite::Database& db, std::string_view tenant_id);
bool UseInvite(SQLite::Database& db, std::string_view digest, std::int64_t at);

std::int64_t AppendAudit(SQLite::Database& db, const AuditEntry& entry);
std::vector<AuditEntry> ListAudit(SQLite::Database& db, std::string_view tenant_id, std::int64_t before, int limit);

}  // namespace tgmux::store::sqlite_auth
