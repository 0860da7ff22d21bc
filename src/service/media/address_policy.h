// Which network addresses a fetch by URL may connect to (service/media/url_fetch.h).
// A pure classifier: nothing here resolves or connects.
//
// Refused: everything that is not a public unicast address, so that a URL
// cannot make tgmux reach its own host, its private network or a cloud's
// metadata service. IPv4: 0/8, 10/8, 100.64/10 (shared, CGNAT), 127/8,
// 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16,
// 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4, 255.255.255.255 and
// known metadata services (169.254.169.254, 169.254.170.2, 168.63.129.16,
// 100.100.100.200, 192.0.0.192). IPv6: ::, ::1, fc00::/7, fe80::/10,
// fec0::/10, ff00::/8, 100::/64, 2001::/23, 2001:db8::/32, 3fff::/20,
// 5f00::/16, fd00:ec2::254, and everything outside 2000::/3. IPv6 forms that
// carry an IPv4 address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d,
// 2002:AABB:CCDD::) are judged by that IPv4 address; 64:ff9b:1::/48 (local
// NAT64) is refused.
//
// An allow-list (TGMUX_MEDIA_FETCH_ALLOW, for tests only) exempts ranges. An
// IPv4 range matches IPv4 addresses only: ::ffff:127.0.0.1 is not inside
// 127.0.0.1/32 for it. Thread-safe (immutable after construction).
#pragma once

// Debian 12's Boost 1.74 needs <utility> before Asio (see api/asio.h).
#include <utility>

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux::service {

enum class AddressKind {
  kPublic,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127/8, ::1
  kPrivate,        // 10/8, 172.16/12, 192.168/16
  kShared,         // 100.64/10 (carrier-grade NAT)
  kLinkLocal,      // 169.254/16, fe80::/10
  kMetadata,       // cloud metadata services
  kUniqueLocal,    // fc00::/7, fec0::/10
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kReserved,       // the rest of the special-purpose ranges
};

// "a loopback address", "a private address", ... (the one name table).
std::string_view AddressKindDescription(AddressKind kind);

struct AddressClass {
  AddressKind kind = AddressKind::kPublic;
  // The IPv4 address an IPv6 form carries, when the verdict came from it.
  std::optional<boost::asio::ip::address_v4> embedded;
};

AddressClass Classify(const boost::asio::ip::address& address);

// Why `address` must not be fetched from ("a loopback address", "a private
// address (IPv4 10.0.0.1 inside)"), or nullopt when it may be.
std::optional<std::string> RefusalReason(const boost::asio::ip::address& address);

// ADDRESS/PREFIX, or a bare address (all its bits); not an IPv6 address
// with a zone (fe80::1%eth0).
struct Cidr {
  boost::asio::ip::address base;
  int prefix = 0;

  static std::optional<Cidr> Parse(const std::string& text);
  // Same family and the first `prefix` bits equal.
  bool Contains(const boost::asio::ip::address& address) const;
};

class AddressPolicy {
 public:
  explicit AddressPolicy(std::vector<Cidr> allow = {}) : allow_(std::move(allow)) {}

  // RefusalReason, unless an allowed range holds the address.
  std::optional<std::string> Check(const boost::asio::ip::address& address) const;
  bool HasExemptions() const { return !allow_.empty(); }

 private:
  std::vector<Cidr> allow_;
};

}  // namespace tgmux::service
