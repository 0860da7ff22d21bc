// Internal to store/: the SQL of the bots table, as free functions over a
// connection the caller has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/bot_records.h"

namespace tgmux::store::sqlite_bots {

// False when a bot with the same token digest exists.
bool Insert(SQLite::Database& db, const Bot& bot);
std::optional<Bot> Find(SQLite::Database& db, std::string_view id);
std::optional<Bot> FindByTokenDigest(SQLite::Database& db, std::string_view digest);
// Of one tenant ("": of all), oldest first.
std::vector<Bot> List(SQLite::Database& db, std::string_view tenant_id);
bool Update(SQLite::Database& db, const Bot& bot);
// The bot and its conversations.
bool Delete(SQLite::Database& db, std::string_view id);
void PutConversation(SQLite::Database& db, const BotConversation& conversation);
std::vector<BotConversation> ListConversations(SQLite::Database& db, std::string_view bot_id);
std::optional<BotConversation> FindConversation(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id);
void DeleteConversation(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id);
void PutRelay(SQLite::Database& db, const BotRelay& relay);
std::optional<BotRelay> FindRelay(SQLite::Database& db, std::string_view bot_id, std::int64_t user_id,
                                  std::int64_t bot_message_id);
void DeleteRelaysBefore(SQLite::Database& db, std::int64_t before);

}  // namespace tgmux::store::sqlite_bots
