// Internal to store/: PostgreSQL connections for sql.h, over libpqxx.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/sql.h"

namespace tgmux::store::sql {

// Connects to `conninfo` (a postgres:// or postgresql:// URL, or libpq's
// key=value form). Throws Error (kConnectionLost when the server cannot be
// reached or refuses the login) with one line that never holds the password.
std::unique_ptr<Connection> OpenPostgres(const std::string& conninfo);

// Why libpq cannot read `conninfo` (one line, no password); nullopt when it can.
std::optional<std::string> PostgresConninfoError(const std::string& conninfo);

// "PostgreSQL database <db> on <host>:<port>", for errors and logs.
std::string DescribePostgres(const std::string& conninfo);

}  // namespace tgmux::store::sql
