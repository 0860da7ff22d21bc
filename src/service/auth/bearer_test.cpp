#include "service/auth/bearer.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tgmux::service {
namespace {

TEST(BearerTest, TellsApiKeysFromAccessTokens) {
  auto key = ParseBearer("Bearer tgk_abc");
  EXPECT_EQ(key.kind, BearerCredential::Kind::kApiKey);
  EXPECT_EQ(key.token, "tgk_abc");
  auto jwt = ParseBearer("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x");
  EXPECT_EQ(jwt.kind, BearerCredential::Kind::kAccessToken);
  EXPECT_EQ(jwt.token, "eyJhbGciOiJIUzI1NiJ9.e30.x");
}

TEST(BearerTest, RefusesAnythingButBearerAndAToken) {
  for (const char* header : {"", "Bearer", "Bearer ", "bearer tgk_abc", "Basic dXNlcjpwYXNz", "tgk_abc"}) {
    try {
      ParseBearer(header);
      ADD_FAILURE() << "accepted \"" << header << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthorized) << header;
    }
  }
}

}  // namespace
}  // namespace tgmux::service
