#include "store/sqlite_auth.h"

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_auth {
namespace {

constexpr const char* kUserColumns = "SELECT id, tenant_id, email, password_hash, role, created_at FROM users";
constexpr const char* kKeyColumns =
    "SELECT id, tenant_id, name, role, digest, created_by, created_at, revoked_at FROM api_keys";
constexpr const char* kInviteColumns =
    "SELECT digest, id, tenant_id, email, role, created_by, created_at, expires_at, used_at FROM invites";

constexpr const char* kOwner = "owner";  // the role no tenant may be left without
// The ids of the keys user ?2 made in tenant ?1, and of the keys those keys made.
constexpr const char* kKeysMadeBy =
    "WITH RECURSIVE made(id) AS (SELECT id FROM api_keys WHERE tenant_id = ?1 AND created_by = ?2 "
    "UNION SELECT k.id FROM api_keys k JOIN made ON k.created_by = made.id WHERE k.tenant_id = ?1) ";

User ReadUser(SQLite::Statement& row) {
  return User{row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
              row.getColumn(3).getString(), row.getColumn(4).getString(), row.getColumn(5).getInt64()};
}

ApiKey ReadKey(SQLite::Statement& row) {
  return ApiKey{row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
                row.getColumn(3).getString(), row.getColumn(4).getString(), row.getColumn(5).getString(),
                row.getColumn(6).getInt64(),  row.getColumn(7).getInt64()};
}

Invite ReadInvite(SQLite::Statement& row) {
  return Invite{row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
                row.getColumn(3).getString(), row.getColumn(4).getString(), row.getColumn(5).getString(),
                row.getColumn(6).getInt64(),  row.getColumn(7).getInt64(),  row.getColumn(8).getInt64()};
}

void WriteUser(SQLite::Database& db, const User& u) {
  SQLite::Statement insert(db,
                           "INSERT INTO users (id, tenant_id, email, password_hash, role, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, u.id, u.tenant_id, u.email, u.password_hash, u.role, u.created_at);
  insert.exec();
}

template <typename T, typename Read>
std::vector<T> ListWhereTenant(SQLite::Database& db, const char* select, std::string_view tenant_id, Read read) {
  SQLite::Statement query(db, std::string(select) + " WHERE tenant_id = ? ORDER BY created_at, id");
  query.bind(1, std::string(tenant_id));
  std::vector<T> out;
  while (query.executeStep()) out.push_back(read(query));
  return out;
}

// Whether a change to the user (removing their "owner" role when
// `losing_owner`) may go ahead; call inside a write transaction.
MemberChange CheckMemberChange(SQLite::Database& db, std::string_view tenant_id, std::string_view user_id,
                               std::string_view expected_role, bool losing_owner) {
  SQLite::Statement query(db, "SELECT role FROM users WHERE tenant_id = ? AND id = ?");
  SQLite::bind(query, std::string(tenant_id), std::string(user_id));
  if (!query.executeStep()) return MemberChange::kNotFound;
  std::string role = query.getColumn(0).getString();
  if (role != expected_role) return MemberChange::kRoleChanged;
  if (role != kOwner || !losing_owner) return MemberChange::kDone;
  SQLite::Statement owners(db, "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = ?");
  SQLite::bind(owners, std::string(tenant_id), std::string(kOwner));
  owners.executeStep();
  return owners.getColumn(0).getInt() > 1 ? MemberChange::kDone : MemberChange::kLastOwner;
}

}  // namespace

int CountUsers(SQLite::Database& db) { return db.execAndGet("SELECT COUNT(*) FROM users").getInt(); }

bool InsertTenantWithOwner(SQLite::Database& db, const Tenant& tenant, const User& owner) {
  SQLite::Transaction transaction(db);
  try {
    SQLite::Statement insert(db, "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)");
    SQLite::bind(insert, tenant.id, tenant.name, tenant.created_at);
    insert.exec();
    WriteUser(db, owner);
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return false;  // the transaction rolls back
    throw;
  }
  transaction.commit();
  return true;
}

bool InsertUser(SQLite::Database& db, const User& user) {
  try {
    WriteUser(db, user);
    return true;
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return false;
    throw;
  }
}

std::optional<User> FindUser(SQLite::Database& db, std::string_view column, std::string_view value) {
  SQLite::Statement query(db, std::string(kUserColumns) + " WHERE " + std::string(column) + " = ?");
  query.bind(1, std::string(value));
  if (!query.executeStep()) return std::nullopt;
  return ReadUser(query);
}

std::vector<User> ListUsers(SQLite::Database& db, std::string_view tenant_id) {
  return ListWhereTenant<User>(db, kUserColumns, tenant_id, ReadUser);
}

MemberChange SetUserRole(SQLite::Database& db, std::string_view tenant_id, std::string_view user_id,
                         std::string_view expected_role, std::string_view role) {
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  auto check = CheckMemberChange(db, tenant_id, user_id, expected_role, role != kOwner);
  if (check != MemberChange::kDone) return check;
  SQLite::Statement update(db, "UPDATE users SET role = ? WHERE tenant_id = ? AND id = ?");
  SQLite::bind(update, std::string(role), std::string(tenant_id), std::string(user_id));
  update.exec();
  transaction.commit();
  return MemberChange::kDone;
}

MemberChange DeleteUser(SQLite::Database& db, std::string_view tenant_id, std::string_view user_id,
                        std::string_view expected_role, std::int64_t at) {
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  auto check = CheckMemberChange(db, tenant_id, user_id, expected_role, true);
  if (check != MemberChange::kDone) return check;
  SQLite::Statement keys(db, std::string(kKeysMadeBy) +
                                 "UPDATE api_keys SET revoked_at = ?3 "
                                 "WHERE revoked_at = 0 AND id IN (SELECT id FROM made)");
  SQLite::bind(keys, std::string(tenant_id), std::string(user_id), at);
  keys.exec();
  SQLite::Statement tokens(db, "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0");
  SQLite::bind(tokens, at, std::string(user_id));
  tokens.exec();
  SQLite::Statement remove(db, "DELETE FROM users WHERE tenant_id = ? AND id = ?");
  SQLite::bind(remove, std::string(tenant_id), std::string(user_id));
  remove.exec();
  transaction.commit();
  return MemberChange::kDone;
}

void InsertRefreshToken(SQLite::Database& db, const RefreshToken& t) {
  SQLite::Statement insert(db,
                           "INSERT INTO refresh_tokens (digest, family_id, user_id, created_at, expires_at, "
                           "used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, t.digest, t.family_id, t.user_id, t.created_at, t.expires_at, t.used_at, t.revoked_at);
  insert.exec();
}

std::optional<RefreshToken> FindRefreshToken(SQLite::Database& db, std::string_view digest) {
  SQLite::Statement query(db,
                          "SELECT digest, family_id, user_id, created_at, expires_at, used_at, revoked_at "
                          "FROM refresh_tokens WHERE digest = ?");
  query.bind(1, std::string(digest));
  if (!query.executeStep()) return std::nullopt;
  return RefreshToken{query.getColumn(0).getString(), query.getColumn(1).getString(),
                      query.getColumn(2).getString(), query.getColumn(3).getInt64(),
                      query.getColumn(4).getInt64(),  query.getColumn(5).getInt64(),
                      query.getColumn(6).getInt64()};
}

bool MarkRefreshTokenUsed(SQLite::Database& db, std::string_view digest, std::int64_t at) {
  SQLite::Statement update(db, "UPDATE refresh_tokens SET used_at = ? WHERE digest = ? AND used_at = 0");
  update.bind(1, at);
  update.bind(2, std::string(digest));
  return update.exec() > 0;
}

void RevokeRefreshFamily(SQLite::Database& db, std::string_view family_id, std::int64_t at) {
  SQLite::Statement update(db, "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at = 0");
  update.bind(1, at);
  update.bind(2, std::string(family_id));
  update.exec();
}

void InsertApiKey(SQLite::Database& db, const ApiKey& k) {
  SQLite::Statement insert(db,
                           "INSERT INTO api_keys (id, tenant_id, name, role, digest, created_by, created_at, "
                           "revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, k.id, k.tenant_id, k.name, k.role, k.digest, k.created_by, k.created_at, k.revoked_at);
  insert.exec();
}

std::optional<ApiKey> FindApiKeyByDigest(SQLite::Database& db, std::string_view digest) {
  SQLite::Statement query(db, std::string(kKeyColumns) + " WHERE digest = ?");
  query.bind(1, std::string(digest));
  if (!query.executeStep()) return std::nullopt;
  return ReadKey(query);
}

std::vector<ApiKey> ListApiKeys(SQLite::Database& db, std::string_view tenant_id) {
  return ListWhereTenant<ApiKey>(db, kKeyColumns, tenant_id, ReadKey);
}

bool RevokeApiKey(SQLite::Database& db, std::string_view tenant_id, std::string_view id, std::int64_t at) {
  SQLite::Statement update(db,
                           "UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at = 0");
  SQLite::bind(update, at, std::string(tenant_id), std::string(id));
  return update.exec() > 0;
}

int ChangeApiKeyRoles(SQLite::Database& db, std::string_view tenant_id, std::string_view created_by,
                      std::string_view from, std::string_view to) {
  SQLite::Statement update(db, std::string(kKeysMadeBy) +
                                   "UPDATE api_keys SET role = ?4 WHERE revoked_at = 0 AND role = ?3 "
                                   "AND id IN (SELECT id FROM made)");
  SQLite::bind(update, std::string(tenant_id), std::string(created_by), std::string(from), std::string(to));
  return update.exec();
}

void InsertInvite(SQLite::Database& db, const Invite& i) {
  SQLite::Statement insert(db,
                           "INSERT INTO invites (digest, id, tenant_id, email, role, created_by, created_at, "
                           "expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert,
               i.digest, i.id, i.tenant_id, i.email, i.role, i.created_by, i.created_at, i.expires_at,
               i.used_at);
  insert.exec();
}

std::optional<Invite> FindInvite(SQLite::Database& db, std::string_view digest) {
  SQLite::Statement query(db, std::string(kInviteColumns) + " WHERE digest = ?");
  query.bind(1, std::string(digest));
  if (!query.executeStep()) return std::nullopt;
  return ReadInvite(query);
}

std::vector<Invite> ListInvites(SQLite::Database& db, std::string_view tenant_id) {
  return ListWhereTenant<Invite>(db, kInviteColumns, tenant_id, ReadInvite);
}

bool UseInvite(SQLite::Database& db, std::string_view digest, std::int64_t at) {
  SQLite::Statement update(db, "UPDATE invites SET used_at = ? WHERE digest = ? AND used_at = 0");
  update.bind(1, at);
  update.bind(2, std::string(digest));
  return update.exec() > 0;
}

std::int64_t AppendAudit(SQLite::Database& db, const AuditEntry& e) {
  SQLite::Statement insert(db,
                           "INSERT INTO audit_log (tenant_id, at, event, actor, ip, detail) VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, e.tenant_id, e.at, e.event, e.actor, e.ip, e.detail);
  insert.exec();
  return db.getLastInsertRowid();
}

std::vector<AuditEntry> ListAudit(SQLite::Database& db, std::string_view tenant_id, std::int64_t before, int limit) {
  SQLite::Statement query(db,
                          "SELECT seq, tenant_id, at, event, actor, ip, detail FROM audit_log "
                          "WHERE tenant_id = ? AND (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?");
  SQLite::bind(query, std::string(tenant_id), before, before, limit);
  std::vector<AuditEntry> out;
  while (query.executeStep()) {
    out.push_back(AuditEntry{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                             query.getColumn(2).getInt64(), query.getColumn(3).getString(),
                             query.getColumn(4).getString(), query.getColumn(5).getString(),
                             query.getColumn(6).getString()});
  }
  return out;
}

}  // namespace tgmux::store::sqlite_auth
