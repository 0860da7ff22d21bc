#include "store/sql_watch.h"


#include <string>

#include "store/sql_util.h"

namespace tgmux::store::sql_watch {
namespace {

// ---- rules

constexpr const char* kRuleColumns = "id, tenant_id, name, spec, enabled, created_at, updated_at";

WatchRule ReadRule(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          row.Text(3), row.Int(4) != 0, row.Int64(5),
          row.Int64(6)};
}

// ---- messages

constexpr const char* kMessageColumns =
    "id, tenant_id, dedup_key, account_id, chat_id, message_id, author_id, data_sealed, late, created_at";

WatchMessage ReadMessage(sql::Statement& row) {
  WatchMessage m;
  m.id = row.Text(0);
  m.tenant_id = row.Text(1);
  m.dedup_key = row.Text(2);
  m.account_id = row.Text(3);
  m.chat_id = row.Int64(4);
  m.message_id = row.Int64(5);
  m.author_id = row.Int64(6);
  m.data_sealed = row.Text(7);
  m.late = row.Int(8) != 0;
  m.created_at = row.Int64(9);
  return m;
}

// ---- matches

constexpr const char* kMatchColumns =
    "id, tenant_id, message_id, subscriber_id, rule_id, author_id, extra_sealed, notify_state, bot_message_id, "
    "answer_state, outbox_id, error, created_at, updated_at, notified_at";

// ?1 .. ?15 in the order of kMatchColumns.
void BindMatch(sql::Statement& s, const WatchMatch& m) {
  sql::BindAll(s, m.id, m.tenant_id, m.message_id, m.subscriber_id, m.rule_id, m.author_id, m.extra_sealed,
               std::string(WatchNotifyStateName(m.notify_state)), m.bot_message_id,
               std::string(WatchAnswerStateName(m.answer_state)), m.outbox_id, m.error, m.created_at, m.updated_at,
               m.notified_at);
  BindBlob(s, 7, m.extra_sealed);
}

WatchMatch ReadMatch(sql::Statement& row) {
  WatchMatch m;
  m.id = row.Text(0);
  m.tenant_id = row.Text(1);
  m.message_id = row.Text(2);
  m.subscriber_id = row.Text(3);
  m.rule_id = row.Text(4);
  m.author_id = row.Int64(5);
  m.extra_sealed = row.Text(6);
  m.notify_state = NamedColumn(row, 7, "watch_matches.notify_state", ParseWatchNotifyState);
  m.bot_message_id = row.Int64(8);
  m.answer_state = NamedColumn(row, 9, "watch_matches.answer_state", ParseWatchAnswerState);
  m.outbox_id = row.Text(10);
  m.error = row.Text(11);
  m.created_at = row.Int64(12);
  m.updated_at = row.Int64(13);
  m.notified_at = row.Int64(14);
  return m;
}

// ---- subscribers

constexpr const char* kSubscriberColumns = "id, tenant_id, bot_id, telegram_user_id, name, created_at";

Subscriber ReadSubscriber(sql::Statement& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          row.Int64(3),  row.Text(4), row.Int64(5)};
}

// The rows of one tenant ("": of all), oldest first.
template <typename T, typename ReadRow>
std::vector<T> OfTenant(sql::Connection& db, const char* columns, const char* table, std::string_view tenant_id,
                        ReadRow read) {
  sql::Statement query(db, Select(columns, table, "WHERE ?1 = '' OR tenant_id = ?1 ORDER BY created_at, id"));
  sql::BindAll(query, std::string(tenant_id));
  return ReadAll<T>(query, read);
}

// Removes the tenant's row `id`; false when the tenant has none.
bool DeleteOfTenant(sql::Connection& db, const char* table, std::string_view tenant_id, std::string_view id) {
  sql::Statement erase(db, std::string("DELETE FROM ") + table + " WHERE tenant_id = ? AND id = ?");
  sql::BindAll(erase, std::string(tenant_id), std::string(id));
  return erase.Exec() > 0;
}

}  // namespace

void PutRule(sql::Connection& db, const WatchRule& r) {
  sql::Statement put(db, sql::Upsert("watch_rules", kRuleColumns, "id"));
  sql::BindAll(put, r.id, r.tenant_id, r.name, r.spec, r.enabled ? 1 : 0, r.created_at, r.updated_at);
  put.Exec();
}

std::optional<WatchRule> FindRule(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kRuleColumns, "watch_rules", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, ReadRule);
}

std::vector<WatchRule> ListRules(sql::Connection& db, std::string_view tenant_id) {
  return OfTenant<WatchRule>(db, kRuleColumns, "watch_rules", tenant_id, ReadRule);
}

bool DeleteRule(sql::Connection& db, std::string_view tenant_id, std::string_view id) {
  return DeleteOfTenant(db, "watch_rules", tenant_id, id);
}

bool InsertMessage(sql::Connection& db, const WatchMessage& m, const std::vector<WatchMatch>& matches) {
  sql::Transaction transaction(db);
  sql::Statement insert(db, std::string("INSERT INTO watch_messages (") + kMessageColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  sql::BindAll(insert, m.id, m.tenant_id, m.dedup_key, m.account_id, m.chat_id, m.message_id, m.author_id,
               m.data_sealed, m.late ? 1 : 0, m.created_at);
  BindBlob(insert, 8, m.data_sealed);
  if (!InsertUnlessPresent(insert)) return false;  // rolled back
  for (const auto& match : matches) InsertMatch(db, match);
  transaction.Commit();
  return true;
}

std::optional<WatchMessage> FindMessage(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kMessageColumns, "watch_messages", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, ReadMessage);
}

bool InsertMatch(sql::Connection& db, const WatchMatch& m) {
  sql::Statement insert(db, std::string("INSERT INTO watch_matches (") + kMatchColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
                                   "ON CONFLICT DO NOTHING");
  BindMatch(insert, m);
  return InsertUnlessPresent(insert);
}

std::optional<WatchMatch> FindMatch(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kMatchColumns, "watch_matches", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, ReadMatch);
}

std::optional<WatchMatch> FindMatchFor(sql::Connection& db, std::string_view message_id,
                                       std::string_view subscriber_id) {
  sql::Statement query(db, Select(kMatchColumns, "watch_matches", "WHERE message_id = ? AND subscriber_id = ?"));
  sql::BindAll(query, std::string(message_id), std::string(subscriber_id));
  return One(query, ReadMatch);
}

bool UpdateMatch(sql::Connection& db, const WatchMatch& m) {
  sql::Statement update(db,
                           "UPDATE watch_matches SET tenant_id = ?2, message_id = ?3, subscriber_id = ?4, "
                           "rule_id = ?5, author_id = ?6, extra_sealed = ?7, notify_state = ?8, "
                           "bot_message_id = ?9, answer_state = ?10, outbox_id = ?11, error = ?12, "
                           "created_at = ?13, updated_at = ?14, notified_at = ?15 WHERE id = ?1");
  BindMatch(update, m);
  return update.Exec() > 0;
}

std::vector<WatchMatch> ListMatches(sql::Connection& db, std::string_view tenant_id, std::int64_t before,
                                    int limit) {
  sql::Statement query(db, Select(kMatchColumns, "watch_matches",
                                     "WHERE tenant_id = ?1 AND (created_at < ?2 OR ?2 = 0) "
                                     "ORDER BY created_at DESC, id DESC LIMIT ?3"));
  sql::BindAll(query, std::string(tenant_id), before, limit);
  return ReadAll<WatchMatch>(query, ReadMatch);
}

std::vector<WatchMatch> ListPendingMatches(sql::Connection& db, int limit) {
  sql::Statement query(
      db, Select(kMatchColumns, "watch_matches", "WHERE notify_state = 'pending' ORDER BY created_at, id LIMIT ?"));
  sql::BindAll(query, limit);
  return ReadAll<WatchMatch>(query, ReadMatch);
}

int CountNotified(sql::Connection& db, std::string_view subscriber_id, std::int64_t since) {
  sql::Statement query(db,
                          "SELECT COUNT(*) FROM watch_matches WHERE subscriber_id = ? AND notified_at >= ? "
                          "AND notify_state IN ('sending', 'sent')");
  sql::BindAll(query, std::string(subscriber_id), since);
  query.Step();
  return query.Int(0);
}

std::int64_t LastMatchAt(sql::Connection& db, std::string_view rule_id, std::int64_t author_id) {
  sql::Statement query(db, "SELECT COALESCE(MAX(created_at), 0) FROM watch_matches WHERE rule_id = ? AND author_id = ?");
  sql::BindAll(query, std::string(rule_id), author_id);
  query.Step();
  return query.Int64(0);
}

void DeleteBefore(sql::Connection& db, std::int64_t before) {
  sql::Transaction transaction(db);
  sql::Statement matches(db, "DELETE FROM watch_matches WHERE created_at < ? AND notify_state != 'pending'");
  sql::BindAll(matches, before);
  matches.Exec();
  sql::Statement messages(db,
                             "DELETE FROM watch_messages WHERE created_at < ? AND id NOT IN "
                             "(SELECT message_id FROM watch_matches)");
  sql::BindAll(messages, before);
  messages.Exec();
  transaction.Commit();
}

bool InsertSubscriber(sql::Connection& db, const Subscriber& s) {
  sql::Statement insert(db, std::string("INSERT INTO subscribers (") + kSubscriberColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  sql::BindAll(insert, s.id, s.tenant_id, s.bot_id, s.telegram_user_id, s.name, s.created_at);
  return InsertUnlessPresent(insert);
}

std::optional<Subscriber> FindSubscriber(sql::Connection& db, std::string_view id) {
  sql::Statement query(db, Select(kSubscriberColumns, "subscribers", "WHERE id = ?"));
  sql::BindAll(query, std::string(id));
  return One(query, ReadSubscriber);
}

std::optional<Subscriber> FindSubscriberByUser(sql::Connection& db, std::string_view bot_id,
                                               std::int64_t telegram_user_id) {
  sql::Statement query(db, Select(kSubscriberColumns, "subscribers", "WHERE bot_id = ? AND telegram_user_id = ?"));
  sql::BindAll(query, std::string(bot_id), telegram_user_id);
  return One(query, ReadSubscriber);
}

std::vector<Subscriber> ListSubscribers(sql::Connection& db, std::string_view tenant_id) {
  return OfTenant<Subscriber>(db, kSubscriberColumns, "subscribers", tenant_id, ReadSubscriber);
}

bool DeleteSubscriber(sql::Connection& db, std::string_view tenant_id, std::string_view id) {
  return DeleteOfTenant(db, "subscribers", tenant_id, id);
}

}  // namespace tgmux::store::sql_watch
