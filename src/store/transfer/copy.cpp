#include "store/transfer/copy.h"

#include <algorithm>
#include <variant>

#include "store/migrations.h"
#include "store/sql_postgres.h"
#include "store/sql_sqlite.h"
#include "store/transfer/schema.h"

namespace tgmux::store::transfer {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;
// Rows per INSERT: few round trips, well under PostgreSQL's 65,535 parameters.
constexpr std::size_t kMaxRowsPerBatch = 200;
constexpr std::size_t kMaxParameters = 30000;

using Value = std::variant<std::int64_t, std::string>;

std::string Join(const std::vector<Column>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4), ..." for `rows` rows.
std::string InsertSql(std::string_view table, const std::vector<Column>& columns, std::size_t rows) {
  std::string sql = "INSERT INTO " + std::string(table) + " (" + Join(columns) + ") VALUES ";
  int number = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < columns.size(); ++c) sql += (c == 0 ? "?" : ", ?") + std::to_string(++number);
    sql += ")";
  }
  return sql;
}

// The source's columns in the target's order, with the target's kinds (a
// sealed TEXT column of SQLite is bytea on PostgreSQL). Both must have the
// same columns: they were made by the same migrations.
std::vector<Column> MatchColumns(sql::Connection& source, sql::Connection& target, std::string_view table) {
  auto from = ListColumns(source, table);
  auto to = ListColumns(target, table);
  auto names = [](std::vector<Column> columns) {
    std::vector<std::string> out;
    for (auto& c : columns) out.push_back(c.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  if (names(from) != names(to)) {
    throw StoreError("table " + std::string(table) + " has other columns on the source than on the target");
  }
  return to;
}

class TableCopier {
 public:
  TableCopier(sql::Connection& source, sql::Connection& target, std::string_view table, const CopyProgress& progress)
      : source_(source), target_(target), table_(table), progress_(progress),
        columns_(MatchColumns(source, target, table)),
        batch_rows_(std::max<std::size_t>(1, std::min(kMaxRowsPerBatch, kMaxParameters / columns_.size()))) {}

  std::int64_t Run() {
    const std::int64_t total = Count();
    if (table_ == "schema_migrations") {
      // The target's migrations recorded themselves; the source's history (its dates) replaces them.
      target_.ExecScript("DELETE FROM schema_migrations");
    }
    sql::Statement rows(source_, "SELECT " + Join(columns_) + " FROM " + table_);
    std::vector<Value> pending;
    std::int64_t copied = 0;
    while (rows.Step()) {
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (columns_[c].kind == ColumnKind::kInteger) {
          pending.emplace_back(rows.Int64(static_cast<int>(c)));
        } else {
          pending.emplace_back(rows.Text(static_cast<int>(c)));
        }
      }
      if (pending.size() == batch_rows_ * columns_.size()) {
        copied += Flush(pending);
        if (progress_) progress_(table_, copied, total);
      }
    }
    copied += Flush(pending);
    if (progress_) progress_(table_, copied, total);
    return copied;
  }

 private:
  std::int64_t Count() {
    sql::Statement count(source_, "SELECT COUNT(*) FROM " + table_);
    count.Step();
    return count.Int64(0);
  }

  std::int64_t Flush(std::vector<Value>& pending) {
    const std::size_t rows = pending.size() / columns_.size();
    if (rows == 0) return 0;
    sql::Statement insert(target_, InsertSql(table_, columns_, rows));
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const Column& column = columns_[i % columns_.size()];
      const int index = static_cast<int>(i) + 1;
      if (const auto* number = std::get_if<std::int64_t>(&pending[i])) {
        insert.Bind(index, *number);
      } else if (column.kind == ColumnKind::kBytes) {
        insert.BindBytes(index, std::get<std::string>(pending[i]));
      } else {
        insert.Bind(index, std::get<std::string>(pending[i]));
      }
    }
    insert.Exec();
    pending.clear();
    return static_cast<std::int64_t>(rows);
  }

  sql::Connection& source_;
  sql::Connection& target_;
  const std::string table_;
  const CopyProgress& progress_;
  const std::vector<Column> columns_;
  const std::size_t batch_rows_;
};

std::unique_ptr<sql::Connection> OpenSource(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw CopyRefused("source " + path.string() + " is not a database file");
  if (fs::exists(path.string() + "-wal", ec)) {
    throw CopyRefused("source " + path.string() +
                      " has a -wal file: a tgmux is running on it or was not stopped cleanly; stop it (or start "
                      "and stop it once) and run migrate again");
  }
  auto db = sql::OpenSqliteReadOnly(path, kBusyTimeoutMs);
  const auto tables = ListTables(*db);
  const int version = std::binary_search(tables.begin(), tables.end(), "schema_migrations")
                          ? RecordedSchemaVersion(*db) : 0;
  const int known = Migrations().back().version;
  if (version != known) {
    throw CopyRefused("source " + path.string() + " has schema version " + std::to_string(version) +
                      ", this tgmux writes version " + std::to_string(known) +
                      (version < known ? "; start this tgmux once on it (it upgrades the schema), stop it, and run "
                                         "migrate again"
                                       : "; run migrate with the tgmux that wrote it"));
  }
  for (const auto& table : tables) {
    const auto known_tables = StoreTables();
    if (std::find(known_tables.begin(), known_tables.end(), table) == known_tables.end()) {
      throw CopyRefused("source " + path.string() + " has a table this tgmux does not know: " + table);
    }
  }
  return db;
}

void RefuseFilledTarget(sql::Connection& target, const std::string& name) {
  for (std::string_view table : StoreTables()) {
    if (table == "schema_migrations") continue;
    if (HasRows(target, table)) {
      throw CopyRefused("target " + name + " is not empty (table " + std::string(table) +
                        " has rows); migrate only into a new, empty database");
    }
  }
}

// PostgreSQL's identity columns hand out the next id from a sequence that the
// copied rows did not move: set it to the largest id copied.
void MoveIdentityCounters(sql::Connection& target) {
  for (std::string_view table : StoreTables()) {
    for (const Column& column : ListColumns(target, table)) {
      if (!column.identity) continue;
      const std::string t(table);
      target.ExecScript("SELECT setval(pg_get_serial_sequence('" + t + "', '" + column.name + "'), MAX(" +
                        column.name + ")) FROM " + t + " HAVING MAX(" + column.name + ") IS NOT NULL");
    }
  }
}

}  // namespace

std::vector<TableCount> CopySqliteToPostgres(const CopyOptions& options) {
  const std::string name = sql::DescribePostgres(options.target);
  if (auto malformed = sql::PostgresConninfoError(options.target)) {
    throw CopyRefused("--to is not a PostgreSQL connection string: " + *malformed);
  }
  std::string step = "reading the source";
  try {
    auto source = OpenSource(options.source);
    step = "connecting to " + name;
    auto target = sql::OpenPostgres(options.target);
    step = "checking the target";
    RefuseFilledTarget(*target, name);
    step = "creating the schema on the target";
    ApplyMigrations(*target, name);
    RefuseFilledTarget(*target, name);  // another process may have filled it meanwhile

    std::vector<TableCount> counts;
    sql::Transaction read(*source);
    sql::Transaction write(*target, true);
    for (std::string_view table : StoreTables()) {
      step = "copying table " + std::string(table);
      counts.push_back({std::string(table), TableCopier(*source, *target, table, options.progress).Run()});
    }
    step = "moving the identity counters";
    MoveIdentityCounters(*target);
    step = "committing";
    write.Commit();
    return counts;
  } catch (const sql::Error& e) {
    throw StoreError(step + ": " + e.what());
  }
}

}  // namespace tgmux::store::transfer
