#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "store/migrations.h"
#include "store/store.h"

#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

using testing::ReadFile;

std::set<std::string> Listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

Account FullAccount(std::string id, std::int64_t created_at = 1700000000) {
  Account a;
  a.id = std::move(id);
  a.tenant_id = "tenant_1";
  a.status = AccountStatus::kActive;
  a.method = LoginMethod::kQr;
  a.telegram_user_id = 9007199254740993;  // beyond a double's exact range
  a.username = "alice";
  a.display_name = "Алиса 🌷";
  a.phone_masked = "+380*******67";
  a.phone_sealed = std::string("\0\x01sealed\0phone\xff", 15);
  a.wrapped_data_key = std::string("\xff\0wrapped\0", 10);
  a.td_key_sealed = std::string("\0\0\0td", 5);
  a.phone_digest = "4ad7b322ba278be48290db77dcd7663fcebdf4815cb09d5638f12bee40277b51";
  a.last_error = "flood wait 30";
  a.created_at = created_at;
  a.updated_at = created_at + 1;
  a.last_connected_at = created_at + 2;
  return a;
}

void ExpectSameAccount(const Account& got, const Account& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.method, want.method);
  EXPECT_EQ(got.telegram_user_id, want.telegram_user_id);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.display_name, want.display_name);
  EXPECT_EQ(got.phone_masked, want.phone_masked);
  EXPECT_EQ(got.phone_sealed, want.phone_sealed);
  EXPECT_EQ(got.wrapped_data_key, want.wrapped_data_key);
  EXPECT_EQ(got.td_key_sealed, want.td_key_sealed);
  EXPECT_EQ(got.phone_digest, want.phone_digest);
  EXPECT_EQ(got.last_error, want.last_error);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.last_connected_at, want.last_connected_at);
}

using testing::StoreErrorOf;

TEST(StoreSqlite, RecordsEveryMigrationOnceAcrossReopens) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  const int latest = Migrations().back().version;
  EXPECT_EQ(OpenSqliteStore(path)->SchemaVersion(), latest);
  EXPECT_EQ(OpenSqliteStore(path)->SchemaVersion(), latest);

  SQLite::Database db(path.string());
  SQLite::Statement rows(db, "SELECT version, applied_at FROM schema_migrations ORDER BY version");
  std::size_t count = 0;
  while (rows.executeStep()) {
    EXPECT_EQ(rows.getColumn(0).getInt(), Migrations()[count].version);
    EXPECT_GT(rows.getColumn(1).getInt64(), 0);
    ++count;
  }
  EXPECT_EQ(count, Migrations().size());
}

TEST(StoreSqlite, DatabaseIsPrivateAndInWalModeInACreatedDirectory) {
  TempDir dir;
  const fs::path path = dir.path() / "nested" / "data" / "tgmux.db";
  auto store = OpenSqliteStore(path);
  SQLite::Database db(path.string());
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 077, 0u) << "group and others must not read the database";
}

TEST(StoreSqlite, DatabaseNewerThanThisBinaryIsRefused) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  OpenSqliteStore(path);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 1)");
  }
  const std::string message = StoreErrorOf([&] { OpenSqliteStore(path); });
  EXPECT_NE(message.find("newer"), std::string::npos) << message;
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
}

TEST(StoreSqlite, NotADatabaseIsAnErrorNamingTheFile) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  std::ofstream(path) << std::string(4096, 'x');
  const std::string message = StoreErrorOf([&] { OpenSqliteStore(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

// What behaves the same on both stores.
class StoreTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  testing::TestDatabase db_{GetParam()};
};

TEST_P(StoreTest, AccountRoundTripsEveryFieldAcrossReopen) {
  const Account account = FullAccount("acc_1");
  db_.Open()->InsertAccount(account);
  auto store = db_.Open();
  const auto found = store->FindAccount("acc_1");
  ASSERT_TRUE(found.has_value());
  ExpectSameAccount(*found, account);
  EXPECT_EQ(store->FindAccount("acc_missing"), std::nullopt);
}

TEST_P(StoreTest, DefaultAccountWithEmptySecretsRoundTrips) {
  auto store = db_.Open();
  Account account;
  account.id = "acc_empty";
  store->InsertAccount(account);
  ExpectSameAccount(*store->FindAccount("acc_empty"), account);
}

TEST_P(StoreTest, DuplicateAccountIdIsRefusedAndTheFirstKept) {
  auto store = db_.Open();
  const Account first = FullAccount("acc_1");
  store->InsertAccount(first);
  Account second = FullAccount("acc_1");
  second.username = "mallory";
  const std::string message = StoreErrorOf([&] { store->InsertAccount(second); });
  EXPECT_NE(message.find("already exists"), std::string::npos) << message;
  ExpectSameAccount(*store->FindAccount("acc_1"), first);
}

TEST_P(StoreTest, UpdateAndDeleteReportWhetherTheAccountExisted) {
  auto store = db_.Open();
  Account account = FullAccount("acc_1");
  store->InsertAccount(account);
  account.status = AccountStatus::kRevoked;
  account.td_key_sealed = std::string("\0new", 4);
  account.updated_at += 100;
  EXPECT_TRUE(store->UpdateAccount(account));
  ExpectSameAccount(*store->FindAccount("acc_1"), account);
  EXPECT_FALSE(store->UpdateAccount(FullAccount("acc_missing")));
  EXPECT_EQ(store->FindAccount("acc_missing"), std::nullopt);

  EXPECT_TRUE(store->DeleteAccount("acc_1"));
  EXPECT_FALSE(store->DeleteAccount("acc_1"));
  EXPECT_EQ(store->FindAccount("acc_1"), std::nullopt);
  EXPECT_TRUE(store->ListAccounts().empty());
}

TEST(StoreSqlite, StatusAndMethodAreStoredByTheirNames) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  Account account = FullAccount("acc_1");
  account.status = AccountStatus::kFloodWait;
  OpenSqliteStore(path)->InsertAccount(account);
  // The names the API shows: databases written before states were typed read the same.
  SQLite::Database db(path.string());
  EXPECT_EQ(db.execAndGet("SELECT status || ' ' || method FROM accounts").getString(), "flood_wait qr");
}

TEST(StoreSqlite, AnUnknownStatusOrMethodInTheDatabaseIsAnErrorNamingTheColumn) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  OpenSqliteStore(path)->InsertAccount(FullAccount("acc_1"));
  for (const char* column : {"status", "method"}) {
    {
      SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
      db.exec("UPDATE accounts SET status = 'active', method = 'qr'");
      db.exec(std::string("UPDATE accounts SET ") + column + " = 'Active'");
    }
    auto store = OpenSqliteStore(path);
    for (const auto& read : std::vector<std::function<void()>>{[&] { store->FindAccount("acc_1"); },
                                                                [&] { store->ListAccounts(); }}) {
      const std::string message = StoreErrorOf(read);
      EXPECT_NE(message.find(std::string("accounts.") + column), std::string::npos) << message;
      EXPECT_NE(message.find("\"Active\""), std::string::npos) << message;
    }
  }
}

TEST_P(StoreTest, ListIsOrderedByCreationThenId) {
  auto store = db_.Open();
  store->InsertAccount(FullAccount("acc_c", 200));
  store->InsertAccount(FullAccount("acc_b", 100));
  store->InsertAccount(FullAccount("acc_a", 200));
  std::vector<std::string> ids;
  for (const Account& a : store->ListAccounts()) ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"acc_b", "acc_a", "acc_c"}));
}

TEST_P(StoreTest, MetaKeepsBinaryValuesAndOverwrites) {
  const std::string binary("\0check\xff\0", 8);
  {
    auto store = db_.Open();
    EXPECT_EQ(store->GetMeta("key_check"), std::nullopt);
    store->SetMeta("key_check", "first");
    store->SetMeta("key_check", binary);
    store->SetMeta("empty", "");
  }
  auto store = db_.Open();
  EXPECT_EQ(store->GetMeta("key_check"), binary);
  EXPECT_EQ(store->GetMeta("empty"), std::string());
}

// Writers on one store (one connection) and on two stores (two connections,
// as two processes would be) must all land.
void WriteConcurrently(Store& a, Store& b) {
  constexpr int kPerThread = 150;
  auto writer = [](Store& store, std::string prefix) {
    for (int i = 0; i < kPerThread; ++i) {
      store.InsertAccount(FullAccount(prefix + std::to_string(i), i));
      store.SetMeta(prefix + std::to_string(i), "v");
    }
  };
  std::thread first(writer, std::ref(a), "acc_a");
  std::thread second(writer, std::ref(b), "acc_b");
  first.join();
  second.join();
  EXPECT_EQ(a.ListAccounts().size(), 2u * kPerThread);
  EXPECT_EQ(b.GetMeta("acc_a149"), "v");
  EXPECT_EQ(a.GetMeta("acc_b149"), "v");
}

TEST_P(StoreTest, TwoThreadsOnOneStoreLoseNothing) {
  auto store = db_.Open();
  WriteConcurrently(*store, *store);
}

TEST_P(StoreTest, TwoConnectionsWritingAtOnceLoseNothing) {
  auto one = db_.Open();
  auto two = db_.Open();
  WriteConcurrently(*one, *two);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, testing::kBothStores, testing::StoreKindName);

TEST(StorePeek, MissingFileGivesNothingAndCreatesNothing) {
  TempDir dir;
  EXPECT_EQ(PeekSqliteMeta(dir.path() / "data" / "tgmux.db", "key_check"), std::nullopt);
  EXPECT_EQ(PeekSqliteMeta(dir.path() / "tgmux.db", "key_check"), std::nullopt);
  EXPECT_TRUE(Listing(dir.path()).empty());
}

TEST(StorePeek, ReadsAValueWithoutChangingAnything) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  const std::string binary("\0check\xff", 7);
  OpenSqliteStore(path)->SetMeta("key_check", binary);
  const auto listing = Listing(dir.path());
  const std::string bytes = ReadFile(path);

  EXPECT_EQ(PeekSqliteMeta(path, "key_check"), binary);
  EXPECT_EQ(PeekSqliteMeta(path, "other"), std::nullopt);
  EXPECT_EQ(Listing(dir.path()), listing);
  EXPECT_EQ(ReadFile(path), bytes);
}

TEST(StorePeek, SeesWhatAnOpenStoreWrote) {
  TempDir dir;
  const fs::path path = dir.path() / "tgmux.db";
  auto store = OpenSqliteStore(path);
  store->SetMeta("key_check", "v1");
  EXPECT_EQ(PeekSqliteMeta(path, "key_check"), "v1");
  store->SetMeta("key_check", "v2");
  EXPECT_EQ(PeekSqliteMeta(path, "key_check"), "v2");
}

TEST(StorePeek, DatabaseWithoutMetaGivesNothing) {
  TempDir dir;
  const fs::path path = dir.path() / "empty.db";
  std::ofstream{path};
  EXPECT_EQ(PeekSqliteMeta(path, "key_check"), std::nullopt);
  EXPECT_EQ(ReadFile(path), "");
}

}  // namespace
}  // namespace tgmux::store
