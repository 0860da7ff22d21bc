// Internal to store/: the SQL of the bots table, as free functions over a
// connection the caller holds (the store gives each call its own).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/bot_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_bots {

// False when a bot with the same token digest exists.
bool Insert(sql::Connection& db, const Bot& bot);
std::optional<Bot> Find(sql::Connection& db, std::string_view id);
std::optional<Bot> FindByTokenDigest(sql::Connection& db, std::string_view digest);
// Of one tenant ("": of all), oldest first.
std::vector<Bot> List(sql::Connection& db, std::string_view tenant_id);
bool Update(sql::Connection& db, const Bot& bot);
// The bot and its conversations.
bool Delete(sql::Connection& db, std::string_view id);
void PutConversation(sql::Connection& db, const BotConversation& conversation);
std::vector<BotConversation> ListConversations(sql::Connection& db, std::string_view bot_id);
std::optional<BotConversation> FindConversation(sql::Connection& db, std::string_view bot_id, std::int64_t user_id);
void DeleteConversation(sql::Connection& db, std::string_view bot_id, std::int64_t user_id);
void PutRelay(sql::Connection& db, const BotRelay& relay);
std::optional<BotRelay> FindRelay(sql::Connection& db, std::string_view bot_id, std::int64_t user_id,
                                  std::int64_t bot_message_id);
void DeleteRelaysBefore(sql::Connection& db, std::int64_t before);

}  // namespace tgmux::store::sql_bots
