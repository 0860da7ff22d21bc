#include "store/sql_events.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>

#include "store/sql_postgres.h"
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
  const std::string lock = "SELECT last_seq FROM event_sequences WHERE tenant_id = ?" + sql::ForUpdate(db);
  {
    sql::Statement read(db, lock);
    sql::BindAll(read, tenant_id);
    if (read.Step()) return read.Int64(0);
  }
  sql::Statement create(db, "INSERT INTO event_sequences (tenant_id, last_seq) VALUES (?, 0) ON CONFLICT DO NOTHING");
  sql::BindAll(create, tenant_id);
  create.Exec();
  sql::Statement read(db, lock);
  sql::BindAll(read, tenant_id);
  read.Step();
  return read.Int64(0);
}

}  // namespace

namespace {

constexpr std::size_t kRowsPerInsert = 100;  // 800 parameters: within both databases' limits

// What of `events` the log already holds: ids, and dedup keys per tenant.
struct Taken {
  std::set<std::string> ids;
  std::set<std::pair<std::string, std::string>> dedup_keys;  // (tenant, key)
};

Taken FindTaken(sql::Connection& db, const std::vector<Event>& events) {
  Taken taken;
  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::string>> keys_by_tenant;
  for (const auto& e : events) {
    ids.push_back(e.id);
    if (!e.dedup_key.empty()) keys_by_tenant[e.tenant_id].push_back(e.dedup_key);
  }
  sql::Statement by_id(db, "SELECT id FROM events WHERE id IN (" + Placeholders(ids.size()) + ")");
  for (std::size_t i = 0; i < ids.size(); ++i) by_id.Bind(static_cast<int>(i) + 1, ids[i]);
  while (by_id.Step()) taken.ids.insert(by_id.Text(0));
  for (const auto& [tenant_id, keys] : keys_by_tenant) {
    sql::Statement by_key(db, "SELECT dedup_key FROM events WHERE tenant_id = ? AND dedup_key != '' AND dedup_key IN (" +
                                  Placeholders(keys.size()) + ")");
    by_key.Bind(1, tenant_id);
    for (std::size_t i = 0; i < keys.size(); ++i) by_key.Bind(static_cast<int>(i) + 2, keys[i]);
    while (by_key.Step()) taken.dedup_keys.emplace(tenant_id, by_key.Text(0));
  }
  return taken;
}

// One INSERT for up to kRowsPerInsert events: one round trip, not one each.
void InsertRows(sql::Connection& db, const Event* rows, std::size_t count) {
  std::string sql = "INSERT INTO events (tenant_id, seq, id, type, account_id, created_at, dedup_key, data) VALUES ";
  for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "(?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?)";
  sql::Statement insert(db, sql);
  int index = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Event& e = rows[i];
    insert.Bind(++index, e.tenant_id);
    insert.Bind(++index, e.seq);
    insert.Bind(++index, e.id);
    insert.Bind(++index, e.type);
    insert.Bind(++index, e.account_id);
    insert.Bind(++index, e.created_at);
    insert.Bind(++index, e.dedup_key);
    BindBlob(insert, ++index, e.data);
  }
  insert.Exec();
}

}  // namespace

std::vector<Event> Append(sql::Connection& db, std::vector<Event> events, std::string_view notify_as) {
  if (events.empty()) return {};
  sql::Transaction transaction(db, true);
  auto written = AppendWithin(db, std::move(events), notify_as);
  transaction.Commit();
  return written;
}

std::vector<Event> AppendWithin(sql::Connection& db, std::vector<Event> events, std::string_view notify_as) {
  std::vector<Event> written;
  if (events.empty()) return written;
  // Each tenant's counter row, locked in one order (no two writers wait on
  // each other) until the commit: seqs have no gaps and no repeats however
  // many writers there are, and no other writer adds a dedup key meanwhile.
  std::map<std::string, std::int64_t> last;
  for (const auto& e : events) last.try_emplace(e.tenant_id, 0);
  for (auto& [tenant_id, seq] : last) seq = LockSequence(db, tenant_id);
  // An event whose id is in the log (a batch written again after an
  // in-doubt commit) or whose dedup key is taken gets no seq; nor does a
  // repeat within the batch.
  Taken taken = FindTaken(db, events);
  for (auto& e : events) {
    if (!taken.ids.insert(e.id).second) continue;
    if (!e.dedup_key.empty() && !taken.dedup_keys.emplace(e.tenant_id, e.dedup_key).second) continue;
    e.seq = ++last[e.tenant_id];
    written.push_back(std::move(e));
  }
  for (std::size_t at = 0; at < written.size(); at += kRowsPerInsert) {
    InsertRows(db, written.data() + at, std::min(kRowsPerInsert, written.size() - at));
  }
  sql::Statement advance(db, "UPDATE event_sequences SET last_seq = ? WHERE tenant_id = ?");
  for (const auto& [tenant_id, seq] : last) {
    sql::BindAll(advance, seq, tenant_id);
    advance.Exec();
    advance.Reset();
  }
  if (db.dialect() == sql::Dialect::kPostgres && !written.empty()) {
    // Delivered at the commit, to every node listening (ListenForEvents).
    for (const auto& [tenant_id, seq] : last) {
      Notify(db, kEventsChannel, std::string(notify_as) + "/" + std::to_string(seq) + ":" + tenant_id);
    }
  }
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

void Notify(sql::Connection& db, std::string_view channel, std::string_view payload) {
  sql::Statement notify(db, "SELECT pg_notify(?, ?)");
  sql::BindAll(notify, channel, payload);
  notify.Step();
}

std::unique_ptr<Store::Listening> ListenChannel(const std::string& conninfo, const std::string& channel,
                                                std::function<void(const std::string& payload)> heard) {
  struct Handle : Store::Listening {
    std::unique_ptr<sql::PostgresListener> listener;
  };
  auto handle = std::make_unique<Handle>();
  handle->listener = sql::ListenPostgres(conninfo, channel, std::move(heard));
  return handle;
}

std::unique_ptr<Store::Listening> Listen(const std::string& conninfo, const std::string& writer_token,
                                         Store::HeardEvents heard) {
  return ListenChannel(conninfo, kEventsChannel, [writer_token, heard = std::move(heard)](const std::string& payload) {
    if (payload.empty()) return heard("", 0);
    const auto colon = payload.find(':');
    if (colon == std::string::npos) return;
    const std::string_view head(payload.data(), colon);  // "<writer>/<seq>", or "<writer>" from an older tgmux
    const auto slash = head.find('/');
    if (head.substr(0, slash) == writer_token) return;  // this process's own
    std::int64_t seq = 0;
    if (slash != std::string_view::npos) std::from_chars(head.data() + slash + 1, head.data() + head.size(), seq);
    heard(payload.substr(colon + 1), seq);
  });
}

}  // namespace tgmux::store::sql_events
