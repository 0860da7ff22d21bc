#include "api/client_address.h"

#include <gtest/gtest.h>

namespace tgmux::api {
namespace {

std::vector<service::Cidr> Proxies(std::initializer_list<const char*> cidrs) {
  std::vector<service::Cidr> out;
  for (const char* c : cidrs) out.push_back(*service::Cidr::Parse(c));
  return out;
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeadersSay) {
  auto client = ResolveClient({}, "127.0.0.1", "203.0.113.7", "https", true);
  EXPECT_EQ(client.ip, "127.0.0.1");
  EXPECT_FALSE(client.secure);
  EXPECT_TRUE(client.untrusted_forward);
  EXPECT_FALSE(ResolveClient({}, "127.0.0.1", "", "", false).untrusted_forward);
}

TEST(ClientAddress, ATrustedProxyNamesTheClientAndItsScheme) {
  auto proxies = Proxies({"127.0.0.1", "10.0.0.0/8"});
  auto client = ResolveClient(proxies, "127.0.0.1", "203.0.113.7", "https", true);
  EXPECT_EQ(client.ip, "203.0.113.7");
  EXPECT_TRUE(client.secure);
  EXPECT_FALSE(client.untrusted_forward);
  EXPECT_FALSE(ResolveClient(proxies, "127.0.0.1", "203.0.113.7", "http", true).secure);
}

TEST(ClientAddress, AddressesAClientPutInFrontAreNotBelieved) {
  auto proxies = Proxies({"127.0.0.1", "10.0.0.0/8"});
  // The client sent "X-Forwarded-For: 198.51.100.1"; its proxy chain appended its real address and a hop.
  EXPECT_EQ(ResolveClient(proxies, "127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3", "", true).ip, "203.0.113.7");
  // Only proxies: the leftmost.
  EXPECT_EQ(ResolveClient(proxies, "127.0.0.1", "10.0.0.5, 10.1.2.3", "", true).ip, "10.0.0.5");
  // Garbage ends the walk at the last address believed.
  EXPECT_EQ(ResolveClient(proxies, "127.0.0.1", "203.0.113.7, not-an-ip, 10.1.2.3", "", true).ip, "10.1.2.3");
  // No header: the proxy itself.
  EXPECT_EQ(ResolveClient(proxies, "127.0.0.1", "", "", false).ip, "127.0.0.1");
}

TEST(ClientAddress, AnIpv4PeerOnADualStackSocketIsMatchedAsIpv4) {
  auto client = ResolveClient(Proxies({"127.0.0.0/8"}), "::ffff:127.0.0.1", "2001:db8::1", "", true);
  EXPECT_EQ(client.ip, "2001:db8::1");
}

}  // namespace
}  // namespace tgmux::api
