#include "tests/support/postgres_server.h"

#include "tests/support/build_paths.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>

#include "tests/support/http_load.h"
#include "tests/support/process.h"

namespace tgmux::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";
constexpr const char* kUser = "tgmux";
constexpr const char* kPassword = "tgmux-test-password";

// Runs a shell command as the postgres user when root (PostgreSQL refuses to
// run as root), as ourselves otherwise.
void Run(const std::string& command, const fs::path& log) {
  const std::string as_user = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
  const std::string line = as_user + command + " >>'" + log.string() + "' 2>&1";
  if (std::system(line.c_str()) != 0) {
    throw std::runtime_error("postgres: `" + command + "` failed; see " + log.string());
  }
}

int PortOf(const fs::path& dir) {
  const std::string port = ReadFile(dir / "port");
  if (port.empty()) throw std::runtime_error("postgres: no server under " + dir.string());
  return std::stoi(port);
}

// Starts the server of `dir` on `port` and waits until it takes connections.
void StartOn(const fs::path& dir, int port) {
  const fs::path log = dir / "server.log";
  // Tests want speed, not durability: no fsync, unless the server was started
  // durable (benchmarks of synced commits).
  std::error_code ec;
  const bool durable = fs::exists(dir / "durable", ec);
  Run(std::string(kBin) + "pg_ctl -D '" + (dir / "data").string() + "' -l '" + log.string() + "' -w -t 60 -o \"-p " +
          std::to_string(port) + " -k '" + dir.string() + "' -c listen_addresses=127.0.0.1 " +
          (durable ? "" : "-c fsync=off -c full_page_writes=off ") + "-c max_connections=300\" start",
      log);
}

// The suite's server: the fixture's, or this process's own.
fs::path SuiteServer() {
  static std::once_flag once;
  static fs::path dir;
  std::call_once(once, [] {
    if (const char* shared = std::getenv("TGMUX_TEST_POSTGRES"); shared != nullptr && *shared != '\0') {
      dir = shared;
      return;
    }
    // ctest's postgres_start fixture, when it runs.
    std::error_code ec;
    if (fs::exists(fs::path(build_paths::kTestPostgresDir) / "data" / "postmaster.pid", ec) &&
        fs::exists(fs::path(build_paths::kTestPostgresDir) / "port", ec)) {
      dir = build_paths::kTestPostgresDir;
      return;
    }
    dir = fs::temp_directory_path() / ("tgmux-pg-" + std::to_string(::getpid()));
    PostgresServer::Start(dir);
    std::atexit([] { PostgresServer::Stop(dir); });
  });
  return dir;
}

}  // namespace

void PostgresServer::Start(const fs::path& dir, bool durable) {
  Stop(dir);  // a server a killed run left behind

  fs::create_directories(dir);
  if (durable) std::ofstream(dir / "durable") << "fsync on\n";
  const fs::path log = dir / "server.log";
  { std::ofstream(dir / "password") << kPassword << "\n"; }
  { std::ofstream touch(log); }
  if (::geteuid() == 0) {
    const std::string own = "chown -R postgres '" + dir.string() + "'";
    if (std::system(own.c_str()) != 0) throw std::runtime_error("postgres: cannot chown " + dir.string());
  }
  const std::string data = (dir / "data").string();
  Run(std::string(kBin) + "initdb -D '" + data + "' -U " + kUser + " --pwfile='" + (dir / "password").string() +
          "' --auth-host=scram-sha-256 --auth-local=trust --no-locale -E UTF8 --no-sync",
      log);
  const int port = FreeLoopbackPort();
  StartOn(dir, port);
  std::ofstream(dir / "port") << port;
}

void PostgresServer::Halt(const fs::path& dir) {
  Run(std::string(kBin) + "pg_ctl -D '" + (dir / "data").string() + "' -m fast -w stop", dir / "server.log");
}

void PostgresServer::Resume(const fs::path& dir) { StartOn(dir, PortOf(dir)); }

void PostgresServer::Stop(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "data" / "postmaster.pid", ec)) {
    try {
      Run(std::string(kBin) + "pg_ctl -D '" + (dir / "data").string() + "' -m immediate -w stop", dir / "server.log");
    } catch (const std::exception&) {
      // Already gone: the directory goes all the same.
    }
  }
  fs::remove_all(dir, ec);
}

std::string PostgresServer::Conninfo(const fs::path& dir, const std::string& database) {
  return "postgresql://" + std::string(kUser) + ":" + kPassword + "@127.0.0.1:" + std::to_string(PortOf(dir)) + "/" +
         database;
}

std::string NewPostgresDatabase() {
  static std::atomic<int> counter{0};
  const fs::path dir = SuiteServer();
  const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  pqxx::connection admin(PostgresServer::Conninfo(dir, "postgres"));
  pqxx::nontransaction work(admin);
  work.exec("CREATE DATABASE " + name);
  return PostgresServer::Conninfo(dir, name);
}

std::string PostgresConninfoWithPassword(const std::string& password) {
  return "postgresql://" + std::string(kUser) + ":" + password + "@127.0.0.1:" +
         std::to_string(PortOf(SuiteServer())) + "/postgres";
}

}  // namespace tgmux::testing
