#include "store/sqlite_watch.h"

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_util.h"

namespace tgmux::store::sqlite_watch {
namespace {

// ---- rules

constexpr const char* kRuleColumns = "id, tenant_id, name, spec, enabled, created_at, updated_at";

WatchRule ReadRule(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
          row.getColumn(3).getString(), row.getColumn(4).getInt() != 0, row.getColumn(5).getInt64(),
          row.getColumn(6).getInt64()};
}

// ---- messages

constexpr const char* kMessageColumns =
    "id, tenant_id, dedup_key, account_id, chat_id, message_id, author_id, data_sealed, late, created_at";

WatchMessage ReadMessage(SQLite::Statement& row) {
  WatchMessage m;
  m.id = row.getColumn(0).getString();
  m.tenant_id = row.getColumn(1).getString();
  m.dedup_key = row.getColumn(2).getString();
  m.account_id = row.getColumn(3).getString();
  m.chat_id = row.getColumn(4).getInt64();
  m.message_id = row.getColumn(5).getInt64();
  m.author_id = row.getColumn(6).getInt64();
  m.data_sealed = row.getColumn(7).getString();
  m.late = row.getColumn(8).getInt() != 0;
  m.created_at = row.getColumn(9).getInt64();
  return m;
}

// ---- matches

constexpr const char* kMatchColumns =
    "id, tenant_id, message_id, subscriber_id, rule_id, author_id, extra_sealed, notify_state, bot_message_id, "
    "answer_state, outbox_id, error, created_at, updated_at, notified_at";

// ?1 .. ?15 in the order of kMatchColumns.
void BindMatch(SQLite::Statement& s, const WatchMatch& m) {
  SQLite::bind(s, m.id, m.tenant_id, m.message_id, m.subscriber_id, m.rule_id, m.author_id, m.extra_sealed,
               std::string(WatchNotifyStateName(m.notify_state)), m.bot_message_id,
               std::string(WatchAnswerStateName(m.answer_state)), m.outbox_id, m.error, m.created_at, m.updated_at,
               m.notified_at);
  BindBlob(s, 7, m.extra_sealed);
}

WatchMatch ReadMatch(SQLite::Statement& row) {
  WatchMatch m;
  m.id = row.getColumn(0).getString();
  m.tenant_id = row.getColumn(1).getString();
  m.message_id = row.getColumn(2).getString();
  m.subscriber_id = row.getColumn(3).getString();
  m.rule_id = row.getColumn(4).getString();
  m.author_id = row.getColumn(5).getInt64();
  m.extra_sealed = row.getColumn(6).getString();
  m.notify_state = NamedColumn(row, 7, "watch_matches.notify_state", ParseWatchNotifyState);
  m.bot_message_id = row.getColumn(8).getInt64();
  m.answer_state = NamedColumn(row, 9, "watch_matches.answer_state", ParseWatchAnswerState);
  m.outbox_id = row.getColumn(10).getString();
  m.error = row.getColumn(11).getString();
  m.created_at = row.getColumn(12).getInt64();
  m.updated_at = row.getColumn(13).getInt64();
  m.notified_at = row.getColumn(14).getInt64();
  return m;
}

// ---- subscribers

constexpr const char* kSubscriberColumns = "id, tenant_id, bot_id, telegram_user_id, name, created_at";

Subscriber ReadSubscriber(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(), row.getColumn(2).getString(),
          row.getColumn(3).getInt64(),  row.getColumn(4).getString(), row.getColumn(5).getInt64()};
}

// The rows of one tenant ("": of all), oldest first.
template <typename T, typename ReadRow>
std::vector<T> OfTenant(SQLite::Database& db, const char* columns, const char* table, std::string_view tenant_id,
                        ReadRow read) {
  SQLite::Statement query(db, Select(columns, table, "WHERE ?1 = '' OR tenant_id = ?1 ORDER BY created_at, id"));
  SQLite::bind(query, std::string(tenant_id));
  return ReadAll<T>(query, read);
}

// Removes the tenant's row `id`; false when the tenant has none.
bool DeleteOfTenant(SQLite::Database& db, const char* table, std::string_view tenant_id, std::string_view id) {
  SQLite::Statement erase(db, std::string("DELETE FROM ") + table + " WHERE tenant_id = ? AND id = ?");
  SQLite::bind(erase, std::string(tenant_id), std::string(id));
  return erase.exec() > 0;
}

}  // namespace

void PutRule(SQLite::Database& db, const WatchRule& r) {
  SQLite::Statement put(db, std::string("INSERT OR REPLACE INTO watch_rules (") + kRuleColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(put, r.id, r.tenant_id, r.name, r.spec, r.enabled ? 1 : 0, r.created_at, r.updated_at);
  put.exec();
}

std::optional<WatchRule> FindRule(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kRuleColumns, "watch_rules", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, ReadRule);
}

std::vector<WatchRule> ListRules(SQLite::Database& db, std::string_view tenant_id) {
  return OfTenant<WatchRule>(db, kRuleColumns, "watch_rules", tenant_id, ReadRule);
}

bool DeleteRule(SQLite::Database& db, std::string_view tenant_id, std::string_view id) {
  return DeleteOfTenant(db, "watch_rules", tenant_id, id);
}

bool InsertMessage(SQLite::Database& db, const WatchMessage& m, const std::vector<WatchMatch>& matches) {
  SQLite::Transaction transaction(db);
  SQLite::Statement insert(db, std::string("INSERT INTO watch_messages (") + kMessageColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, m.id, m.tenant_id, m.dedup_key, m.account_id, m.chat_id, m.message_id, m.author_id,
               m.data_sealed, m.late ? 1 : 0, m.created_at);
  BindBlob(insert, 8, m.data_sealed);
  if (!InsertUnlessPresent(insert)) return false;  // rolled back
  for (const auto& match : matches) InsertMatch(db, match);
  transaction.commit();
  return true;
}

std::optional<WatchMessage> FindMessage(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kMessageColumns, "watch_messages", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, ReadMessage);
}

bool InsertMatch(SQLite::Database& db, const WatchMatch& m) {
  SQLite::Statement insert(db, std::string("INSERT INTO watch_matches (") + kMatchColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  BindMatch(insert, m);
  return InsertUnlessPresent(insert);
}

std::optional<WatchMatch> FindMatch(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kMatchColumns, "watch_matches", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, ReadMatch);
}

std::optional<WatchMatch> FindMatchFor(SQLite::Database& db, std::string_view message_id,
                                       std::string_view subscriber_id) {
  SQLite::Statement query(db, Select(kMatchColumns, "watch_matches", "WHERE message_id = ? AND subscriber_id = ?"));
  SQLite::bind(query, std::string(message_id), std::string(subscriber_id));
  return One(query, ReadMatch);
}

bool UpdateMatch(SQLite::Database& db, const WatchMatch& m) {
  SQLite::Statement update(db,
                           "UPDATE watch_matches SET tenant_id = ?2, message_id = ?3, subscriber_id = ?4, "
                           "rule_id = ?5, author_id = ?6, extra_sealed = ?7, notify_state = ?8, "
                           "bot_message_id = ?9, answer_state = ?10, outbox_id = ?11, error = ?12, "
                           "created_at = ?13, updated_at = ?14, notified_at = ?15 WHERE id = ?1");
  BindMatch(update, m);
  return update.exec() > 0;
}

std::vector<WatchMatch> ListMatches(SQLite::Database& db, std::string_view tenant_id, std::int64_t before,
                                    int limit) {
  SQLite::Statement query(db, Select(kMatchColumns, "watch_matches",
                                     "WHERE tenant_id = ?1 AND (?2 = 0 OR created_at < ?2) "
                                     "ORDER BY created_at DESC, id DESC LIMIT ?3"));
  SQLite::bind(query, std::string(tenant_id), before, limit);
  return ReadAll<WatchMatch>(query, ReadMatch);
}

std::vector<WatchMatch> ListPendingMatches(SQLite::Database& db, int limit) {
  SQLite::Statement query(
      db, Select(kMatchColumns, "watch_matches", "WHERE notify_state = 'pending' ORDER BY created_at, id LIMIT ?"));
  SQLite::bind(query, limit);
  return ReadAll<WatchMatch>(query, ReadMatch);
}

int CountNotified(SQLite::Database& db, std::string_view subscriber_id, std::int64_t since) {
  SQLite::Statement query(db,
                          "SELECT COUNT(*) FROM watch_matches WHERE subscriber_id = ? AND notified_at >= ? "
                          "AND notify_state IN ('sending', 'sent')");
  SQLite::bind(query, std::string(subscriber_id), since);
  query.executeStep();
  return query.getColumn(0).getInt();
}

std::int64_t LastMatchAt(SQLite::Database& db, std::string_view rule_id, std::int64_t author_id) {
  SQLite::Statement query(db, "SELECT COALESCE(MAX(created_at), 0) FROM watch_matches WHERE rule_id = ? AND author_id = ?");
  SQLite::bind(query, std::string(rule_id), author_id);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

void DeleteBefore(SQLite::Database& db, std::int64_t before) {
  SQLite::Transaction transaction(db);
  SQLite::Statement matches(db, "DELETE FROM watch_matches WHERE created_at < ? AND notify_state != 'pending'");
  SQLite::bind(matches, before);
  matches.exec();
  SQLite::Statement messages(db,
                             "DELETE FROM watch_messages WHERE created_at < ? AND id NOT IN "
                             "(SELECT message_id FROM watch_matches)");
  SQLite::bind(messages, before);
  messages.exec();
  transaction.commit();
}

bool InsertSubscriber(SQLite::Database& db, const Subscriber& s) {
  SQLite::Statement insert(db, std::string("INSERT INTO subscribers (") + kSubscriberColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::bind(insert, s.id, s.tenant_id, s.bot_id, s.telegram_user_id, s.name, s.created_at);
  return InsertUnlessPresent(insert);
}

std::optional<Subscriber> FindSubscriber(SQLite::Database& db, std::string_view id) {
  SQLite::Statement query(db, Select(kSubscriberColumns, "subscribers", "WHERE id = ?"));
  SQLite::bind(query, std::string(id));
  return One(query, ReadSubscriber);
}

std::optional<Subscriber> FindSubscriberByUser(SQLite::Database& db, std::string_view bot_id,
                                               std::int64_t telegram_user_id) {
  SQLite::Statement query(db, Select(kSubscriberColumns, "subscribers", "WHERE bot_id = ? AND telegram_user_id = ?"));
  SQLite::bind(query, std::string(bot_id), telegram_user_id);
  return One(query, ReadSubscriber);
}

std::vector<Subscriber> ListSubscribers(SQLite::Database& db, std::string_view tenant_id) {
  return OfTenant<Subscriber>(db, kSubscriberColumns, "subscribers", tenant_id, ReadSubscriber);
}

bool DeleteSubscriber(SQLite::Database& db, std::string_view tenant_id, std::string_view id) {
  return DeleteOfTenant(db, "subscribers", tenant_id, id);
}

}  // namespace tgmux::store::sqlite_watch
