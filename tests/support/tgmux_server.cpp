#include "tests/support/build_paths.h"
#include "tests/support/tgmux_server.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>

#include "tests/support/openapi_samples.h"
#include "tests/support/postgres_server.h"

namespace tgmux::testing {
namespace {

// `make test-postgres` (TGMUX_TEST_STORE=postgres): each data directory gets
// its own database on the suite's PostgreSQL, the same one again when a test
// restarts tgmux on that directory.
std::string PostgresStoreFor(const std::filesystem::path& data_dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::string> databases;
  std::lock_guard lock(mutex);
  auto [it, added] = databases.try_emplace(data_dir);
  if (added) it->second = NewPostgresDatabase();
  return it->second;
}

}  // namespace

bool TestsRunOnPostgres() {
  const char* store = std::getenv("TGMUX_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

TgmuxServer::TgmuxServer(std::map<std::string, std::string> env, std::filesystem::path data_dir)
    : env_(std::move(env)), binary_(TGMUX_BINARY) {
  if (data_dir.empty()) {
    own_data_ = std::make_unique<TempDir>();
    data_dir = own_data_->path() / "data";
  }
  data_dir_ = data_dir;
  env_.emplace("TGMUX_LISTEN", "127.0.0.1:0");
  env_.emplace("TGMUX_DATA_DIR", data_dir_.string());
  // Argon2id at its cheapest keeps the suite fast; production keeps the default cost.
  env_.emplace("TGMUX_ARGON2_PASSES", "1");
  env_.emplace("TGMUX_ARGON2_MEMORY", "1024");
  if (TestsRunOnPostgres() && !env_.contains("TGMUX_STORE")) env_.emplace("TGMUX_STORE", PostgresStoreFor(data_dir_));
}

bool TgmuxServer::Start(std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {binary_.string(), "serve"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(argv, env_, logs_.path());
  std::string line = process_->WaitForOutput("listening on http", std::chrono::seconds(30));  // http:// or https://
  if (line.empty()) return false;
  port_ = std::stoi(line.substr(line.rfind(':') + 1));
  http_ = std::make_unique<HttpClient>(Anonymous());
  return true;
}

HttpClient TgmuxServer::Anonymous() const {
  HttpClient client("127.0.0.1", port_);
  RecordForSuite(client);
  return client;
}

nlohmann::json TgmuxServer::SignInOwner(const std::string& email, const std::string& password) {
  nlohmann::json credentials = {{"email", email}, {"password", password}};
  auto answer = Anonymous().Post("/v1/auth/register", credentials);
  if (answer.status == 403 || answer.status == 409) answer = Anonymous().Post("/v1/auth/login", credentials);
  EXPECT_TRUE(answer.status == 200 || answer.status == 201) << answer.status << " " << answer.body;
  if (answer.status != 200 && answer.status != 201) return nullptr;
  auto tokens = answer.Json();
  http_->SetDefaultHeader("Authorization", "Bearer " + tokens["access_token"].get<std::string>());
  return tokens;
}

int TgmuxServer::Stop(int signal) { return process_ ? process_->Stop(signal) : -1; }

std::pair<int, std::string> RunTgmux(std::map<std::string, std::string> env, std::vector<std::string> args) {
  TempDir logs;
  std::vector<std::string> argv = {TGMUX_BINARY};
  if (args.empty()) args = {"serve"};
  if (TestsRunOnPostgres() && env.contains("TGMUX_DATA_DIR") && !env.contains("TGMUX_STORE")) {
    env.emplace("TGMUX_STORE", PostgresStoreFor(env.at("TGMUX_DATA_DIR")));
  }
  argv.insert(argv.end(), args.begin(), args.end());
  Process process(argv, std::move(env), logs.path());
  int status = process.Wait(std::chrono::seconds(30));
  if (status == -1) status = process.Stop(SIGKILL);
  return {status, process.Stderr()};
}

void ExecStoreSql(const std::filesystem::path& data_dir, const std::string& sql) {
  if (TestsRunOnPostgres()) {
    pqxx::connection connection(PostgresStoreFor(data_dir));
    pqxx::nontransaction work(connection);
    work.exec(sql);
    return;
  }
  SQLite::Database((data_dir / "tgmux.db").string(), SQLite::OPEN_READWRITE, 5000).exec(sql);
}

std::string StoreSnapshot(const std::filesystem::path& data_dir) {
  if (!TestsRunOnPostgres()) {
    std::ifstream in(data_dir / "tgmux.db", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }
  pqxx::connection connection(PostgresStoreFor(data_dir));
  pqxx::nontransaction work(connection);
  std::string snapshot;
  for (const auto& table : work.exec("SELECT table_name FROM information_schema.tables "
                                     "WHERE table_schema = 'public' ORDER BY table_name")) {
    const std::string name = table[0].as<std::string>();
    snapshot += "# " + name + "\n";
    for (const auto& row : work.exec("SELECT r::text FROM " + work.quote_name(name) + " r ORDER BY 1")) {
      snapshot += row[0].as<std::string>() + "\n";
    }
  }
  return snapshot;
}

}  // namespace tgmux::testing
