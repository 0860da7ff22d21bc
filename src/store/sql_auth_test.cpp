// The app-user tables of the store (both kinds): tenants and users, refresh-token
// rotation, API keys, invites, the audit log.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

class AuthTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    store_ = db_.Open();
    ASSERT_TRUE(store_->InsertTenantWithOwner({"ten_a", "A", 1}, User{"usr_a", "ten_a", "a@x.test", "$h", "owner", 1}));
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(AuthTest, UsersAreUniqueByEmailAndATenantIsWrittenWithItsOwner) {
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

TEST_P(AuthTest, ARefreshTokenIsUsedOnceAndItsFamilyRevokedTogether) {
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

TEST_P(AuthTest, ApiKeysAreRevokedOnlyInTheirTenant) {
  store_->InsertApiKey(ApiKey{"key_1", "ten_a", "crm", "operator", "dk1", "usr_a", 1, 0});
  EXPECT_EQ(store_->FindApiKeyByDigest("dk1")->id, "key_1");
  EXPECT_FALSE(store_->RevokeApiKey("ten_b", "key_1", 5));
  EXPECT_TRUE(store_->RevokeApiKey("ten_a", "key_1", 5));
  EXPECT_FALSE(store_->RevokeApiKey("ten_a", "key_1", 6));
  EXPECT_EQ(store_->FindApiKeyByDigest("dk1")->revoked_at, 5);
  EXPECT_EQ(store_->ListApiKeys("ten_a").size(), 1u);
  EXPECT_TRUE(store_->ListApiKeys("ten_b").empty());
}

TEST_P(AuthTest, InvitesAreUsedOnce) {
  store_->InsertInvite(Invite{"di", "inv_1", "ten_a", "m@x.test", "operator", "usr_a", 1, 100, 0});
  EXPECT_TRUE(store_->UseInvite("di", 3));
  EXPECT_FALSE(store_->UseInvite("di", 4));
  EXPECT_EQ(store_->FindInvite("di")->used_at, 3);
  EXPECT_EQ(store_->ListInvites("ten_a").size(), 1u);
}

TEST_P(AuthTest, ARoleChangesOnlyFromTheRoleCheckedAndNeverTakesTheLastOwner) {
  ASSERT_TRUE(store_->InsertUser(User{"usr_b", "ten_a", "b@x.test", "$h", "admin", 2}));
  EXPECT_EQ(store_->SetUserRole("ten_b", "usr_b", "admin", "operator"), MemberChange::kNotFound);
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_zz", "admin", "operator"), MemberChange::kNotFound);
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_b", "operator", "admin"), MemberChange::kRoleChanged);
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_a", "owner", "admin"), MemberChange::kLastOwner);
  EXPECT_EQ(store_->FindUser("usr_a")->role, "owner");
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_b", "admin", "owner"), MemberChange::kDone);
  // Two owners now: either may step down, but not both.
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_a", "owner", "operator"), MemberChange::kDone);
  EXPECT_EQ(store_->SetUserRole("ten_a", "usr_b", "owner", "admin"), MemberChange::kLastOwner);
  EXPECT_EQ(store_->FindUser("usr_a")->role, "operator");
  EXPECT_EQ(store_->FindUser("usr_b")->role, "owner");
}

TEST_P(AuthTest, DeletingAUserRevokesTheirRefreshTokensAndTheKeysTheyMade) {
  ASSERT_TRUE(store_->InsertUser(User{"usr_b", "ten_a", "b@x.test", "$h", "admin", 2}));
  store_->InsertRefreshToken(RefreshToken{"rb", "fam_b", "usr_b", 1, 100, 0, 0});
  store_->InsertRefreshToken(RefreshToken{"ra", "fam_a", "usr_a", 1, 100, 0, 0});
  store_->InsertApiKey(ApiKey{"key_b", "ten_a", "b", "admin", "dkb", "usr_b", 1, 0});
  store_->InsertApiKey(ApiKey{"key_bb", "ten_a", "made by b's key", "operator", "dkbb", "key_b", 2, 0});
  store_->InsertApiKey(ApiKey{"key_a", "ten_a", "a", "admin", "dka", "usr_a", 1, 0});
  EXPECT_EQ(store_->DeleteUser("ten_b", "usr_b", "admin", 5), MemberChange::kNotFound);
  EXPECT_EQ(store_->DeleteUser("ten_a", "usr_b", "operator", 5), MemberChange::kRoleChanged);
  EXPECT_EQ(store_->DeleteUser("ten_a", "usr_a", "owner", 5), MemberChange::kLastOwner);
  EXPECT_EQ(store_->FindRefreshToken("rb")->revoked_at, 0);  // refusals change nothing
  EXPECT_EQ(store_->FindApiKeyByDigest("dkb")->revoked_at, 0);

  EXPECT_EQ(store_->DeleteUser("ten_a", "usr_b", "admin", 6), MemberChange::kDone);
  EXPECT_FALSE(store_->FindUser("usr_b"));
  EXPECT_EQ(store_->FindRefreshToken("rb")->revoked_at, 6);
  EXPECT_EQ(store_->FindApiKeyByDigest("dkb")->revoked_at, 6);
  EXPECT_EQ(store_->FindApiKeyByDigest("dkbb")->revoked_at, 6);
  EXPECT_EQ(store_->FindRefreshToken("ra")->revoked_at, 0);
  EXPECT_EQ(store_->FindApiKeyByDigest("dka")->revoked_at, 0);
  EXPECT_EQ(store_->DeleteUser("ten_a", "usr_b", "admin", 7), MemberChange::kNotFound);
  // The email is free again: the person can be invited back.
  EXPECT_TRUE(store_->InsertUser(User{"usr_b2", "ten_a", "b@x.test", "$h", "operator", 8}));
}

TEST_P(AuthTest, ApiKeyRolesChangeForTheKeysAUserAndTheirKeysMade) {
  store_->InsertApiKey(ApiKey{"key_1", "ten_a", "k1", "admin", "dk1", "usr_b", 1, 0});
  store_->InsertApiKey(ApiKey{"key_2", "ten_a", "k2", "admin", "dk2", "key_1", 2, 0});
  store_->InsertApiKey(ApiKey{"key_3", "ten_a", "k3", "operator", "dk3", "usr_b", 3, 0});
  store_->InsertApiKey(ApiKey{"key_4", "ten_a", "k4", "admin", "dk4", "usr_a", 4, 0});
  store_->InsertApiKey(ApiKey{"key_5", "ten_b", "k5", "admin", "dk5", "usr_b", 5, 0});
  EXPECT_EQ(store_->ChangeApiKeyRoles("ten_a", "usr_b", "admin", "operator"), 2);
  EXPECT_EQ(store_->FindApiKeyByDigest("dk1")->role, "operator");
  EXPECT_EQ(store_->FindApiKeyByDigest("dk2")->role, "operator");
  EXPECT_EQ(store_->FindApiKeyByDigest("dk4")->role, "admin");
  EXPECT_EQ(store_->FindApiKeyByDigest("dk5")->role, "admin");
  EXPECT_EQ(store_->ChangeApiKeyRoles("ten_a", "usr_b", "admin", "operator"), 0);
}

TEST_P(AuthTest, AuditIsNewestFirstPerTenantWithACursor) {
  for (int i = 0; i < 5; ++i) store_->AppendAudit(AuditEntry{0, "ten_a", i, "e" + std::to_string(i), "usr_a", "", "{}"});
  store_->AppendAudit(AuditEntry{0, "ten_b", 9, "other", "usr_c", "", "{}"});
  auto page = store_->ListAudit("ten_a", 0, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].event, "e4");
  auto rest = store_->ListAudit("ten_a", page.back().seq, 10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[1].event, "e0");
}

INSTANTIATE_TEST_SUITE_P(Stores, AuthTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
