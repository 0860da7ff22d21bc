// Internal to store/: the SQL of the relay's tables (relays, dialogs,
// relay_posts, relay_cursors), as free functions over a connection the caller
// has locked (one connection per call).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/relay_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_relay {

void PutRelay(sql::Connection& db, const Relay& relay);  // insert or replace
std::optional<Relay> FindRelay(sql::Connection& db, std::string_view account_id);
// Through one bot ("": every bot's), oldest first.
std::vector<Relay> ListRelays(sql::Connection& db, std::string_view bot_id);
bool DeleteRelay(sql::Connection& db, std::string_view account_id);

void PutRelayPost(sql::Connection& db, const RelayPost& post);  // insert or replace
std::optional<RelayPost> FindRelayPost(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id,
                                       std::int64_t message_id);
// The newest message a post of the bot in the group mirrors.
std::optional<RelayPost> FindRelayPostByPost(sql::Connection& db, std::int64_t group_chat_id,
                                             std::int64_t post_message_id);

void DeleteRelayPost(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id,
                     std::int64_t message_id);

std::int64_t RelayCursor(sql::Connection& db, std::string_view bot_id);  // 0: none yet
void SetRelayCursor(sql::Connection& db, std::string_view bot_id, std::int64_t seq);

// An unlinked account: its relay and posts.
void DeleteAccountRows(sql::Connection& db, std::string_view account_id);

}  // namespace tgmux::store::sql_relay
