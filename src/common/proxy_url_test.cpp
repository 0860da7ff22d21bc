#include "common/proxy_url.h"

#include <gtest/gtest.h>

namespace tgmux {
namespace {

TEST(ProxyUrl, ReadsTheThreeKindsAndWritesThemBack) {
  auto socks = ParseProxyUrl("socks5://ann:p%40ss@proxy.example:1080").proxy.value();
  EXPECT_EQ(socks.kind, ProxyKind::kSocks5);
  EXPECT_EQ(socks.host, "proxy.example");
  EXPECT_EQ(socks.port, 1080);
  EXPECT_EQ(socks.username, "ann");
  EXPECT_EQ(socks.password, "p@ss");
  EXPECT_EQ(ParseProxyUrl(socks.ToString()).proxy.value(), socks);
  EXPECT_EQ(socks.Masked(), "socks5://ann:***@proxy.example:1080");

  auto http = ParseProxyUrl("http://[2001:db8::1]:3128").proxy.value();
  EXPECT_EQ(http.kind, ProxyKind::kHttp);
  EXPECT_EQ(http.host, "2001:db8::1");
  EXPECT_EQ(http.Masked(), "http://[2001:db8::1]:3128");

  const std::string secret = "ee0123456789abcdef0123456789abcdef";
  auto mtproto = ParseProxyUrl("mtproto://" + secret + "@10.1.2.3:443").proxy.value();
  EXPECT_EQ(mtproto.secret, secret);
  EXPECT_EQ(mtproto.Masked(), "mtproto://***@10.1.2.3:443");
  EXPECT_EQ(mtproto.ToString().find(secret), std::string("mtproto://").size());
}

TEST(ProxyUrl, RefusesWhatIsNotAProxyWithoutRepeatingTheSecret) {
  for (const char* bad : {"", "proxy:1080", "ftp://host:21", "socks5://host", "socks5://host:0", "socks5://host:70000",
                          "socks5://:1080", "socks5://ho st:1080", "mtproto://host:443", "mtproto://short@host:443",
                          "socks5://u:%zz@host:1"}) {
    auto parsed = ParseProxyUrl(bad);
    EXPECT_FALSE(parsed.proxy.has_value()) << bad;
    EXPECT_FALSE(parsed.error.empty()) << bad;
  }
  auto leaked = ParseProxyUrl("socks5://ann:hunter2@host:notaport");
  EXPECT_EQ(leaked.error.find("hunter2"), std::string::npos) << leaked.error;
}

}  // namespace
}  // namespace tgmux
