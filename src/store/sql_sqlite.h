// Internal to store/: SQLite connections for sql.h.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/sql.h"

namespace tgmux::store::sql {

// Opens (read-write creating it, or read-only) the database file; throws Error.
std::unique_ptr<Connection> OpenSqlite(const std::string& path, bool read_only, int busy_timeout_ms);

// A URI that opens `path` read-only without changing anything on disk: a
// database closed cleanly (no -wal file) is read as immutable (no locks, no
// -wal or -shm files); one with a -wal file (a crash, or a running tgmux) is
// opened with mode=ro, which must read the WAL too.
std::string ReadOnlySqliteUri(const std::filesystem::path& path);

// Opens ReadOnlySqliteUri(path); throws Error.
std::unique_ptr<Connection> OpenSqliteReadOnly(const std::filesystem::path& path, int busy_timeout_ms);

}  // namespace tgmux::store::sql
