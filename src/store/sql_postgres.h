// Internal to store/: PostgreSQL connections for sql.h, over libpqxx.
#pragma once

#include <functional>
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

// LISTENs on `channel` from a connection and a thread of its own until
// destroyed: `heard(payload)` for each NOTIFY. When the connection is lost it
// connects again (backing off up to 5 s) and then calls `heard("")`: what
// was sent meanwhile was missed.
class PostgresListener {
 public:
  virtual ~PostgresListener() = default;
};
std::unique_ptr<PostgresListener> ListenPostgres(const std::string& conninfo, const std::string& channel,
                                                 std::function<void(const std::string& payload)> heard);

}  // namespace tgmux::store::sql
