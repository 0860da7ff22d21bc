// Starts the real tgmux binary for an end-to-end test: port 0, a temp data
// directory, the environment the test gives, and an HTTP client pointed at it.
#pragma once

#include <csignal>
#include <memory>

#include "common/http_client.h"
#include "tests/support/process.h"

namespace tgmux::testing {

using tgmux::HttpClient;
using tgmux::HttpResponse;

class TgmuxServer {
 public:
  // `env` is added to a minimal environment (TGMUX_LISTEN=127.0.0.1:0, TGMUX_DATA_DIR=<data_dir>).
  explicit TgmuxServer(std::map<std::string, std::string> env = {}, std::filesystem::path data_dir = {});

  // Starts the process; returns false (with the process's output kept) when it
  // did not print its listening line in time.
  bool Start(std::vector<std::string> extra_args = {});
  // Another tgmux executable than this build's (an installed copy); before Start.
  void SetBinary(std::filesystem::path binary) { binary_ = std::move(binary); }
  int Stop(int signal = SIGTERM);

  // Registers the first owner (or signs in when users exist already, after a
  // restart) and sends its access token with every later request of http().
  // Returns the token answer ({access_token, refresh_token, user, ...}).
  nlohmann::json SignInOwner(const std::string& email = kOwnerEmail, const std::string& password = kOwnerPassword);

  static constexpr const char* kOwnerEmail = "owner@tgmux.test";
  static constexpr const char* kOwnerPassword = "owner-password-123";

  const HttpClient& http() const { return *http_; }
  // A client with no credentials.
  HttpClient Anonymous() const;
  Process& process() { return *process_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  int port() const { return port_; }

 private:
  TempDir logs_;
  std::unique_ptr<TempDir> own_data_;
  std::filesystem::path data_dir_;
  std::map<std::string, std::string> env_;
  std::filesystem::path binary_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<HttpClient> http_;
  int port_ = 0;
};

// True under `make test-postgres` (TGMUX_TEST_STORE=postgres): TgmuxServer
// then runs tgmux on a PostgreSQL database of its own (per data directory)
// unless the test sets TGMUX_STORE itself.
bool TestsRunOnPostgres();

// The store of a data directory, whichever the suite runs on (the SQLite file
// under it, or its PostgreSQL database), for tests that change or inspect the
// stored data directly. Runs one or more statements without parameters.
void ExecStoreSql(const std::filesystem::path& data_dir, const std::string& sql);
// Everything stored, as text: equal before and after means nothing changed.
std::string StoreSnapshot(const std::filesystem::path& data_dir);

// Runs `tgmux serve` with `env` to completion (for start-up failures); returns exit status and stderr.
// Under `make test-postgres`, a TGMUX_DATA_DIR in `env` gets that directory's
// database, as TgmuxServer does, unless `env` sets TGMUX_STORE.
std::pair<int, std::string> RunTgmux(std::map<std::string, std::string> env, std::vector<std::string> args = {});

}  // namespace tgmux::testing
