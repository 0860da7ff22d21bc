// Internal to store/: the SQL of the watcher's tables, as free functions over
// a connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/watch_records.h"

namespace tgmux::store::sqlite_watch {

void PutRule(SQLite::Database& db, const WatchRule& rule);
std::optional<WatchRule> FindRule(SQLite::Database& db, std::string_view id);
// Of one tenant ("": of all), oldest first.
std::vector<WatchRule> ListRules(SQLite::Database& db, std::string_view tenant_id);
bool DeleteRule(SQLite::Database& db, std::string_view tenant_id, std::string_view id);

// The message and its matches in one transaction; false (nothing written)
// when the tenant already has a message with the same dedup key.
bool InsertMessage(SQLite::Database& db, const WatchMessage& message, const std::vector<WatchMatch>& matches);
std::optional<WatchMessage> FindMessage(SQLite::Database& db, std::string_view id);

// False when the message already matched for the subscriber.
bool InsertMatch(SQLite::Database& db, const WatchMatch& match);
std::optional<WatchMatch> FindMatch(SQLite::Database& db, std::string_view id);
std::optional<WatchMatch> FindMatchFor(SQLite::Database& db, std::string_view message_id,
                                       std::string_view subscriber_id);
bool UpdateMatch(SQLite::Database& db, const WatchMatch& match);
// A tenant's matches, newest first, created before `before` (0: any).
std::vector<WatchMatch> ListMatches(SQLite::Database& db, std::string_view tenant_id, std::int64_t before,
                                    int limit);
// Matches whose notification is still pending, of every tenant, oldest first.
std::vector<WatchMatch> ListPendingMatches(SQLite::Database& db, int limit);
// Notifications handed to the subscriber's bot (sending or sent) since `since` (unix seconds).
int CountNotified(SQLite::Database& db, std::string_view subscriber_id, std::int64_t since);
// When the rule last matched a message of the author (0: never).
std::int64_t LastMatchAt(SQLite::Database& db, std::string_view rule_id, std::int64_t author_id);
// Matches and messages older than `before`, except matches still pending.
void DeleteBefore(SQLite::Database& db, std::int64_t before);

// False when the person is already a subscriber of the bot.
bool InsertSubscriber(SQLite::Database& db, const Subscriber& subscriber);
std::optional<Subscriber> FindSubscriber(SQLite::Database& db, std::string_view id);
std::optional<Subscriber> FindSubscriberByUser(SQLite::Database& db, std::string_view bot_id,
                                               std::int64_t telegram_user_id);
// Of one tenant ("": of all), oldest first.
std::vector<Subscriber> ListSubscribers(SQLite::Database& db, std::string_view tenant_id);
bool DeleteSubscriber(SQLite::Database& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sqlite_watch
