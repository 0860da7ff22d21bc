// Internal to store/: the SQL of the relay's tables (relays, dialogs,
// relay_posts, relay_cursors), as free functions over a connection the caller
// has locked (SqliteStore serialises every call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/relay_records.h"

namespace tgmux::store::sqlite_relay {

void PutRelay(SQLite::Database& db, const Relay& relay);  // insert or replace
std::optional<Relay> FindRelay(SQLite::Database& db, std::string_view account_id);
// Through one bot ("": every bot's), oldest first.
std::vector<Relay> ListRelays(SQLite::Database& db, std::string_view bot_id);
bool DeleteRelay(SQLite::Database& db, std::string_view account_id);

void PutRelayPost(SQLite::Database& db, const RelayPost& post);  // insert or replace
std::optional<RelayPost> FindRelayPost(SQLite::Database& db, std::string_view account_id, std::int64_t peer_chat_id,
                                       std::int64_t message_id);
// The newest message a post of the bot in the group mirrors.
std::optional<RelayPost> FindRelayPostByPost(SQLite::Database& db, std::int64_t group_chat_id,
                                             std::int64_t post_message_id);

void DeleteRelayPost(SQLite::Database& db, std::string_view account_id, std::int64_t peer_chat_id,
                     std::int64_t message_id);

std::int64_t RelayCursor(SQLite::Database& db, std::string_view bot_id);  // 0: none yet
void SetRelayCursor(SQLite::Database& db, std::string_view bot_id, std::int64_t seq);

// An unlinked account: its relay and posts.
void DeleteAccountRows(SQLite::Database& db, std::string_view account_id);

}  // namespace tgmux::store::sqlite_relay
