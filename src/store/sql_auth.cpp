#include "store/sql_auth.h"


#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_auth {
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

User ReadUser(sql::Statement& row) {
  return User{row.Text(0), row.Text(1), row.Text(2),
              row.Text(3), row.Text(4), row.Int64(5)};
}

ApiKey ReadKey(sql::Statement& row) {
  return ApiKey{row.Text(0), row.Text(1), row.Text(2),
                row.Text(3), row.Text(4), row.Text(5),
                row.Int64(6),  row.Int64(7)};
}

Invite ReadInvite(sql::Statement& row) {
  return Invite{row.Text(0), row.Text(1), row.Text(2),
                row.Text(3), row.Text(4), row.Text(5),
                row.Int64(6),  row.Int64(7),  row.Int64(8)};
}

void WriteUser(sql::Connection& db, const User& u) {
  sql::Statement insert(db,
                           "INSERT INTO users (id, tenant_id, email, password_hash, role, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
  sql::BindAll(insert, u.id, u.tenant_id, u.email, u.password_hash, u.role, u.created_at);
  insert.Exec();
}

template <typename T, typename Read>
std::vector<T> ListWhereTenant(sql::Connection& db, const char* select, std::string_view tenant_id, Read read) {
  sql::Statement query(db, std::string(select) + " WHERE tenant_id = ? ORDER BY created_at, id");
  query.Bind(1, std::string(tenant_id));
  std::vector<T> out;
  while (query.Step()) out.push_back(read(query));
  return out;
}

// Whether a change to the user (removing their "owner" role when
// `losing_owner`) may go ahead; call inside a write transaction.
MemberChange CheckMemberChange(sql::Connection& db, std::string_view tenant_id, std::string_view user_id,
                               std::string_view expected_role, bool losing_owner) {
  sql::Statement query(db, "SELECT role FROM users WHERE tenant_id = ? AND id = ?");
  sql::BindAll(query, std::string(tenant_id), std::string(user_id));
  if (!query.Step()) return MemberChange::kNotFound;
  std::string role = query.Text(0);
  if (role != expected_role) return MemberChange::kRoleChanged;
  if (role != kOwner || !losing_owner) return MemberChange::kDone;
  sql::Statement owners(db, "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = ?");
  sql::BindAll(owners, std::string(tenant_id), std::string(kOwner));
  owners.Step();
  return owners.Int(0) > 1 ? MemberChange::kDone : MemberChange::kLastOwner;
}

}  // namespace

int CountUsers(sql::Connection& db) {
  sql::Statement query(db, "SELECT COUNT(*) FROM users");
  query.Step();
  return query.Int(0);
}

bool InsertTenantWithOwner(sql::Connection& db, const Tenant& tenant, const User& owner) {
  sql::Transaction transaction(db);
  try {
    sql::Statement insert(db, "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)");
    sql::BindAll(insert, tenant.id, tenant.name, tenant.created_at);
    insert.Exec();
    WriteUser(db, owner);
  } catch (const sql::Error& e) {
    if (e.unique_violation()) return false;  // the transaction rolls back
    throw;
  }
  transaction.Commit();
  return true;
}

bool InsertUser(sql::Connection& db, const User& user) {
  try {
    WriteUser(db, user);
    return true;
  } catch (const sql::Error& e) {
    if (e.unique_violation()) return false;
    throw;
  }
}

std::optional<User> FindUser(sql::Connection& db, std::string_view column, std::string_view value) {
  sql::Statement query(db, std::string(kUserColumns) + " WHERE " + std::string(column) + " = ?");
  query.Bind(1, std::string(value));
  if (!query.Step()) return std::nullopt;
  return ReadUser(query);
}

std::vector<User> ListUsers(sql::Connection& db, std::string_view tenant_id) {
  return ListWhereTenant<User>(db, kUserColumns, tenant_id, ReadUser);
}

MemberChange SetUserRole(sql::Connection& db, std::string_view tenant_id, std::string_view user_id,
                         std::string_view expected_role, std::string_view role) {
  sql::Transaction transaction(db, true);
  auto check = CheckMemberChange(db, tenant_id, user_id, expected_role, role != kOwner);
  if (check != MemberChange::kDone) return check;
  sql::Statement update(db, "UPDATE users SET role = ? WHERE tenant_id = ? AND id = ?");
  sql::BindAll(update, std::string(role), std::string(tenant_id), std::string(user_id));
  update.Exec();
  transaction.Commit();
  return MemberChange::kDone;
}

MemberChange DeleteUser(sql::Connection& db, std::string_view tenant_id, std::string_view user_id,
                        std::string_view expected_role, std::int64_t at) {
  sql::Transaction transaction(db, true);
  auto check = CheckMemberChange(db, tenant_id, user_id, expected_role, true);
  if (check != MemberChange::kDone) return check;
  sql::Statement keys(db, std::string(kKeysMadeBy) +
                                 "UPDATE api_keys SET revoked_at = ?3 "
                                 "WHERE revoked_at = 0 AND id IN (SELECT id FROM made)");
  sql::BindAll(keys, std::string(tenant_id), std::string(user_id), at);
  keys.Exec();
  sql::Statement tokens(db, "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0");
  sql::BindAll(tokens, at, std::string(user_id));
  tokens.Exec();
  sql::Statement remove(db, "DELETE FROM users WHERE tenant_id = ? AND id = ?");
  sql::BindAll(remove, std::string(tenant_id), std::string(user_id));
  remove.Exec();
  transaction.Commit();
  return MemberChange::kDone;
}

void InsertRefreshToken(sql::Connection& db, const RefreshToken& t) {
  sql::Statement insert(db,
                           "INSERT INTO refresh_tokens (digest, family_id, user_id, created_at, expires_at, "
                           "used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  sql::BindAll(insert, t.digest, t.family_id, t.user_id, t.created_at, t.expires_at, t.used_at, t.revoked_at);
  insert.Exec();
}

std::optional<RefreshToken> FindRefreshToken(sql::Connection& db, std::string_view digest) {
  sql::Statement query(db,
                          "SELECT digest, family_id, user_id, created_at, expires_at, used_at, revoked_at "
                          "FROM refresh_tokens WHERE digest = ?");
  query.Bind(1, std::string(digest));
  if (!query.Step()) return std::nullopt;
  return RefreshToken{query.Text(0), query.Text(1),
                      query.Text(2), query.Int64(3),
                      query.Int64(4),  query.Int64(5),
                      query.Int64(6)};
}

bool MarkRefreshTokenUsed(sql::Connection& db, std::string_view digest, std::int64_t at) {
  sql::Statement update(db, "UPDATE refresh_tokens SET used_at = ? WHERE digest = ? AND used_at = 0");
  update.Bind(1, at);
  update.Bind(2, std::string(digest));
  return update.Exec() > 0;
}

void RevokeRefreshFamily(sql::Connection& db, std::string_view family_id, std::int64_t at) {
  sql::Statement update(db, "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at = 0");
  update.Bind(1, at);
  update.Bind(2, std::string(family_id));
  update.Exec();
}

void InsertApiKey(sql::Connection& db, const ApiKey& k) {
  sql::Statement insert(db,
                           "INSERT INTO api_keys (id, tenant_id, name, role, digest, created_by, created_at, "
                           "revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sql::BindAll(insert, k.id, k.tenant_id, k.name, k.role, k.digest, k.created_by, k.created_at, k.revoked_at);
  insert.Exec();
}

std::optional<ApiKey> FindApiKeyByDigest(sql::Connection& db, std::string_view digest) {
  sql::Statement query(db, std::string(kKeyColumns) + " WHERE digest = ?");
  query.Bind(1, std::string(digest));
  if (!query.Step()) return std::nullopt;
  return ReadKey(query);
}

std::vector<ApiKey> ListApiKeys(sql::Connection& db, std::string_view tenant_id) {
  return ListWhereTenant<ApiKey>(db, kKeyColumns, tenant_id, ReadKey);
}

bool RevokeApiKey(sql::Connection& db, std::string_view tenant_id, std::string_view id, std::int64_t at) {
  sql::Statement update(db,
                           "UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at = 0");
  sql::BindAll(update, at, std::string(tenant_id), std::string(id));
  return update.Exec() > 0;
}

int ChangeApiKeyRoles(sql::Connection& db, std::string_view tenant_id, std::string_view created_by,
                      std::string_view from, std::string_view to) {
  sql::Statement update(db, std::string(kKeysMadeBy) +
                                   "UPDATE api_keys SET role = ?4 WHERE revoked_at = 0 AND role = ?3 "
                                   "AND id IN (SELECT id FROM made)");
  sql::BindAll(update, std::string(tenant_id), std::string(created_by), std::string(from), std::string(to));
  return update.Exec();
}

void InsertInvite(sql::Connection& db, const Invite& i) {
  sql::Statement insert(db,
                           "INSERT INTO invites (digest, id, tenant_id, email, role, created_by, created_at, "
                           "expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sql::BindAll(insert,
               i.digest, i.id, i.tenant_id, i.email, i.role, i.created_by, i.created_at, i.expires_at,
               i.used_at);
  insert.Exec();
}

std::optional<Invite> FindInvite(sql::Connection& db, std::string_view digest) {
  sql::Statement query(db, std::string(kInviteColumns) + " WHERE digest = ?");
  query.Bind(1, std::string(digest));
  if (!query.Step()) return std::nullopt;
  return ReadInvite(query);
}

std::vector<Invite> ListInvites(sql::Connection& db, std::string_view tenant_id) {
  return ListWhereTenant<Invite>(db, kInviteColumns, tenant_id, ReadInvite);
}

bool UseInvite(sql::Connection& db, std::string_view digest, std::int64_t at) {
  sql::Statement update(db, "UPDATE invites SET used_at = ? WHERE digest = ? AND used_at = 0");
  update.Bind(1, at);
  update.Bind(2, std::string(digest));
  return update.Exec() > 0;
}

std::int64_t AppendAudit(sql::Connection& db, const AuditEntry& e) {
  sql::Statement insert(db,
                           "INSERT INTO audit_log (tenant_id, at, event, actor, ip, detail) VALUES (?, ?, ?, ?, ?, ?) "
                        "RETURNING seq");
  sql::BindAll(insert, e.tenant_id, e.at, e.event, e.actor, e.ip, e.detail);
  insert.Step();
  return insert.Int64(0);
}

std::vector<AuditEntry> ListAudit(sql::Connection& db, std::string_view tenant_id, std::int64_t before, int limit) {
  sql::Statement query(db,
                          "SELECT seq, tenant_id, at, event, actor, ip, detail FROM audit_log "
                          "WHERE tenant_id = ? AND (seq < ? OR ? = 0) ORDER BY seq DESC LIMIT ?");
  sql::BindAll(query, std::string(tenant_id), before, before, limit);
  std::vector<AuditEntry> out;
  while (query.Step()) {
    out.push_back(AuditEntry{query.Int64(0), query.Text(1),
                             query.Int64(2), query.Text(3),
                             query.Text(4), query.Text(5),
                             query.Text(6)});
  }
  return out;
}

}  // namespace tgmux::store::sql_auth
