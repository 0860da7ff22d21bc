// Internal to store/: the SQL of the watcher's tables, as free functions over
// a connection the caller holds (the store gives each call its own).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/watch_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_watch {

void PutRule(sql::Connection& db, const WatchRule& rule);
std::optional<WatchRule> FindRule(sql::Connection& db, std::string_view id);
// Of one tenant ("": of all), oldest first.
std::vector<WatchRule> ListRules(sql::Connection& db, std::string_view tenant_id);
bool DeleteRule(sql::Connection& db, std::string_view tenant_id, std::string_view id);

// The message and its matches in one transaction; false (nothing written)
// when the tenant already has a message with the same dedup key.
bool InsertMessage(sql::Connection& db, const WatchMessage& message, const std::vector<WatchMatch>& matches);
std::optional<WatchMessage> FindMessage(sql::Connection& db, std::string_view id);

// False when the message already matched for the subscriber.
bool InsertMatch(sql::Connection& db, const WatchMatch& match);
std::optional<WatchMatch> FindMatch(sql::Connection& db, std::string_view id);
std::optional<WatchMatch> FindMatchFor(sql::Connection& db, std::string_view message_id,
                                       std::string_view subscriber_id);
bool UpdateMatch(sql::Connection& db, const WatchMatch& match);
// A tenant's matches, newest first, created before `before` (0: any).
std::vector<WatchMatch> ListMatches(sql::Connection& db, std::string_view tenant_id, std::int64_t before,
                                    int limit);
// Matches whose notification is still pending, of every tenant, oldest first.
std::vector<WatchMatch> ListPendingMatches(sql::Connection& db, int limit);
// Notifications handed to the subscriber's bot (sending or sent) since `since` (unix seconds).
int CountNotified(sql::Connection& db, std::string_view subscriber_id, std::int64_t since);
// When the rule last matched a message of the author (0: never).
std::int64_t LastMatchAt(sql::Connection& db, std::string_view rule_id, std::int64_t author_id);
// Matches and messages older than `before`, except matches still pending.
void DeleteBefore(sql::Connection& db, std::int64_t before);

// False when the person is already a subscriber of the bot.
bool InsertSubscriber(sql::Connection& db, const Subscriber& subscriber);
std::optional<Subscriber> FindSubscriber(sql::Connection& db, std::string_view id);
std::optional<Subscriber> FindSubscriberByUser(sql::Connection& db, std::string_view bot_id,
                                               std::int64_t telegram_user_id);
// Of one tenant ("": of all), oldest first.
std::vector<Subscriber> ListSubscribers(sql::Connection& db, std::string_view tenant_id);
bool DeleteSubscriber(sql::Connection& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sql_watch
