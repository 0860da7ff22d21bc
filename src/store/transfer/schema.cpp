#include "store/transfer/schema.h"

#include <algorithm>
#include <array>

namespace tgmux::store::transfer {
namespace {

constexpr std::array<std::string_view, 36> kTables = {
    "schema_migrations", "meta",           "accounts",        "tenants",
    "users",             "refresh_tokens", "api_keys",        "invites",
    "audit_log",         "outbox",         "events",          "event_checkpoints",
    "webhooks",          "event_sequences", "files",          "bots",
    "bot_conversations", "bot_relays",     "watch_rules",     "watch_messages",
    "watch_matches",     "subscribers",    "relays",          "dialogs",
    "relay_posts",       "relay_cursors",  "pools",           "account_health",
    "pool_contacts",     "dialog_messages", "notification_subscriptions", "cluster_nodes",
    "account_leases",    "account_snapshots", "work_leases",
    "cluster_logins"};

ColumnKind KindOfSqliteType(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
  if (type.find("INT") != std::string::npos) return ColumnKind::kInteger;
  if (type.find("BLOB") != std::string::npos) return ColumnKind::kBytes;
  return ColumnKind::kText;
}

ColumnKind KindOfPostgresType(const std::string& type) {
  if (type == "bigint" || type == "integer" || type == "smallint") return ColumnKind::kInteger;
  if (type == "bytea") return ColumnKind::kBytes;
  return ColumnKind::kText;
}

}  // namespace

std::span<const std::string_view> StoreTables() { return kTables; }

std::vector<std::string> ListTables(sql::Connection& db) {
  const bool sqlite = db.dialect() == sql::Dialect::kSqlite;
  sql::Statement query(db, sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                    "ORDER BY name"
                                  : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                    "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
  std::vector<std::string> tables;
  while (query.Step()) tables.push_back(query.Text(0));
  std::sort(tables.begin(), tables.end());
  return tables;
}

std::vector<Column> ListColumns(sql::Connection& db, std::string_view table) {
  std::vector<Column> columns;
  if (db.dialect() == sql::Dialect::kSqlite) {
    sql::Statement query(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid");
    query.Bind(1, std::string(table));
    while (query.Step()) {
      Column c{query.Text(0), KindOfSqliteType(query.Text(1)), query.Int(2) != 0, false};
      columns.push_back(std::move(c));
    }
    return columns;
  }
  sql::Statement query(db,
                       "SELECT column_name, data_type, is_nullable, is_identity FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position");
  query.Bind(1, std::string(table));
  while (query.Step()) {
    columns.push_back(Column{query.Text(0), KindOfPostgresType(query.Text(1)), query.Text(2) == "NO",
                             query.Text(3) == "YES"});
  }
  return columns;
}

bool HasRows(sql::Connection& db, std::string_view table) {
  const auto tables = ListTables(db);
  if (!std::binary_search(tables.begin(), tables.end(), std::string(table))) return false;
  sql::Statement query(db, "SELECT COUNT(*) FROM (SELECT 1 FROM " + std::string(table) + " LIMIT 1) AS one");
  return query.Step() && query.Int64(0) != 0;
}

}  // namespace tgmux::store::transfer
