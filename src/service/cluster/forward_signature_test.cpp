// A forwarded request's signature: accepted once when made with the cluster
// key for exactly this request within 30 s; refused when replayed, stale,
// from the future, for another target or body, or under another key.
#include "service/cluster/forward_signature.h"

#include <gtest/gtest.h>

namespace tgmux::service::cluster {
namespace {

TEST(ForwardSignature, OnlyTheSignedRequestPassesAndOnlyOnce) {
  const auto key = crypto::SecretKey::Random();
  const std::string nonce = "n_0123456789abcdef";
  const auto header = SignForward(key, 1000, nonce, "POST", "/v1/accounts/acc_1/chats/5/read", "{}");
  ForwardVerifier verifier;
  EXPECT_FALSE(verifier.Verify(key, header, 1000, "POST", "/v1/accounts/acc_2/chats/5/read", "{}"));
  EXPECT_FALSE(verifier.Verify(key, header, 1000, "POST", "/v1/accounts/acc_1/chats/5/read", "{\"x\":1}"));
  EXPECT_FALSE(verifier.Verify(key, header, 1000, "GET", "/v1/accounts/acc_1/chats/5/read", "{}"));
  EXPECT_FALSE(verifier.Verify(crypto::SecretKey::Random(), header, 1000, "POST", "/v1/accounts/acc_1/chats/5/read",
                               "{}"));
  EXPECT_FALSE(verifier.Verify(key, header, 1031, "POST", "/v1/accounts/acc_1/chats/5/read", "{}")) << "stale";
  EXPECT_FALSE(verifier.Verify(key, header, 969, "POST", "/v1/accounts/acc_1/chats/5/read", "{}")) << "ahead";
  EXPECT_TRUE(verifier.Verify(key, header, 1010, "POST", "/v1/accounts/acc_1/chats/5/read", "{}"));
  EXPECT_FALSE(verifier.Verify(key, header, 1011, "POST", "/v1/accounts/acc_1/chats/5/read", "{}")) << "replayed";
  EXPECT_FALSE(verifier.Verify(key, "", 1000, "POST", "/", "")) << "unsigned";
  EXPECT_FALSE(verifier.Verify(key, "t=1000,n=short,v1=00", 1000, "POST", "/", ""));
}

}  // namespace
}  // namespace tgmux::service::cluster
