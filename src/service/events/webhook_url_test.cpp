#include "service/events/webhook_url.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

TEST(WebhookUrlTest, ReadsHostPortAndTarget) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    const char* port;
    const char* target;
  };
  for (const Case& c : {
           Case{"https://hooks.example.com/in?team=7#ignored", true, "hooks.example.com", "443", "/in?team=7"},
           Case{"http://127.0.0.1:8080", false, "127.0.0.1", "8080", "/"},
           Case{"http://[::1]:9000/hook", false, "::1", "9000", "/hook"},
           Case{"http://crm.internal?x=1", false, "crm.internal", "80", "/?x=1"},
           Case{"http://127.0.0.1:0000080/x", false, "127.0.0.1", "80", "/x"},  // leading zeros are dropped
       }) {
    auto url = ParseWebhookUrl(c.url);
    ASSERT_TRUE(url) << c.url;
    EXPECT_EQ(url->tls, c.tls) << c.url;
    EXPECT_EQ(url->host, c.host) << c.url;
    EXPECT_EQ(url->port, c.port) << c.url;
    EXPECT_EQ(url->target, c.target) << c.url;
  }
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
