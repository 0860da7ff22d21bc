// Internal to store/: the SQL of the event log, its checkpoints and the
// webhooks, as free functions over a connection the caller has locked.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_records.h"
#include "store/sql.h"
#include "store/store.h"

namespace tgmux::store::sql_events {

// On PostgreSQL, the commit also NOTIFYs kEventsChannel with
// "<notify_as>/<seq>:<tenant>" for each tenant written, seq its newest event
// (store.h, ListenForEvents). An older tgmux wrote "<notify_as>:<tenant>", and
// reads the new form as well: the tenant is what follows the first colon.
std::vector<Event> Append(sql::Connection& db, std::vector<Event> events, std::string_view notify_as);
// The same inside a write transaction the caller holds (and commits).
std::vector<Event> AppendWithin(sql::Connection& db, std::vector<Event> events, std::string_view notify_as);
inline constexpr const char* kEventsChannel = "tgmux_events";
// Store::Notify on PostgreSQL: `payload` to every listener of `channel`, at the commit.
void Notify(sql::Connection& db, std::string_view channel, std::string_view payload);
// Store::Listen on PostgreSQL: every NOTIFY on `channel`.
std::unique_ptr<Store::Listening> ListenChannel(const std::string& conninfo, const std::string& channel,
                                                std::function<void(const std::string& payload)> heard);
// Store::ListenForEvents on PostgreSQL: what other writers than `writer_token` append.
std::unique_ptr<Store::Listening> Listen(const std::string& conninfo, const std::string& writer_token,
                                         Store::HeardEvents heard);
std::vector<Event> List(sql::Connection& db, const EventQuery& query);
std::int64_t Count(sql::Connection& db, const EventQuery& query);
std::int64_t LastSeq(sql::Connection& db, std::string_view tenant_id);
int DeleteBefore(sql::Connection& db, std::int64_t created_before);
std::int64_t GetCheckpoint(sql::Connection& db, std::string_view account_id);
void SetCheckpoint(sql::Connection& db, std::string_view account_id, std::int64_t at);

void InsertWebhook(sql::Connection& db, const Webhook& webhook);
std::optional<Webhook> FindWebhook(sql::Connection& db, std::string_view id);
std::vector<Webhook> ListWebhooks(sql::Connection& db, std::string_view tenant_id);
bool UpdateWebhook(sql::Connection& db, const Webhook& webhook);
bool DeleteWebhook(sql::Connection& db, std::string_view tenant_id, std::string_view id);

}  // namespace tgmux::store::sql_events
