// Opening a store: SQLite's file and connections (a writer, read-only
// readers, the WAL's checkpointer and group commit) or PostgreSQL's pool, and
// the pending migrations, then the Store over SQL (sql_store.h).
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "store/migrations.h"
#include "store/sql_postgres.h"
#include "store/sql_sqlite.h"
#include "store/sql_store.h"

namespace tgmux::store {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kSqliteReaders = 4;  // read-only connections beside SQLite's one writer

// The database holds sealed secrets and masked phones: create it private, and
// SQLite gives its -wal and -shm files the same mode.
void PrepareFile(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    throw StoreError("cannot create directory " + path.parent_path().string() + ": " +
                     ec.message());
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // when this fails, SQLite's own open reports why
}

std::unique_ptr<sql::Connection> OpenSqliteConnection(const std::string& path, int busy_timeout_ms = kBusyTimeoutMs) {
  auto db = sql::OpenSqlite(path, false, busy_timeout_ms);
  sql::Statement wal(*db, "PRAGMA journal_mode=WAL");
  const std::string mode = wal.Step() ? wal.Text(0) : "";
  if (mode != "wal") {
    throw StoreError("cannot switch database " + path + " to WAL (journal_mode is " + mode + ")");
  }
  // Commits are not synced here: CommitSync does it for many at once.
  db->ExecScript("PRAGMA synchronous=NORMAL");
  db->ExecScript("PRAGMA foreign_keys=ON");
  return db;
}

// The writer: the WalCheckpointer checkpoints, not the writer's commits.
std::unique_ptr<sql::Connection> OpenSqliteWriter(const std::string& path) {
  auto db = OpenSqliteConnection(path);
  db->ExecScript("PRAGMA wal_autocheckpoint=0");
  return db;
}

}  // namespace

std::string_view DurabilityName(Durability durability) {
  return durability == Durability::kSynced ? "full" : "normal";
}

std::optional<Durability> ParseDurability(std::string_view name) {
  for (Durability d : {Durability::kSynced, Durability::kNormal}) {
    if (DurabilityName(d) == name) return d;
  }
  return std::nullopt;
}

std::unique_ptr<Store> OpenSqliteStore(const fs::path& path, Durability durability) {
  PrepareFile(path);
  const std::string name = path.string();
  try {
    auto db = OpenSqliteWriter(name);
    ApplyMigrations(*db, name);
    auto pool = std::make_unique<sql::ConnectionPool>(1, [name] { return OpenSqliteWriter(name); }, std::move(db));
    auto readers = std::make_unique<sql::ConnectionPool>(
        kSqliteReaders, [name] { return sql::OpenSqlite(name, true, kBusyTimeoutMs); });
    SqliteDurability sqlite;
    // The store owns the pool and stops the checkpointer before it.
    sqlite.checkpointer = std::make_unique<WalCheckpointer>(
        name, OpenSqliteConnection(name, WalCheckpointer::kRestartWaitMs), *pool, WalCheckpointer::Limits{});
    if (durability == Durability::kSynced) {
      sqlite.commit_sync = std::make_unique<CommitSync>([name] { return SyncSqliteWal(name); });
    }
    return MakeSqlStore(name, std::move(pool), std::move(readers), std::move(sqlite));
  } catch (const sql::Error& e) {
    throw StoreError("cannot open database " + name + ": " + e.what());
  }
}

std::unique_ptr<Store> OpenPostgresStore(const std::string& conninfo, int pool_size, Durability durability) {
  if (auto malformed = sql::PostgresConninfoError(conninfo)) {
    throw StoreError("not a PostgreSQL connection string: " + *malformed);
  }
  const std::string name = sql::DescribePostgres(conninfo);
  // PostgreSQL syncs each commit itself (synchronous_commit=on), and groups
  // concurrent commits into one WAL flush.
  auto open = [conninfo, durability] {
    auto connection = sql::OpenPostgres(conninfo);
    if (durability == Durability::kNormal) connection->ExecScript("SET synchronous_commit = off");
    return connection;
  };
  try {
    auto db = open();
    ApplyMigrations(*db, name);
    auto pool = std::make_unique<sql::ConnectionPool>(static_cast<std::size_t>(pool_size), open, std::move(db));
    return MakeSqlStore(name, std::move(pool), nullptr, {}, conninfo);
  } catch (const sql::Error& e) {
    throw StoreError("cannot open " + name + ": " + e.what());
  }
}

std::string PostgresName(const std::string& conninfo) { return sql::DescribePostgres(conninfo); }

std::optional<std::string> PostgresConninfoError(const std::string& conninfo) {
  return sql::PostgresConninfoError(conninfo);
}

}  // namespace tgmux::store
