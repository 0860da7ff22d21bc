// A private PostgreSQL for tests: Debian's postgresql-15 binaries (initdb,
// pg_ctl) run in a temporary directory on a free loopback port, as the
// unprivileged `postgres` user when the tests run as root. No system service,
// no server from outside.
//
// The suite shares one server: ctest's postgres_start fixture starts it
// (tgmux_test_postgres start DIR, DIR being build_paths::kTestPostgresDir under the
// build, or TGMUX_TEST_POSTGRES when set); postgres_stop stops it. A test binary run by hand without it starts its
// own server on first use and stops it at exit.
#pragma once

#include <filesystem>
#include <string>

namespace tgmux::testing {

class PostgresServer {
 public:
  // Starts a new server with its files under `dir` (created; made the
  // postgres user's when running as root). Throws std::runtime_error.
  // Without `durable`, for speed, it never syncs (fsync=off).
  static void Start(const std::filesystem::path& dir, bool durable = false);
  // Stops the server under `dir` and removes `dir`.
  static void Stop(const std::filesystem::path& dir);
  // Stops the server under `dir` as an operator would (connections are ended,
  // the data stays), and starts it again on the same port.
  static void Halt(const std::filesystem::path& dir);
  static void Resume(const std::filesystem::path& dir);
  // The server's connection string (a postgresql:// URL with the password)
  // for `database`.
  static std::string Conninfo(const std::filesystem::path& dir, const std::string& database);
};

// The suite's server (see above): a new, empty database on it for each call,
// and its connection string.
std::string NewPostgresDatabase();
// The suite's server's connection string for `database` with `password`
// instead of the right one (for refused logins).
std::string PostgresConninfoWithPassword(const std::string& password);

}  // namespace tgmux::testing
