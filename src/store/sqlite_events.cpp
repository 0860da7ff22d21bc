#include "store/sqlite_events.h"

#include <SQLiteCpp/VariadicBind.h>

#include <nlohmann/json.hpp>
#include <map>
#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_events {
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

void BindWebhook(SQLite::Statement& s, const Webhook& w) {
  SQLite::bind(s, w.id, w.tenant_id, w.url, nlohmann::json(w.types).dump(), nlohmann::json(w.account_ids).dump(),
               w.secret_sealed, std::string(WebhookStateName(w.state)), w.disabled_reason, w.delivered_seq,
               w.attempts, w.next_attempt_at, w.failing_since, w.last_error, w.delivered_count, w.created_at,
               w.updated_at);
  BindBlob(s, 6, w.secret_sealed);
}

Webhook ReadWebhook(SQLite::Statement& row) {
  Webhook w;
  w.id = row.getColumn(0).getString();
  w.tenant_id = row.getColumn(1).getString();
  w.url = row.getColumn(2).getString();
  w.types = nlohmann::json::parse(row.getColumn(3).getString()).get<std::vector<std::string>>();
  w.account_ids = nlohmann::json::parse(row.getColumn(4).getString()).get<std::vector<std::string>>();
  w.secret_sealed = row.getColumn(5).getString();
  w.state = NamedColumn(row, 6, "webhooks.state", ParseWebhookState);
  w.disabled_reason = row.getColumn(7).getString();
  w.delivered_seq = row.getColumn(8).getInt64();
  w.attempts = row.getColumn(9).getInt();
  w.next_attempt_at = row.getColumn(10).getInt64();
  w.failing_since = row.getColumn(11).getInt64();
  w.last_error = row.getColumn(12).getString();
  w.delivered_count = row.getColumn(13).getInt64();
  w.created_at = row.getColumn(14).getInt64();
  w.updated_at = row.getColumn(15).getInt64();
  return w;
}

}  // namespace

std::vector<Event> Append(SQLite::Database& db, std::vector<Event> events) {
  std::vector<Event> written;
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement insert(db,
                           "INSERT OR IGNORE INTO events (tenant_id, seq, id, type, account_id, created_at, "
                           "dedup_key, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  SQLite::Statement advance(db,
                            "INSERT INTO event_sequences (tenant_id, last_seq) VALUES (?, ?) "
                            "ON CONFLICT (tenant_id) DO UPDATE SET last_seq = excluded.last_seq");
  std::map<std::string, std::int64_t> last;  // per tenant, read once per batch
  for (auto& e : events) {
    auto [it, first] = last.try_emplace(e.tenant_id, 0);
    if (first) it->second = LastSeq(db, e.tenant_id);
    e.seq = it->second + 1;
    SQLite::bind(insert, e.tenant_id, e.seq, e.id, e.type, e.account_id, e.created_at, e.dedup_key);
    BindBlob(insert, 8, e.data);
    bool added = insert.exec() > 0;
    insert.reset();
    insert.clearBindings();
    if (!added) continue;  // its dedup key is taken: no seq spent
    it->second = e.seq;
    SQLite::bind(advance, e.tenant_id, e.seq);
    advance.exec();
    advance.reset();
    written.push_back(std::move(e));
  }
  transaction.commit();
  return written;
}

std::vector<Event> List(SQLite::Database& db, const EventQuery& q) {
  std::string sql =
      "SELECT tenant_id, seq, id, type, account_id, created_at, dedup_key, data FROM events "
      "WHERE tenant_id = ? AND seq > ?";
  if (!q.types.empty()) sql += " AND type IN (" + Placeholders(q.types.size()) + ")";
  if (!q.account_ids.empty()) sql += " AND account_id IN (" + Placeholders(q.account_ids.size()) + ")";
  sql += " ORDER BY seq LIMIT ?";
  SQLite::Statement query(db, sql);
  int index = 0;
  query.bind(++index, q.tenant_id);
  query.bind(++index, q.after);
  for (const auto& type : q.types) query.bind(++index, type);
  for (const auto& id : q.account_ids) query.bind(++index, id);
  query.bind(++index, q.limit);
  std::vector<Event> out;
  while (query.executeStep()) {
    Event e;
    e.tenant_id = query.getColumn(0).getString();
    e.seq = query.getColumn(1).getInt64();
    e.id = query.getColumn(2).getString();
    e.type = query.getColumn(3).getString();
    e.account_id = query.getColumn(4).getString();
    e.created_at = query.getColumn(5).getInt64();
    e.dedup_key = query.getColumn(6).getString();
    e.data = query.getColumn(7).getString();
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t LastSeq(SQLite::Database& db, std::string_view tenant_id) {
  SQLite::Statement query(db, "SELECT COALESCE(MAX(last_seq), 0) FROM event_sequences WHERE tenant_id = ?");
  query.bind(1, std::string(tenant_id));
  query.executeStep();
  return query.getColumn(0).getInt64();
}

int DeleteBefore(SQLite::Database& db, std::int64_t created_before) {
  SQLite::Statement erase(db, "DELETE FROM events WHERE created_at < ?");
  erase.bind(1, created_before);
  return erase.exec();
}

std::int64_t GetCheckpoint(SQLite::Database& db, std::string_view account_id) {
  SQLite::Statement query(db, "SELECT at FROM event_checkpoints WHERE account_id = ?");
  query.bind(1, std::string(account_id));
  return query.executeStep() ? query.getColumn(0).getInt64() : 0;
}

void SetCheckpoint(SQLite::Database& db, std::string_view account_id, std::int64_t at) {
  SQLite::Statement upsert(db,
                           "INSERT INTO event_checkpoints (account_id, at) VALUES (?, ?) "
                           "ON CONFLICT (account_id) DO UPDATE SET at = excluded.at");
  SQLite::bind(upsert, std::string(account_id), at);
  upsert.exec();
}

void InsertWebhook(SQLite::Database& db, const Webhook& w) {
  SQLite::Statement insert(db, std::string("INSERT INTO webhooks (") + kWebhookColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  BindWebhook(insert, w);
  insert.exec();
}

std::optional<Webhook> FindWebhook(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE id = ?");
  query.bind(1, std::string(id));
  if (!query.executeStep()) return std::nullopt;
  return ReadWebhook(query);
}

std::vector<Webhook> ListWebhooks(SQLite::Database& db, std::string_view tenant_id) {
  std::string sql = std::string("SELECT ") + kWebhookColumns + " FROM webhooks";
  if (!tenant_id.empty()) sql += " WHERE tenant_id = ?";
  SQLite::Statement query(db, sql + " ORDER BY created_at, id");
  if (!tenant_id.empty()) query.bind(1, std::string(tenant_id));
  std::vector<Webhook> out;
  while (query.executeStep()) out.push_back(ReadWebhook(query));
  return out;
}

bool UpdateWebhook(SQLite::Database& db, const Webhook& w) {
  SQLite::Statement update(db,
                           "UPDATE webhooks SET tenant_id = ?2, url = ?3, types = ?4, account_ids = ?5, "
                           "secret_sealed = ?6, state = ?7, disabled_reason = ?8, delivered_seq = ?9, "
                           "attempts = ?10, next_attempt_at = ?11, failing_since = ?12, last_error = ?13, "
                           "delivered_count = ?14, created_at = ?15, updated_at = ?16 WHERE id = ?1");
  BindWebhook(update, w);
  return update.exec() > 0;
}

bool DeleteWebhook(SQLite::Database& db, std::string_view tenant_id, std::string_view id) {
  SQLite::Statement erase(db, "DELETE FROM webhooks WHERE tenant_id = ? AND id = ?");
  SQLite::bind(erase, std::string(tenant_id), std::string(id));
  return erase.exec() > 0;
}

}  // namespace tgmux::store::sqlite_events
