// What only PostgreSQL has: its migrations under an advisory lock, its
// connection errors, and the dialect's translations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/sql.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::StoreErrorOf;

int Count(const std::string& conninfo, const std::string& query) {
  pqxx::connection c(conninfo);
  pqxx::nontransaction work(c);
  return work.exec1(query)[0].as<int>();
}

TEST(StorePostgres, NodesStartingAtOnceApplyEveryMigrationOnce) {
  const std::string conninfo = testing::NewPostgresDatabase();
  std::vector<std::thread> nodes;
  std::vector<int> versions(4, 0);
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&, i] { versions[i] = OpenPostgresStore(conninfo, 2)->SchemaVersion(); });
  }
  for (auto& node : nodes) node.join();
  for (int version : versions) EXPECT_EQ(version, Migrations().back().version);
  EXPECT_EQ(Count(conninfo, "SELECT COUNT(*) FROM schema_migrations"), static_cast<int>(Migrations().size()));
  EXPECT_EQ(Count(conninfo, "SELECT COUNT(*) FROM schema_migrations WHERE applied_at > 0"),
            static_cast<int>(Migrations().size()));
}

TEST(StorePostgres, SealedColumnsAreBytea) {
  const std::string conninfo = testing::NewPostgresDatabase();
  OpenPostgresStore(conninfo, 1);
  EXPECT_EQ(Count(conninfo,
                  "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'accounts' AND "
                  "column_name IN ('phone_sealed', 'wrapped_data_key', 'td_key_sealed', 'proxy_sealed') AND "
                  "data_type = 'bytea'"),
            4);
}

TEST(StorePostgres, ADatabaseNewerThanThisBinaryIsRefused) {
  const std::string conninfo = testing::NewPostgresDatabase();
  OpenPostgresStore(conninfo, 1);
  {
    pqxx::connection c(conninfo);
    pqxx::nontransaction work(c);
    work.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 1)");
  }
  const std::string message = StoreErrorOf([&] { OpenPostgresStore(conninfo, 1); });
  EXPECT_NE(message.find("schema version 999, newer than this tgmux knows"), std::string::npos) << message;
}

TEST(StorePostgres, AWrongPasswordIsRefusedWithoutShowingIt) {
  const std::string message =
      StoreErrorOf([] { OpenPostgresStore(testing::PostgresConninfoWithPassword("Wr0ngSecret"), 1); });
  EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("Wr0ngSecret"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(StorePostgres, AMalformedOrUnreachableServerIsOneLine) {
  std::string message = StoreErrorOf([] { OpenPostgresStore("postgres://u:Pw0rd@127.0.0.1:5432/db?nosuch=1", 1); });
  EXPECT_NE(message.find("not a PostgreSQL connection string"), std::string::npos) << message;
  EXPECT_EQ(message.find("Pw0rd"), std::string::npos) << message;
  // Port 1 on loopback: nobody listens there.
  message = StoreErrorOf([] { OpenPostgresStore("postgresql://u:Pw0rd@127.0.0.1:1/db?connect_timeout=5", 1); });
  EXPECT_NE(message.find("cannot open PostgreSQL database db on 127.0.0.1:1"), std::string::npos) << message;
  EXPECT_EQ(message.find("Pw0rd"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

// The server stops under an open store and starts again: calls in between
// throw StoreUnavailable (routes answer 503 store_unavailable), and the store
// serves again afterwards on new connections, with nothing to reopen.
TEST(StorePostgres, AServerThatGoesAwayIsUnavailableUntilItIsBack) {
  const auto dir = std::filesystem::temp_directory_path() / ("tgmux-away-" + std::to_string(::getpid()));
  testing::PostgresServer::Start(dir);
  auto store = OpenPostgresStore(testing::PostgresServer::Conninfo(dir, "postgres"), 3);
  store->SetMeta("k", "before");
  ASSERT_EQ(store->GetMeta("k"), "before");

  testing::PostgresServer::Halt(dir);
  for (int i = 0; i < 4; ++i) {  // pooled connections and new ones alike
    EXPECT_THROW(store->GetMeta("k"), StoreUnavailable);
    EXPECT_THROW(store->SetMeta("k", "during"), StoreUnavailable);
  }

  testing::PostgresServer::Resume(dir);
  store->SetMeta("k", "after");
  EXPECT_EQ(store->GetMeta("k"), "after");
  testing::PostgresServer::Stop(dir);
}

// Other failures stay StoreError: a 500 and the log, not a reason to retry.
TEST(StorePostgres, AFailingStatementIsNotUnavailability) {
  const std::string conninfo = testing::NewPostgresDatabase();
  auto store = OpenPostgresStore(conninfo, 1);
  {
    pqxx::connection c(conninfo);
    pqxx::nontransaction(c).exec("DROP TABLE meta");
  }
  try {
    store->GetMeta("k");
    FAIL() << "no error";
  } catch (const StoreUnavailable& e) {
    FAIL() << "unavailable: " << e.what();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("meta"), std::string::npos) << e.what();
  }
}

TEST(SqlDialect, PlaceholdersBecomeNumberedOnPostgres) {
  EXPECT_EQ(sql::PostgresPlaceholders("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(sql::PostgresPlaceholders("UPDATE t SET a = ?2 WHERE id = ?1 AND b = ?"),
            "UPDATE t SET a = $2 WHERE id = $1 AND b = $3");
  EXPECT_EQ(sql::PostgresPlaceholders("SELECT '?' FROM t WHERE a = ?"), "SELECT '?' FROM t WHERE a = $1");
  // A number the statement leaves out is left out on PostgreSQL too.
  std::vector<int> numbers;
  EXPECT_EQ(sql::PostgresPlaceholders("UPDATE t SET a = ?3 WHERE id = ?1", &numbers), "UPDATE t SET a = $2 WHERE id = $1");
  EXPECT_EQ(numbers, (std::vector<int>{0, 1, 0, 2}));
}

TEST(SqlDialect, UpsertReplacesEveryColumnButTheKeys) {
  EXPECT_EQ(sql::Upsert("pools", "tenant_id, name, settings", "tenant_id, name"),
            "INSERT INTO pools (tenant_id, name, settings) VALUES (?1, ?2, ?3) ON CONFLICT (tenant_id, name) DO "
            "UPDATE SET settings = excluded.settings");
  EXPECT_EQ(sql::Upsert("cursors", "bot_id", "bot_id"),
            "INSERT INTO cursors (bot_id) VALUES (?1) ON CONFLICT (bot_id) DO NOTHING");
}

TEST(SqlDialect, PostgresDdlTranslatesTypes) {
  EXPECT_EQ(PostgresDdl("CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, a INTEGER NOT NULL, b BLOB NOT NULL "
                        "DEFAULT x'', c TEXT NOT NULL) WITHOUT ROWID;"),
            "CREATE TABLE t (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, a BIGINT NOT NULL, b BYTEA NOT "
            "NULL DEFAULT ''::bytea, c TEXT COLLATE \"C\" NOT NULL);");
}

}  // namespace
}  // namespace tgmux::store
