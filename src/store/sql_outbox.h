// Internal to store/: the SQL of the outbox table, as free functions over a
// connection the caller holds (the store gives each call its own).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/outbox_records.h"
#include "store/sql.h"

namespace tgmux::store::sql_outbox {

bool Insert(sql::Connection& db, const OutboxEntry& entry);
std::optional<OutboxEntry> Find(sql::Connection& db, std::string_view id);
std::optional<OutboxEntry> FindByKey(sql::Connection& db, std::string_view tenant_id, std::string_view account_id,
                                     std::string_view key);
bool Update(sql::Connection& db, const OutboxEntry& entry);
// Only the columns OutboxWrite::Kind::kState names.
bool UpdateState(sql::Connection& db, const OutboxEntry& entry);
// Applies each write in one transaction; whether each changed a row. The
// events of those that did are appended in it too (sql_events::Append, with
// `notify_as`), and added to `appended` when given.
std::vector<bool> Write(sql::Connection& db, const std::vector<OutboxWrite>& writes, std::vector<Event>* appended,
                        std::string_view notify_as);
// limit <= 0: all.
std::vector<OutboxEntry> ListUnfinished(sql::Connection& db, std::string_view account_id, int limit);

}  // namespace tgmux::store::sql_outbox
