#include "store/sql_events.h"


#include <nlohmann/json.hpp>
#include <map>
#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_events {
namespace {

// "?,?,?" for n values.
std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ",?";
  return out;
}

constexpr const char* kWebhookColumns =
    "id, tenant_id, url, types, account_ids, secret_sealed, state, disabled_reason, delivered_seq, attempts, "
    "next_attempt_at, failing_since, last_error, delivered_count, created_at, updated_at";

void BindWebhook(sql::Statement& s, const Webhook& w) {
  sql::BindAll(s, w.id, w.tenant_id, w.url, nlohmann::json(w.types).dump(), nlohmann::json(w.account_ids).dump(),
               w.secret_sealed, std::string(WebhookStateName(w.state)), w.disabled_reason, w.delivered_seq,
               w.attempts, w.next_attempt_at, w.failing_since, w.last_error, w.delivered_count, w.created_at,
               w.updated_at);
  BindBlob(s, 6, w.secret_sealed);
}

Webhook ReadWebhook(sql::Statement& row) {
  Webhook w;
  w.id = row.Text(0);
  w.tenant_id = row.Text(1);
  w.url = row.Text(2);
  w.types = nlohmann::json::parse(row.Text(3)).get<std::vector<std::string>>();
  w.account_ids = nlohmann::json::parse(row.Text(4)).get<std::vector<std::string>>();
  w.secret_sealed = row.Text(5);
  w.state = NamedColumn(row, 6, "webhooks.state", ParseWebhookState);
  w.disabled_reason = row.Text(7);
  w.delivered_seq = row.Int64(8);
  w.attempts = row.Int(9);
  w.next_attempt_at = row.Int64(10);
  w.failing_since = row.Int64(11);
  w.last_error = row.Text(12);
  w.delivered_count = row.Int64(13);
  w.created_at = row.Int64(14);
  w.updated_at = row.Int64(15);
  return w;
}

// The tenant's last seq, its counter row (made at 0 for a new tenant) locked
// until the transaction ends.
std::int64_t LockSequence(sql::Connection& db, const std::string& tenant_id) {
  sql::Statement create(db, "INSERT INTO event_sequences (tenant_id, last_seq) VALUES (?, 0) ON CONFLICT DO NOTHING");
  sql::BindAll(create, tenant_id);
  create.Exec();
  sql::Statement read(db, "SELECT last_seq FROM event_sequences WHERE tenant_id = ?" + sql::ForUpdate(db));
  sql::BindAll(read, tenant_id);
  read.Step();
  return read.Int64(0);
}

}  // namespace

std::vector<Event> Append(sql::Connection& db, std::vector<Event> events) {
  std::vector<Event> written;
  sql::Transaction transaction(db, true);
  // Each tenant's counter row, locked in one order (no two writers wait on
  // each other) until the commit: seqs have no gaps and no repeats however
  // many writers there are.
  std::map<std::string, std::int64_t> last;
  for (const auto& e : events) last.try_emplace(e.tenant_id, 0);
  for (auto& [tenant_id, seq] : last) seq = LockSequence(db, tenant_id);
  sql::Statement insert(db,
                        "INSERT INTO events (tenant_id, seq, id, type, account_id, created_at, dedup_key, data) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING");
  for (auto& e : events) {
    std::int64_t& tenant_seq = last[e.tenant_id];
    e.seq = tenant_seq + 1;
    sql::BindAll(insert, e.tenant_id, e.seq, e.id, e.type, e.account_id, e.created_at, e.dedup_key);
    BindBlob(insert, 8, e.data);
    bool added = insert.Exec() > 0;
    insert.Reset();
    if (!added) continue;  // its dedup key is taken: no seq spent
    tenant_seq = e.seq;
    written.push_back(std::move(e));
  }
  sql::Statement advance(db, "UPDATE event_sequences SET last_seq = ? WHERE tenant_id = ?");
  for (const auto& [tenant_id, seq] : last) {
    sql::BindAll(advance, seq, tenant_id);
    advance.Exec();
    advance.Reset();
  }
  transaction.Commit();
  return written;
}

namespace {

// "WHERE ..." of the events a query selects, and its values bound from index 1 on.
std::string Where(const EventQuery& q) {
  std::string sql = " WHERE tenant_id = ? AND seq > ?";
  if (!q.types.empty()) sql += " AND type IN (" + Placeholders(q.types.size()) + ")";
  if (!q.account_ids.empty()) sql += " AND account_id IN (" + Placeholders(q.account_ids.size()) + ")";
  return sql;
}
int BindWhere(sql::Statement& query, const EventQuery& q) {
  int index = 0;
  query.Bind(++index, q.tenant_id);
  query.Bind(++index, q.after);
  for (const auto& type : q.types) query.Bind(++index, type);
  for (const auto& id : q.account_ids) query.Bind(++index, id);
  return index;
}

}  // namespace

std::vector<Event> List(sql::Connection& db, const EventQuery& q) {
  sql::Statement query(db, "SELECT tenant_id, seq, id, type, account_id, created_at, dedup_key, data FROM events" +
                               Where(q) + " ORDER BY seq LIMIT ?");
  int index = BindWhere(query, q);
  query.Bind(++index, q.limit);
  std::vector<Event> out;
  while (query.Step()) {
    Event e;
    e.tenant_id = query.Text(0);
    e.seq = query.Int64(1);
    e.id = query.Text(2);
    e.type = query.Text(3);
    e.account_id = query.Text(4);
    e.created_at = query.Int64(5);
    e.dedup_key = query.Text(6);
    e.data = query.Text(7);
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t Count(sql::Connection& db, const EventQuery& q) {
  sql::Statement query(db, "SELECT count(*) FROM events" + Where(q));
  BindWhere(query, q);
  query.Step();
  return query.Int64(0);
}

std::int64_t LastSeq(sql::Connection& db, std::string_view tenant_id) {
  sql::Statement query(db, "SELECT COALESCE(MAX(last_seq), 0) FROM event_sequences WHERE tenant_id = ?");
  query.Bind(1, std::string(tenant_id));
  query.Step();
  return query.Int64(0);
}

int DeleteBefore(sql::Connection& db, std::int64_t created_before) {
  sql::Statement erase(db, "DELETE FROM events WHERE created_at < ?");
  erase.Bind(1, created_before);
  return erase.Exec();
}

std::int64_t GetCheckpoint(sql::Connection& db, std::string_view account_id) {
  sql::Statement query(db, "SELECT at FROM event_checkpoints WHERE account_id = ?");
  query.Bind(1, std::string(account_id));
  return query.Step() ? query.Int64(0) : 0;
}

void SetCheckpoint(sql::Connection& db, std::string_view account_id, std::int64_t at) {
  sql::Statement upsert(db,
                           "INSERT INTO event_checkpoints (account_id, at) VALUES (?, ?) "
                           "ON CONFLICT (account_id) DO UPDATE SET at = excluded.at");
  sql::BindAll(upsert, std::string(account_id), at);
  upsert.Exec();
}

void InsertWebhook(sql::Connection& db, const Webhook& w) {
  sql::Statement insert(db, std::string("INSERT INTO webhooks (") + kWebhookColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  BindWebhook(insert, w);
  insert.Exec();
}

std::optional<Webhook> FindWebhook(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE id = ?");
  query.Bind(1, std::string(id));
  if (!query.Step()) return std::nullopt;
  return ReadWebhook(query);
}

std::vector<Webhook> ListWebhooks(sql::Connection& db, std::string_view tenant_id) {
  std::string sql = std::string("SELECT ") + kWebhookColumns + " FROM webhooks";
  if (!tenant_id.empty()) sql += " WHERE tenant_id = ?";
  sql::Statement query(db, sql + " ORDER BY created_at, id");
  if (!tenant_id.empty()) query.Bind(1, std::string(tenant_id));
  std::vector<Webhook> out;
  while (query.Step()) out.push_back(ReadWebhook(query));
  return out;
}

bool UpdateWebhook(sql::Connection& db, const Webhook& w) {
  sql::Statement update(db,
                           "UPDATE webhooks SET tenant_id = ?2, url = ?3, types = ?4, account_ids = ?5, "
                           "secret_sealed = ?6, state = ?7, disabled_reason = ?8, delivered_seq = ?9, "
                           "attempts = ?10, next_attempt_at = ?11, failing_since = ?12, last_error = ?13, "
                           "delivered_count = ?14, created_at = ?15, updated_at = ?16 WHERE id = ?1");
  BindWebhook(update, w);
  return update.Exec() > 0;
}

bool DeleteWebhook(sql::Connection& db, std::string_view tenant_id, std::string_view id) {
  sql::Statement erase(db, "DELETE FROM webhooks WHERE tenant_id = ? AND id = ?");
  sql::BindAll(erase, std::string(tenant_id), std::string(id));
  return erase.Exec() > 0;
}

}  // namespace tgmux::store::sql_events
