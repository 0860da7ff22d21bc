// The accounts table's lookups: per tenant, by phone digest, by Telegram user,
// and what migration 6 does to accounts linked before it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "store/migrations.h"
#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

const std::string kDigestA(64, 'a');
const std::string kDigestB(64, 'b');

Account Row(std::string id, std::string tenant, std::string digest, std::int64_t user_id, std::int64_t created_at) {
  Account a;
  a.id = std::move(id);
  a.tenant_id = std::move(tenant);
  a.status = AccountStatus::kActive;
  a.method = LoginMethod::kPhone;
  a.phone_digest = std::move(digest);
  a.telegram_user_id = user_id;
  a.created_at = a.updated_at = created_at;
  return a;
}

std::vector<std::string> Ids(const std::vector<Account>& accounts) {
  std::vector<std::string> ids;
  for (const auto& a : accounts) ids.push_back(a.id);
  return ids;
}

class AccountLookups : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    store_ = db_.Open();
    store_->InsertAccount(Row("acc_new", "t1", kDigestA, 7, 300));
    store_->InsertAccount(Row("acc_old", "t1", kDigestA, 7, 100));
    store_->InsertAccount(Row("acc_other", "t1", kDigestB, 8, 200));
    store_->InsertAccount(Row("acc_unknown", "t1", "", 9, 250));
    store_->InsertAccount(Row("acc_t2", "t2", kDigestA, 7, 150));
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(AccountLookups, ByPhoneDigestWithinOneTenantOldestFirst) {
  EXPECT_EQ(Ids(store_->FindAccountsByPhoneDigest("t1", kDigestA)), (std::vector<std::string>{"acc_old", "acc_new"}));
  EXPECT_EQ(Ids(store_->FindAccountsByPhoneDigest("t2", kDigestA)), (std::vector<std::string>{"acc_t2"}));
  EXPECT_TRUE(store_->FindAccountsByPhoneDigest("t2", kDigestB).empty());
  EXPECT_TRUE(store_->FindAccountsByPhoneDigest("t3", kDigestA).empty());
  // An unknown digest is no number: it matches nothing, not the accounts without one.
  EXPECT_TRUE(store_->FindAccountsByPhoneDigest("t1", "").empty());
}

// Migration 16: labels the caller gives; an external_id is unique within its tenant only.
TEST_P(AccountLookups, ProjectAndExternalIdsAreKeptAndExternalIdsUniquePerTenant) {
  auto a = *store_->FindAccount("acc_new");
  a.project_id = "proj-1";
  a.external_id = "user123";
  ASSERT_TRUE(store_->UpdateAccount(a));
  auto read = store_->FindAccount("acc_new");
  EXPECT_EQ(read->project_id, "proj-1");
  EXPECT_EQ(read->external_id, "user123");
  EXPECT_EQ(store_->FindAccountByExternalId("t1", "user123")->id, "acc_new");
  EXPECT_FALSE(store_->FindAccountByExternalId("t2", "user123"));
  EXPECT_FALSE(store_->FindAccountByExternalId("t1", ""));

  auto other = *store_->FindAccount("acc_old");
  other.external_id = "user123";
  try {
    store_->UpdateAccount(other);
    FAIL() << "a second account of the tenant took the same external_id";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(store_->FindAccount("acc_old")->external_id, "");
  // Another tenant may use the same key; and empty ids never collide.
  auto t2 = *store_->FindAccount("acc_t2");
  t2.external_id = "user123";
  EXPECT_TRUE(store_->UpdateAccount(t2));
  other.external_id = "";
  other.project_id = "proj-1";
  EXPECT_TRUE(store_->UpdateAccount(other));
}

TEST_P(AccountLookups, ByTelegramUserWithinOneTenant) {
  EXPECT_EQ(Ids(store_->FindAccountsByTelegramUser("t1", 7)), (std::vector<std::string>{"acc_old", "acc_new"}));
  EXPECT_EQ(Ids(store_->FindAccountsByTelegramUser("t2", 7)), (std::vector<std::string>{"acc_t2"}));
  EXPECT_TRUE(store_->FindAccountsByTelegramUser("t2", 8).empty());
}

TEST_P(AccountLookups, ListOfOneTenantIsOrderedByCreation) {
  EXPECT_EQ(Ids(store_->ListAccounts("t1")),
            (std::vector<std::string>{"acc_old", "acc_other", "acc_unknown", "acc_new"}));
  EXPECT_EQ(Ids(store_->ListAccounts("t2")), (std::vector<std::string>{"acc_t2"}));
  EXPECT_EQ(store_->ListAccounts().size(), 5u);
}

TEST_P(AccountLookups, UpdateKeepsTheDigestAndOnlySetPhoneDigestChangesIt) {
  // A row read before the digest was set must not erase it when written back.
  Account stale = *store_->FindAccount("acc_unknown");
  EXPECT_TRUE(store_->SetAccountPhoneDigest("acc_unknown", kDigestB));
  stale.status = AccountStatus::kDisabled;
  EXPECT_TRUE(store_->UpdateAccount(stale));
  auto row = store_->FindAccount("acc_unknown");
  EXPECT_EQ(row->status, AccountStatus::kDisabled);
  EXPECT_EQ(row->phone_digest, kDigestB);
  EXPECT_EQ(Ids(store_->FindAccountsByPhoneDigest("t1", kDigestB)),
            (std::vector<std::string>{"acc_other", "acc_unknown"}));
  EXPECT_FALSE(store_->SetAccountPhoneDigest("acc_missing", kDigestB));
}

TEST_P(AccountLookups, InsertMetaIfAbsentKeepsTheFirstValue) {
  auto one = db_.Open();
  auto two = db_.Open();
  EXPECT_TRUE(one->InsertMetaIfAbsent("phone_digest_key", std::string("first\0", 6)));
  EXPECT_FALSE(two->InsertMetaIfAbsent("phone_digest_key", "second"));
  EXPECT_EQ(two->GetMeta("phone_digest_key"), std::string("first\0", 6));
}

TEST(StoreMigrations, AccountsLinkedBeforeDigestsKeepTheirRowsWithoutOne) {
  TempDir dir;
  const auto path = dir.path() / "tgmux.db";
  {
    // A database as the version before digests left it.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const auto& m : Migrations()) {
      if (m.version > 5) break;
      db.exec(std::string(m.sql));
      db.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 0)");
    }
    db.exec("INSERT INTO accounts (id, tenant_id, status, method, telegram_user_id, phone_sealed, "
            "wrapped_data_key, td_key_sealed, created_at, updated_at) "
            "VALUES ('acc_before', 't1', 'active', 'phone', 42, x'01', x'02', x'03', 1, 1)");
  }
  auto store = OpenSqliteStore(path);
  EXPECT_GE(store->SchemaVersion(), 6);
  auto row = store->FindAccount("acc_before");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->phone_digest, "");
  EXPECT_EQ(row->phone_sealed, "\x01");
  EXPECT_EQ(Ids(store->FindAccountsByTelegramUser("t1", 42)), (std::vector<std::string>{"acc_before"}));
  EXPECT_TRUE(store->SetAccountPhoneDigest("acc_before", kDigestA));
  EXPECT_EQ(Ids(store->FindAccountsByPhoneDigest("t1", kDigestA)), (std::vector<std::string>{"acc_before"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, AccountLookups, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
