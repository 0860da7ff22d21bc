// Internal to store/: the SQL of the event log, its checkpoints and the
// webhooks, as free functions over a connection the caller has locked.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string_view>
#include <vector>

#include "store/event_records.h"

namespace tgmux::store::sqlite_events {

std::vector<Event> Append(SQLite::Database& db, std::vector<Event> events);
std::vector<Event> List(SQLite::Database& db, const EventQuery& query);
std::int64_t LastSeq(SQLite::Database& db, std::string_view tenant_id);
int DeleteBefore(SQLite::Database& db, std::int64_t created_before);
std::int64_t GetCheckpoint(SQLite::Database& db, std::string_view account_id);
void SetCheckpoint(SQLite::Database& db, std::string_view account_id, std::int64_t at);

void InsertWebhook(SQLite::Database& db, const Webhook& webhook);
std::optional<Webhook> FindWebhook(SQLite::Database& db, std::string_view id);
std::vector<Webhook> ListWebhooks(SQLite::Database& db, std::string_view tenant_id);
bool UpdateWebhook(SQLite::Database& db, const Webhook& webhook);
bool DeleteWebhook(SQLite::Database& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sqlite_events
