#include "service/events/webhook_url.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

TEST(WebhookUrlTest, ReadsHostPortAndTarget) {
  auto url = ParseWebhookUrl("https://hooks.example.com/in?team=7#ignored");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "hooks.example.com");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->target, "/in?team=7");

  url = ParseWebhookUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->target, "/");

  url = ParseWebhookUrl("http://[::1]:9000/hook");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "9000");

  url = ParseWebhookUrl("http://crm.internal?x=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "crm.internal");
  EXPECT_EQ(url->target, "/?x=1");

  // Leading zeros are allowed in a port and dropped.
  url = ParseWebhookUrl("http://127.0.0.1:0000080/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, "80");
}

TEST(WebhookUrlTest, RefusesWhatCouldNotBeAHostOrWouldReachTheRequestLine) {
  for (const char* bad : {"ftp://example.com/", "example.com/hook", "http://", "http:///path",
                          "http://user:pw@example.com/", "http://exa mple.com/", "http://example.com/a b",
                          "http://example.com/\r\nX-Injected: 1", "http://example.com:0/", "http://example.com:65536/",
                          "http://example.com:/", "http://example.com:+80/", "http://example.com:-1/", "http://example.com:000065536/", "http://[::1/", "http://[::1]x/",
                          "http://[not-v6]/", "http://[fe80::1%25eth0]/", "http://[::ff%eth0]/", "http://host\"name/"}) {
    EXPECT_FALSE(ParseWebhookUrl(bad)) << bad;
  }
  EXPECT_FALSE(ParseWebhookUrl(std::string("http://example.com\0.evil/", 25)));
}

}  // namespace
}  // namespace tgmux::service
