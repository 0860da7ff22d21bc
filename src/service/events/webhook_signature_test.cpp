#include "service/events/webhook_signature.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

// The values a receiver computes with any HMAC-SHA256 (here: Python's hmac module).
TEST(WebhookSignatureTest, SignsTheTimestampDotBodyWithTheSecret) {
  EXPECT_EQ(WebhookSignature("whsec_abc", 1700000000, R"({"seq":1})"),
            "t=1700000000,v1=8849d11f00ecb77d92f25e53777b7d251f24ccc24a3e15674be8d6b61bf6b65f");
  EXPECT_EQ(WebhookSignature("", 0, ""), "t=0,v1=b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3");
}

}  // namespace
}  // namespace tgmux::service
