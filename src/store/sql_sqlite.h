// Internal to store/: SQLite connections for sql.h.
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace tgmux::store::sql {

// Opens (read-write creating it, or read-only) the database file; throws Error.
std::unique_ptr<Connection> OpenSqlite(const std::string& path, bool read_only, int busy_timeout_ms);

}  // namespace tgmux::store::sql
