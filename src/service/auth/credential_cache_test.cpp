#include "service/auth/credential_cache.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

const Principal kKey{Principal::Kind::kApiKey, "key_1", "ten_1", Role::kAdmin, ""};

TEST(CredentialCacheTest, AnswersWhatWasFilledUntilItExpires) {
  CredentialCache cache;
  cache.Put("digest", kKey, 100, cache.Generation());
  auto found = cache.Find("digest", 99);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "key_1");
  EXPECT_EQ(found->role, Role::kAdmin);
  EXPECT_FALSE(cache.Find("digest", 100)) << "expired";
  EXPECT_FALSE(cache.Find("other", 0));
}

TEST(CredentialCacheTest, InvalidateEndsEverythingCachedAtOnce) {
  CredentialCache cache;
  cache.Put("digest", kKey, 0, cache.Generation());
  ASSERT_TRUE(cache.Find("digest", 0));
  cache.Invalidate();
  EXPECT_FALSE(cache.Find("digest", 0));
}

TEST(CredentialCacheTest, AFillThatRacedARevocationIsNotKept) {
  CredentialCache cache;
  auto before_store_read = cache.Generation();
  cache.Invalidate();  // the credential is revoked while the store is being read
  cache.Put("digest", kKey, 0, before_store_read);
  EXPECT_FALSE(cache.Find("digest", 0));
}

}  // namespace
}  // namespace tgmux::service
