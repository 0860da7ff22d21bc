#include "service/accounts/phone_digests.h"

#include <gtest/gtest.h>

#include "service/infrastructure.h"
#include "tests/support/process.h"

namespace tgmux::service {
namespace {

using testing::TempDir;

TEST(PhoneDigestsTest, OneKeyPerInstallationKeptWrappedAcrossRestarts) {
  TempDir dir;
  crypto::Envelope envelope(crypto::SecretKey::Random());
  auto store = store::OpenSqliteStore(dir.path() / "tgmux.db");
  std::string first = PhoneDigests(*store, envelope).OfReported("380671234567");
  auto wrapped = store->GetMeta(kPhoneDigestKeyName);
  ASSERT_TRUE(wrapped.has_value());
  // A second start (or a second process) uses the stored key, not a new one.
  EXPECT_EQ(PhoneDigests(*store, envelope).OfReported("380671234567"), first);
  EXPECT_EQ(store->GetMeta(kPhoneDigestKeyName), wrapped);
  // Another installation's key gives other digests.
  TempDir other;
  auto other_store = store::OpenSqliteStore(other.path() / "tgmux.db");
  EXPECT_NE(PhoneDigests(*other_store, envelope).OfReported("380671234567"), first);
}

TEST(PhoneDigestsTest, EveryWayOfTypingANumberGivesTelegramsDigest) {
  TempDir dir;
  crypto::Envelope envelope(crypto::SecretKey::Random());
  auto store = store::OpenSqliteStore(dir.path() / "tgmux.db");
  PhoneDigests digests(*store, envelope);
  std::string reported = digests.OfReported("380671234567");
  ASSERT_EQ(reported.size(), 64u);
  for (const char* typed : {"+380 67 123 4567", "380671234567", "00380671234567", "+380 (67) 123-45-67"}) {
    EXPECT_EQ(digests.OfTyped(typed), reported) << typed;
  }
  EXPECT_EQ(digests.OfReported("+380671234567"), reported);
  EXPECT_NE(digests.OfTyped("+380671234568"), reported);
  EXPECT_EQ(digests.OfTyped("call me"), std::nullopt);
  EXPECT_EQ(digests.OfReported(""), "");
}

TEST(PhoneDigestsTest, AKeyWrappedByAnotherMasterKeyIsAStartupError) {
  TempDir dir;
  auto store = store::OpenSqliteStore(dir.path() / "tgmux.db");
  PhoneDigests(*store, crypto::Envelope(crypto::SecretKey::Random()));
  EXPECT_THROW(PhoneDigests(*store, crypto::Envelope(crypto::SecretKey::Random())), StartupError);
}

}  // namespace
}  // namespace tgmux::service
