// The address policy of fetches by URL, on parsed addresses only: nothing here
// resolves a name or opens a socket.
#include "service/media/address_policy.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

using boost::asio::ip::make_address;

AddressKind KindOf(const std::string& text) { return Classify(make_address(text)).kind; }

struct Case {
  const char* address;
  AddressKind kind;
};

TEST(AddressPolicyTest, EveryRefusedIpv4RangeIsRefusedAtItsEdges) {
  const Case cases[] = {
      {"0.0.0.0", AddressKind::kUnspecified},        {"0.255.255.255", AddressKind::kUnspecified},
      {"10.0.0.0", AddressKind::kPrivate},           {"10.255.255.255", AddressKind::kPrivate},
      {"100.64.0.0", AddressKind::kShared},          {"100.127.255.255", AddressKind::kShared},
      {"127.0.0.1", AddressKind::kLoopback},         {"127.255.255.254", AddressKind::kLoopback},
      {"127.0.0.2", AddressKind::kLoopback},         {"169.254.0.1", AddressKind::kLinkLocal},
      {"169.254.255.255", AddressKind::kLinkLocal},  {"172.16.0.0", AddressKind::kPrivate},
      {"172.31.255.255", AddressKind::kPrivate},     {"192.0.0.8", AddressKind::kReserved},
      {"192.0.2.1", AddressKind::kDocumentation},    {"192.88.99.1", AddressKind::kReserved},
      {"192.168.0.0", AddressKind::kPrivate},        {"192.168.255.255", AddressKind::kPrivate},
      {"198.18.0.1", AddressKind::kReserved},        {"198.19.255.255", AddressKind::kReserved},
      {"198.51.100.7", AddressKind::kDocumentation}, {"203.0.113.9", AddressKind::kDocumentation},
      {"224.0.0.1", AddressKind::kMulticast},        {"239.255.255.255", AddressKind::kMulticast},
      {"240.0.0.1", AddressKind::kReserved},         {"255.255.255.254", AddressKind::kReserved},
      {"255.255.255.255", AddressKind::kBroadcast},  {"169.254.169.254", AddressKind::kMetadata},
      {"169.254.170.2", AddressKind::kMetadata},     {"168.63.129.16", AddressKind::kMetadata},
      {"100.100.100.200", AddressKind::kMetadata},   {"192.0.0.192", AddressKind::kMetadata},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(KindOf(c.address), c.kind) << c.address;
    EXPECT_TRUE(RefusalReason(make_address(c.address))) << c.address;
  }
}

TEST(AddressPolicyTest, NeighboursOfRefusedIpv4RangesArePublic) {
  for (const char* text : {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
                           "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
                           "172.32.0.0", "192.0.1.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
                           "198.20.0.0", "223.255.255.255", "149.154.167.51"}) {
    EXPECT_EQ(KindOf(text), AddressKind::kPublic) << text;
    EXPECT_FALSE(RefusalReason(make_address(text))) << text;
  }
}

TEST(AddressPolicyTest, EveryRefusedIpv6RangeIsRefused) {
  const Case cases[] = {
      {"::", AddressKind::kUnspecified},
      {"::1", AddressKind::kLoopback},
      {"fc00::1", AddressKind::kUniqueLocal},
      {"fdff:ffff::1", AddressKind::kUniqueLocal},
      {"fe80::1", AddressKind::kLinkLocal},
      {"febf:ffff::1", AddressKind::kLinkLocal},
      {"fec0::1", AddressKind::kUniqueLocal},
      {"ff02::1", AddressKind::kMulticast},
      {"ff0e::1", AddressKind::kMulticast},
      {"2001:db8::1", AddressKind::kDocumentation},
      {"3fff::1", AddressKind::kDocumentation},
      {"2001::1", AddressKind::kReserved},  // Teredo
      {"2001:2::1", AddressKind::kReserved},
      {"100::1", AddressKind::kReserved},
      {"64:ff9b:1::1", AddressKind::kReserved},
      {"5f00::1", AddressKind::kReserved},
      {"fd00:ec2::254", AddressKind::kMetadata},
      {"4000::1", AddressKind::kReserved},  // outside 2000::/3
      {"1::1", AddressKind::kReserved},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(KindOf(c.address), c.kind) << c.address;
    EXPECT_TRUE(RefusalReason(make_address(c.address))) << c.address;
  }
}

TEST(AddressPolicyTest, Ipv6FormsThatCarryARefusedIpv4AddressAreRefusedForIt) {
  const Case cases[] = {
      {"::ffff:10.0.0.1", AddressKind::kPrivate},
      {"::ffff:127.0.0.1", AddressKind::kLoopback},
      {"::ffff:169.254.169.254", AddressKind::kMetadata},
      {"::ffff:192.168.1.1", AddressKind::kPrivate},
      {"::ffff:0.0.0.0", AddressKind::kUnspecified},
      {"::ffff:255.255.255.255", AddressKind::kBroadcast},
      {"::127.0.0.1", AddressKind::kLoopback},  // IPv4-compatible
      {"::10.0.0.1", AddressKind::kPrivate},
      {"::8.8.8.8", AddressKind::kReserved},  // deprecated form, even for a public address
      {"64:ff9b::a00:1", AddressKind::kPrivate},  // NAT64 of 10.0.0.1
      {"64:ff9b::7f00:1", AddressKind::kLoopback},
      {"64:ff9b::a9fe:a9fe", AddressKind::kMetadata},
      {"2002:a00:1::1", AddressKind::kPrivate},  // 6to4 of 10.0.0.1
      {"2002:7f00:1::", AddressKind::kLoopback},
  };
  for (const auto& c : cases) {
    AddressClass verdict = Classify(make_address(c.address));
    EXPECT_EQ(verdict.kind, c.kind) << c.address;
    EXPECT_TRUE(verdict.embedded.has_value()) << c.address;
  }
  EXPECT_EQ(*RefusalReason(make_address("::ffff:127.0.0.1")), "a loopback address (IPv4 127.0.0.1 inside)");
  EXPECT_EQ(*RefusalReason(make_address("64:ff9b::a00:1")), "a private address (IPv4 10.0.0.1 inside)");
}

TEST(AddressPolicyTest, PublicAddressesAreAllowedInEveryForm) {
  for (const char* text : {"2606:4700::1111", "2a00:1450:4001:81c::200e", "2001:67c:4e8:f004::9",
                           "::ffff:1.1.1.1", "64:ff9b::101:101", "2002:101:101::1"}) {
    EXPECT_EQ(KindOf(text), AddressKind::kPublic) << text;
    EXPECT_FALSE(RefusalReason(make_address(text))) << text;
  }
}

TEST(AddressPolicyTest, ReasonsReadAsEnglish) {
  EXPECT_EQ(*RefusalReason(make_address("127.0.0.1")), "a loopback address");
  EXPECT_EQ(*RefusalReason(make_address("10.0.0.5")), "a private address");
  EXPECT_EQ(*RefusalReason(make_address("169.254.169.254")), "a cloud metadata address");
  EXPECT_EQ(*RefusalReason(make_address("100.64.1.1")), "a shared (carrier-grade NAT) address");
  EXPECT_EQ(*RefusalReason(make_address("::1")), "a loopback address");
  EXPECT_EQ(*RefusalReason(make_address("fe80::1")), "a link-local address");
}

TEST(AddressPolicyTest, CidrsParseAndMatchTheirOwnFamilyOnly) {
  EXPECT_FALSE(Cidr::Parse("localhost"));
  EXPECT_FALSE(Cidr::Parse("127.0.0.1/33"));
  EXPECT_FALSE(Cidr::Parse("::1/129"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/8x"));
  // A zone names an interface, not a range; a NUL would end the address early.
  EXPECT_FALSE(Cidr::Parse("fe80::1%1/64"));
  EXPECT_FALSE(Cidr::Parse(std::string("::1\0junk", 8)));
  auto loopback = Cidr::Parse("127.0.0.1/32");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->Contains(make_address("127.0.0.1")));
  EXPECT_FALSE(loopback->Contains(make_address("127.0.0.2")));
  EXPECT_FALSE(loopback->Contains(make_address("::ffff:127.0.0.1"))) << "an IPv4 range never holds IPv6";
  auto ten = Cidr::Parse("10.0.0.0/8");
  ASSERT_TRUE(ten);
  EXPECT_TRUE(ten->Contains(make_address("10.200.1.1")));
  EXPECT_FALSE(ten->Contains(make_address("11.0.0.0")));
  auto host = Cidr::Parse("::1");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix, 128);
  EXPECT_TRUE(host->Contains(make_address("::1")));
  EXPECT_FALSE(host->Contains(make_address("::2")));
  auto ula = Cidr::Parse("fd00::/8");
  ASSERT_TRUE(ula);
  EXPECT_TRUE(ula->Contains(make_address("fd12::1")));
  EXPECT_FALSE(ula->Contains(make_address("fc00::1")));
  auto all = Cidr::Parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Contains(make_address("203.0.113.1")));
}

TEST(AddressPolicyTest, TheAllowListExemptsOnlyItsRanges) {
  AddressPolicy strict;
  EXPECT_FALSE(strict.HasExemptions());
  EXPECT_TRUE(strict.Check(make_address("127.0.0.1")));
  EXPECT_FALSE(strict.Check(make_address("1.1.1.1")));

  AddressPolicy tests({*Cidr::Parse("127.0.0.1/32")});
  EXPECT_TRUE(tests.HasExemptions());
  EXPECT_FALSE(tests.Check(make_address("127.0.0.1")));
  EXPECT_EQ(*tests.Check(make_address("127.0.0.2")), "a loopback address");
  EXPECT_EQ(*tests.Check(make_address("::1")), "a loopback address");
  EXPECT_EQ(*tests.Check(make_address("::ffff:127.0.0.1")), "a loopback address (IPv4 127.0.0.1 inside)");
  EXPECT_TRUE(tests.Check(make_address("10.0.0.1")));
  EXPECT_FALSE(tests.Check(make_address("2606:4700::1111")));
}

}  // namespace
}  // namespace tgmux::service
