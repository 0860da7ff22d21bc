// The app-user tables of the SQLite store: tenants and users, refresh-token
// rotation, API keys, invites, the audit log.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

class SqliteAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenSqliteStore(dir_.path() / "t.db");
    ASSERT_TRUE(store_->InsertTenantWithOwner({"ten_a", "A", 1}, User{"usr_a", "ten_a", "a@x.test", "$h", "owner", 1}));
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteAuthTest, UsersAreUniqueByEmailAndATenantIsWrittenWithItsOwner) {
  EXPECT_EQ(store_->CountUsers(), 1);
  EXPECT_FALSE(store_->InsertUser(User{"usr_b", "ten_a", "a@x.test", "$h", "admin", 2}));
  // A failed tenant+owner leaves neither row behind.
  EXPECT_FALSE(store_->InsertTenantWithOwner({"ten_b", "B", 2}, User{"usr_c", "ten_b", "a@x.test", "$h", "owner", 2}));
  EXPECT_TRUE(store_->InsertTenantWithOwner({"ten_b", "B", 2}, User{"usr_c", "ten_b", "c@x.test", "$h", "owner", 2}));
  EXPECT_TRUE(store_->InsertUser(User{"usr_d", "ten_a", "d@x.test", "$h", "operator", 3}));
  EXPECT_EQ(store_->FindUserByEmail("d@x.test")->id, "usr_d");
  EXPECT_EQ(store_->FindUser("usr_c")->tenant_id, "ten_b");
  EXPECT_EQ(store_->ListUsers("ten_a").size(), 2u);
  EXPECT_FALSE(store_->FindUser("usr_zz"));
}

TEST_F(SqliteAuthTest, ARefreshTokenIsUsedOnceAndItsFamilyRevokedTogether) {
  store_->InsertRefreshToken(RefreshToken{"d1", "fam_1", "usr_a", 1, 100, 0, 0});
  store_->InsertRefreshToken(RefreshToken{"d2", "fam_1", "usr_a", 2, 100, 0, 0});
  store_->InsertRefreshToken(RefreshToken{"d3", "fam_2", "usr_a", 2, 100, 0, 0});
  EXPECT_TRUE(store_->MarkRefreshTokenUsed("d1", 5));
  EXPECT_FALSE(store_->MarkRefreshTokenUsed("d1", 6));
  EXPECT_EQ(store_->FindRefreshToken("d1")->used_at, 5);
  store_->RevokeRefreshFamily("fam_1", 7);
  EXPECT_EQ(store_->FindRefreshToken("d2")->revoked_at, 7);
  EXPECT_EQ(store_->FindRefreshToken("d3")->revoked_at, 0);
}

TEST_F(SqliteAuthTest, ApiKeysAreRevokedOnlyInTheirTenant) {
  store_->InsertApiKey(ApiKey{"key_1", "ten_a", "crm", "operator", "dk1", "usr_a", 1, 0});
  EXPECT_EQ(store_->FindApiKeyByDigest("dk1")->id, "key_1");
  EXPECT_FALSE(store_->RevokeApiKey("ten_b", "key_1", 5));
  EXPECT_TRUE(store_->RevokeApiKey("ten_a", "key_1", 5));
  EXPECT_FALSE(store_->RevokeApiKey("ten_a", "key_1", 6));
  EXPECT_EQ(store_->FindApiKeyByDigest("dk1")->revoked_at, 5);
  EXPECT_EQ(store_->ListApiKeys("ten_a").size(), 1u);
  EXPECT_TRUE(store_->ListApiKeys("ten_b").empty());
}

TEST_F(SqliteAuthTest, InvitesAreUsedOnce) {
  store_->InsertInvite(Invite{"di", "inv_1", "ten_a", "m@x.test", "operator", "usr_a", 1, 100, 0});
  EXPECT_TRUE(store_->UseInvite("di", 3));
  EXPECT_FALSE(store_->UseInvite("di", 4));
  EXPECT_EQ(store_->FindInvite("di")->used_at, 3);
  EXPECT_EQ(store_->ListInvites("ten_a").size(), 1u);
}

TEST_F(SqliteAuthTest, AuditIsNewestFirstPerTenantWithACursor) {
  for (int i = 0; i < 5; ++i) store_->AppendAudit(AuditEntry{0, "ten_a", i, "e" + std::to_string(i), "usr_a", "", "{}"});
  store_->AppendAudit(AuditEntry{0, "ten_b", 9, "other", "usr_c", "", "{}"});
  auto page = store_->ListAudit("ten_a", 0, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].event, "e4");
  auto rest = store_->ListAudit("ten_a", page.back().seq, 10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[1].event, "e0");
}

}  // namespace
}  // namespace tgmux::store
