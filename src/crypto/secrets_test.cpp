#include "crypto/secrets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "crypto/jwt.h"
#include "crypto/random_id.h"

namespace tgmux::crypto {
namespace {

constexpr PasswordCost kFast{1, 1024};

TEST(PasswordsTest, Argon2idHashVerifiesOnlyTheSamePassword) {
  auto hash = HashPassword("correct horse battery", kFast);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse batterz"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery"));
  EXPECT_NE(HashPassword("correct horse battery", kFast), hash);  // salted
}

TEST(TokensTest, RandomTokensAreUniqueAndTheirDigestIsStable) {
  auto a = RandomToken("rt"), b = RandomToken("rt");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("rt_", 0), 0u);
  EXPECT_EQ(a.size(), 3u + 43u);
  EXPECT_EQ(TokenDigest(a), TokenDigest(a));
  EXPECT_NE(TokenDigest(a), TokenDigest(b));
  EXPECT_EQ(TokenDigest(a).size(), 64u);
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(IdsTest, RandomAndSortableIdsHaveOneShapeAndSortableOnesSortByTime) {
  auto lower_hex = [](const std::string& id) {
    return std::all_of(id.begin() + 4, id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  auto random = RandomId("acc"), sortable = SortableId("evt");
  EXPECT_EQ(random.size(), 4u + 24u);
  EXPECT_EQ(sortable.size(), random.size());
  EXPECT_EQ(sortable.rfind("evt_", 0), 0u);
  EXPECT_TRUE(lower_hex(random) && lower_hex(sortable)) << random << " " << sortable;
  // A millisecond apart, in order; within one millisecond, still unique.
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(SortableId("msg"));
    auto made = ids.back().substr(4, 10);
    while (SortableId("msg").substr(4, 10) == made) std::this_thread::yield();  // the next millisecond
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << ids[0] << " " << ids[1] << " " << ids[2];
  EXPECT_NE(SortableId("msg"), SortableId("msg"));
}

TEST(JwtTest, SignedTokenVerifiesUntilItExpires) {
  auto key = SecretKey::Random();
  AccessClaims claims{"usr_1", "ten_1", "admin", "jti_1", 1000, 1900};
  auto token = SignAccessToken(key, claims);
  auto verified = VerifyAccessToken(key, token, 1899);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->subject, "usr_1");
  EXPECT_EQ(verified->tenant, "ten_1");
  EXPECT_EQ(verified->role, "admin");
  EXPECT_EQ(verified->token_id, "jti_1");
  EXPECT_EQ(verified->issued_at, 1000);
  EXPECT_FALSE(VerifyAccessToken(key, token, 1900));
  EXPECT_FALSE(VerifyAccessToken(SecretKey::Random(), token, 1000));
  EXPECT_FALSE(VerifyAccessToken(key, token + "x", 1000));
  EXPECT_FALSE(VerifyAccessToken(key, "garbage", 1000));
}

TEST(JwtTest, UnsignedTokensAreRefused) {
  // {"alg":"none","typ":"JWT"}.{"sub":"usr_1","tenant":"t","role":"owner","jti":"j","exp":9999999999}.
  std::string none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
      "eyJzdWIiOiJ1c3JfMSIsInRlbmFudCI6InQiLCJyb2xlIjoib3duZXIiLCJqdGkiOiJqIiwiZXhwIjo5OTk5OTk5OTk5fQ.";
  EXPECT_FALSE(VerifyAccessToken(SecretKey::Random(), none, 1000));
}

// Known answers (RFC 4231-style vector from Wikipedia's HMAC page, and one in
// the webhook signature's "<t>.<body>" form, both computed with Python's hmac).
TEST(HmacTest, Sha256HexMatchesKnownAnswers) {
  EXPECT_EQ(HmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(HmacSha256Hex("whsec_test", "1700000000.{\"seq\":1}"),
            "926c3c48823e4dc937cdb0992313bcbbc472579d779ab54f0d4e09e4049838aa");
}

// A known answer (Python's hmac, key bytes 0..31) and the properties lookups need:
// one digest per number and key, none that shows the number.
TEST(PhoneDigestTest, KeyedDigestOfTheE164Number) {
  std::string raw;
  for (int i = 0; i < 32; ++i) raw += static_cast<char>(i);
  auto key = SecretKey::FromBytes(raw);
  EXPECT_EQ(PhoneDigest(key, "+380671234567"), "4ad7b322ba278be48290db77dcd7663fcebdf4815cb09d5638f12bee40277b51");
  EXPECT_EQ(PhoneDigest(key, "+380671234567"), PhoneDigest(key, "+380671234567"));
  EXPECT_NE(PhoneDigest(key, "+380671234567"), PhoneDigest(key, "+380671234568"));
  EXPECT_NE(PhoneDigest(SecretKey::Random(), "+380671234567"), PhoneDigest(key, "+380671234567"));
  EXPECT_EQ(PhoneDigest(key, "+380671234567").find("380671234567"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::crypto
