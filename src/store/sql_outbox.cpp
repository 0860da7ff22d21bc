#include "store/sql_outbox.h"


#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql_events.h"
#include "store/sql_util.h"

namespace tgmux::store::sql_outbox {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, account_id, idempotency_key, recipient, text, parse_mode, reply_to_message_id, silent, "
    "state, chat_id, message_id, message_date, error_code, error_message, attempts, next_attempt_at, "
    "created_at, updated_at, media";

std::string Select(const std::string& where) {
  return std::string("SELECT ") + kColumns + " FROM outbox WHERE " + where;
}

// Binds the columns a state write changes: state, chat_id, message_id,
// message_date, error_code, error_message, attempts and next_attempt_at to
// ?first and on, and updated_at to ?updated_at.
void BindState(sql::Statement& s, const OutboxEntry& e, int first, int updated_at) {
  s.Bind(first, std::string(OutboxStateName(e.state)));
  s.Bind(first + 1, e.chat_id);
  s.Bind(first + 2, e.message_id);
  s.Bind(first + 3, e.message_date);
  s.Bind(first + 4, e.error_code);
  s.Bind(first + 5, e.error_message);
  s.Bind(first + 6, e.attempts);
  s.Bind(first + 7, e.next_attempt_at);
  s.Bind(updated_at, e.updated_at);
}

// Binds ?1 .. ?20 in the order of kColumns, the state columns from `state`;
// recipient, text and media are sealed bytes (the service encrypts them),
// hence blobs.
void BindEntry(sql::Statement& s, const OutboxEntry& e, const OutboxEntry& state) {
  sql::BindAll(s, e.id, e.tenant_id, e.account_id, e.idempotency_key);
  BindBlob(s, 5, e.to);
  BindBlob(s, 6, e.text);
  s.Bind(7, e.parse_mode);
  s.Bind(8, e.reply_to_message_id);
  s.Bind(9, e.silent ? 1 : 0);
  BindState(s, state, 10, 19);
  s.Bind(18, e.created_at);
  BindBlob(s, 20, e.media);
}

OutboxEntry Read(sql::Statement& row) {
  OutboxEntry e;
  e.id = row.Text(0);
  e.tenant_id = row.Text(1);
  e.account_id = row.Text(2);
  e.idempotency_key = row.Text(3);
  e.to = row.Text(4);
  e.text = row.Text(5);
  e.parse_mode = row.Text(6);
  e.reply_to_message_id = row.Int64(7);
  e.silent = row.Int(8) != 0;
  e.state = NamedColumn(row, 9, "outbox.state", ParseOutboxState);
  e.chat_id = row.Int64(10);
  e.message_id = row.Int64(11);
  e.message_date = row.Int64(12);
  e.error_code = row.Text(13);
  e.error_message = row.Text(14);
  e.attempts = row.Int(15);
  e.next_attempt_at = row.Int64(16);
  e.created_at = row.Int64(17);
  e.updated_at = row.Int64(18);
  e.media = row.Text(19);
  return e;
}

std::optional<OutboxEntry> One(sql::Statement& query) {
  if (!query.Step()) return std::nullopt;
  return Read(query);
}

// Inserts `entry` with the columns a state write changes (OutboxWrite::kState)
// taken from `state`. A taken idempotency key (its unique index) inserts
// nothing, without an error that would end a surrounding transaction on
// PostgreSQL.
bool InsertWithState(sql::Connection& db, const OutboxEntry& entry, const OutboxEntry& state) {
  sql::Statement insert(db, std::string("INSERT INTO outbox (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                                   "?16, ?17, ?18, ?19, ?20) ON CONFLICT DO NOTHING");
  BindEntry(insert, entry, state);
  return insert.Exec() > 0;
}

}  // namespace

bool Insert(sql::Connection& db, const OutboxEntry& entry) { return InsertWithState(db, entry, entry); }

std::optional<OutboxEntry> Find(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select("id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query);
}

std::optional<OutboxEntry> FindByKey(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
                                     std::string_view key) {
  sql::Statement query(db, Select("tenant_id = ? AND account_id = ? AND idempotency_key = ?"));
  sql::BindAll(query, std::string(tenant_id), std::string(account_id), std::string(key));
  return One(query);
}

bool Update(sql::Connection& db, const OutboxEntry& entry) {
  sql::Statement update(db,
                           "UPDATE outbox SET tenant_id = ?2, account_id = ?3, idempotency_key = ?4, recipient = ?5, "
                           "text = ?6, parse_mode = ?7, reply_to_message_id = ?8, silent = ?9, state = ?10, "
                           "chat_id = ?11, message_id = ?12, message_date = ?13, error_code = ?14, "
                           "error_message = ?15, attempts = ?16, next_attempt_at = ?17, created_at = ?18, "
                           "updated_at = ?19, media = ?20 WHERE id = ?1");
  BindEntry(update, entry, entry);
  return update.Exec() > 0;
}

bool UpdateState(sql::Connection& db, const OutboxEntry& entry) {
  sql::Statement update(db,
                        "UPDATE outbox SET state = ?2, chat_id = ?3, message_id = ?4, message_date = ?5, error_code = ?6, "
                        "error_message = ?7, attempts = ?8, next_attempt_at = ?9, updated_at = ?10 WHERE id = ?1");
  update.Bind(1, entry.id);
  BindState(update, entry, 2, 10);
  return update.Exec() > 0;
}

std::vector<OutboxEntry> ListUnfinished(sql::Connection& db, std::string_view account_id, int limit) {
  // seq keeps creation order even for entries created within the same second.
  // The names are OutboxState's unfinished ones (states.cpp), as in the
  // outbox_unfinished index (migrations.cpp) that this query uses.
  sql::Statement query(db, Select("state IN ('queued', 'sending') AND (?1 = '' OR account_id = ?1) ORDER BY seq LIMIT ?2"));
  sql::BindAll(query, std::string(account_id), limit > 0 ? limit : std::numeric_limits<int>::max());
  std::vector<OutboxEntry> out;
  while (query.Step()) out.push_back(Read(query));
  return out;
}

std::vector<bool> Write(sql::Connection& db, const std::vector<OutboxWrite>& writes, std::vector<Event>* appended,
                        std::string_view notify_as) {
  // A state write of an entry this batch inserts (its `sending`, which the
  // service hands over before the insert is written) goes into the insert:
  // one statement instead of two, the same row. It takes effect when the
  // insert did; when the insert did not (a taken idempotency key, or an id
  // already written), the state write is made as it would be alone.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> into(writes.size(), kNone);     // the insert a state write went into
  std::vector<std::size_t> state_of(writes.size(), kNone);  // an insert's last state write
  {
    std::unordered_map<std::string_view, std::size_t> inserts;  // id -> its insert, while foldable
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const auto& w = writes[i];
      if (w.kind == OutboxWrite::Kind::kInsert) {
        inserts[w.entry.id] = i;
        continue;
      }
      auto insert = inserts.find(w.entry.id);
      if (insert == inserts.end()) continue;
      if (w.kind == OutboxWrite::Kind::kState) {
        into[i] = insert->second;
        state_of[insert->second] = i;
      } else {
        inserts.erase(insert);  // a whole write after it: the later ones are made as they come
      }
    }
  }
  sql::Transaction transaction(db, true);
  std::vector<bool> applied;
  applied.reserve(writes.size());
  std::vector<Event> events;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const auto& w = writes[i];
    if (into[i] != kNone && applied[into[i]]) {
      applied.push_back(true);
    } else if (w.kind == OutboxWrite::Kind::kInsert) {
      applied.push_back(InsertWithState(db, w.entry, state_of[i] == kNone ? w.entry : writes[state_of[i]].entry));
    } else if (w.kind == OutboxWrite::Kind::kWhole) {
      applied.push_back(Update(db, w.entry));
    } else {
      applied.push_back(UpdateState(db, w.entry));
    }
    if (applied.back()) events.insert(events.end(), w.events.begin(), w.events.end());
  }
  auto written = sql_events::AppendWithin(db, std::move(events), notify_as);
  transaction.Commit();
  if (appended) appended->insert(appended->end(), written.begin(), written.end());
  return applied;
}

}  // namespace tgmux::store::sql_outbox
