// tgmux on PostgreSQL: bad TGMUX_STORE settings stop it with status 2 and
// one line that never shows the password; a good one serves and says so.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "store/migrations.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/startup_errors.h"
#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

constexpr const char* kPassword = "Sekr1tPassw0rd";

TEST(StoreConfigTest, BadPostgresSettingsStopTgmuxWithOneLineWithoutThePassword) {
  TempDir dir;
  // A database one version ahead of this tgmux.
  const std::string newer = NewPostgresDatabase();
  store::OpenPostgresStore(newer, 1);
  {
    pqxx::connection c(newer);
    pqxx::nontransaction(c).exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 1)");
  }
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string("postgres://u:") + kPassword + "@127.0.0.1:5432/db?nosuch=1",
       "TGMUX_STORE: not a PostgreSQL connection string"},
      {std::string("postgresql://u:") + kPassword + "@127.0.0.1:1/db?connect_timeout=5",
       "TGMUX_STORE: cannot open PostgreSQL database db on 127.0.0.1:1"},
      {PostgresConninfoWithPassword(kPassword), "password authentication failed"},
      {std::string("postgress://u:") + kPassword + "@127.0.0.1/db", "TGMUX_STORE=(hidden)"},
      {newer, "newer than this tgmux knows"},
  };
  for (const auto& [store, expected] : cases) {
    const std::map<std::string, std::string> env = {{"TGMUX_STORE", store},
                                                    {"TGMUX_DATA_DIR", (dir.path() / "data").string()}};
    ExpectStopsWithOneLine(env, expected);
    EXPECT_EQ(RunTgmux(env).second.find(kPassword), std::string::npos) << expected;
  }
}

TEST(StoreConfigTest, ServesFromPostgresAndSaysSo) {
  TgmuxServer server({{"TGMUX_STORE", NewPostgresDatabase()}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto ready = server.Anonymous().Get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.Json()["store"]["kind"], "postgres");
  EXPECT_EQ(ready.Json()["store"]["schema_version"], store::Migrations().back().version);
  server.SignInOwner();
  EXPECT_EQ(server.http().Get("/v1/accounts").status, 200);
}

}  // namespace
}  // namespace tgmux::testing
