// Internal to store/: the SQL for dialogs (dialog_records.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/dialog_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_dialogs {

// Inserts, or on the account and peer chat already there changes the relay's
// fields (`tracking` false) or the tracking fields (`tracking` true).
void Put(sql::Connection& db, const Dialog& dialog, bool tracking);
std::optional<Dialog> Find(sql::Connection& db, std::string_view account_id, std::int64_t peer_chat_id);
std::optional<Dialog> FindById(sql::Connection& db, std::string_view id);
std::optional<Dialog> FindByContact(sql::Connection& db, std::string_view account_id, std::string_view contact);
// The dialog mirrored into a group's topic (topic_id) or under a header post.
std::optional<Dialog> FindByTopic(sql::Connection& db, std::int64_t group_chat_id, std::int64_t topic_id);
std::optional<Dialog> FindByHeader(sql::Connection& db, std::int64_t group_chat_id, std::int64_t header_message_id);
// A tenant's dialogs that pass `filter`, the latest message first,
// last_message_at below `before` (0: any).
std::vector<Dialog> List(sql::Connection& db, std::string_view tenant_id, const DialogFilter& filter,
                         std::int64_t before, int limit);

bool Move(sql::Connection& db, std::string_view id, std::string_view account_id);  // false: a unique conflict
void Touch(sql::Connection& db, std::string_view id, std::int64_t at);
void PutMessage(sql::Connection& db, const DialogMessage& message);  // keeps the first copy
std::vector<DialogMessage> ListMessages(sql::Connection& db, std::string_view dialog_id, std::int64_t before,
                                        int limit);

// An unlinked account: its dialogs and their messages.
void DeleteAccountRows(sql::Connection& db, std::string_view account_id);

}  // namespace tgmux::store::sql_dialogs
