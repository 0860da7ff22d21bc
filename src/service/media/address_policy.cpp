#include "service/media/address_policy.h"

#include <array>
#include <charconv>
#include <cstdint>

#include "common/name_table.h"

namespace tgmux::service {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;
using Bytes6 = address_v6::bytes_type;

struct V4Range {
  std::uint32_t base;
  int prefix;
  AddressKind kind;
};

constexpr std::uint32_t Ip(int a, int b, int c, int d) {
  return static_cast<std::uint32_t>(a) << 24 | static_cast<std::uint32_t>(b) << 16 |
         static_cast<std::uint32_t>(c) << 8 | static_cast<std::uint32_t>(d);
}

// Most specific first: the first match decides.
constexpr V4Range kV4Ranges[] = {
    {Ip(169, 254, 169, 254), 32, AddressKind::kMetadata},  // AWS, GCP, Azure, OpenStack, ...
    {Ip(169, 254, 170, 2), 32, AddressKind::kMetadata},    // AWS ECS task metadata
    {Ip(168, 63, 129, 16), 32, AddressKind::kMetadata},    // Azure wire server
    {Ip(100, 100, 100, 200), 32, AddressKind::kMetadata},  // Alibaba Cloud
    {Ip(192, 0, 0, 192), 32, AddressKind::kMetadata},      // Oracle Cloud
    {Ip(255, 255, 255, 255), 32, AddressKind::kBroadcast},
    {Ip(0, 0, 0, 0), 8, AddressKind::kUnspecified},
    {Ip(10, 0, 0, 0), 8, AddressKind::kPrivate},
    {Ip(100, 64, 0, 0), 10, AddressKind::kShared},
    {Ip(127, 0, 0, 0), 8, AddressKind::kLoopback},
    {Ip(169, 254, 0, 0), 16, AddressKind::kLinkLocal},
    {Ip(172, 16, 0, 0), 12, AddressKind::kPrivate},
    {Ip(192, 0, 0, 0), 24, AddressKind::kReserved},  // IETF protocol assignments
    {Ip(192, 0, 2, 0), 24, AddressKind::kDocumentation},
    {Ip(192, 88, 99, 0), 24, AddressKind::kReserved},  // 6to4 relay anycast
    {Ip(192, 168, 0, 0), 16, AddressKind::kPrivate},
    {Ip(198, 18, 0, 0), 15, AddressKind::kReserved},  // benchmarking
    {Ip(198, 51, 100, 0), 24, AddressKind::kDocumentation},
    {Ip(203, 0, 113, 0), 24, AddressKind::kDocumentation},
    {Ip(224, 0, 0, 0), 4, AddressKind::kMulticast},
    {Ip(240, 0, 0, 0), 4, AddressKind::kReserved},
};

struct V6Range {
  Bytes6 base;
  int prefix;
  AddressKind kind;
};

bool PrefixEqual(const unsigned char* a, const unsigned char* b, int prefix) {
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (a[i] != b[i]) return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  unsigned mask = (0xffu << (8 - rest)) & 0xffu;
  return (a[full] & mask) == (b[full] & mask);
}

bool InV4(std::uint32_t value, std::uint32_t base, int prefix) {
  if (prefix == 0) return true;
  std::uint32_t mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
  return (value & mask) == (base & mask);
}

AddressKind ClassifyV4(const address_v4& a) {
  std::uint32_t value = a.to_uint();
  for (const auto& range : kV4Ranges) {
    if (InV4(value, range.base, range.prefix)) return range.kind;
  }
  return AddressKind::kPublic;
}

Bytes6 V6(const char* text) { return boost::asio::ip::make_address_v6(text).to_bytes(); }

const std::vector<V6Range>& V6Ranges() {
  static const std::vector<V6Range> ranges = {
      {V6("fd00:ec2::254"), 128, AddressKind::kMetadata},  // AWS over IPv6
      {V6("::"), 128, AddressKind::kUnspecified},
      {V6("::1"), 128, AddressKind::kLoopback},
      {V6("64:ff9b:1::"), 48, AddressKind::kReserved},  // local-use NAT64
      {V6("100::"), 64, AddressKind::kReserved},        // discard-only
      {V6("2001:db8::"), 32, AddressKind::kDocumentation},
      {V6("2001::"), 23, AddressKind::kReserved},  // IETF protocol assignments, Teredo, benchmarking
      {V6("3fff::"), 20, AddressKind::kDocumentation},
      {V6("5f00::"), 16, AddressKind::kReserved},  // SRv6 SIDs
      {V6("fc00::"), 7, AddressKind::kUniqueLocal},
      {V6("fe80::"), 10, AddressKind::kLinkLocal},
      {V6("fec0::"), 10, AddressKind::kUniqueLocal},  // site-local, deprecated
      {V6("ff00::"), 8, AddressKind::kMulticast},
  };
  return ranges;
}

address_v4 V4At(const Bytes6& b, int offset) {
  return address_v4(address_v4::bytes_type{b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
}

enum class V4Form { kNone, kMapped, kCompatible, kNat64, k6to4 };

// Which IPv6 form carries an IPv4 address, and where: mapped (::ffff:0:0/96),
// compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
std::pair<V4Form, int> EmbeddingOf(const Bytes6& b) {
  static const Bytes6 kMapped = V6("::ffff:0:0");
  static const Bytes6 kCompatible = V6("::");
  static const Bytes6 kNat64 = V6("64:ff9b::");
  static const Bytes6 k6to4 = V6("2002::");
  if (PrefixEqual(b.data(), kMapped.data(), 96)) return {V4Form::kMapped, 12};
  if (PrefixEqual(b.data(), kCompatible.data(), 96)) return {V4Form::kCompatible, 12};
  if (PrefixEqual(b.data(), kNat64.data(), 96)) return {V4Form::kNat64, 12};
  if (PrefixEqual(b.data(), k6to4.data(), 16)) return {V4Form::k6to4, 2};
  return {V4Form::kNone, 0};
}

AddressClass ClassifyV6(const address_v6& a) {
  Bytes6 bytes = a.to_bytes();
  for (const auto& range : V6Ranges()) {
    if (PrefixEqual(bytes.data(), range.base.data(), range.prefix)) return {range.kind, std::nullopt};
  }
  if (auto [form, offset] = EmbeddingOf(bytes); form != V4Form::kNone) {
    address_v4 v4 = V4At(bytes, offset);
    AddressKind kind = ClassifyV4(v4);
    // ::a.b.c.d (IPv4-compatible) is deprecated: nothing public answers there.
    if (kind == AddressKind::kPublic && form == V4Form::kCompatible) kind = AddressKind::kReserved;
    return {kind, v4};
  }
  // Global unicast is 2000::/3; the rest is unassigned.
  if ((bytes[0] & 0xe0) != 0x20) return {AddressKind::kReserved, std::nullopt};
  return {AddressKind::kPublic, std::nullopt};
}

constexpr std::array<NameRow<AddressKind>, 12> kKindDescriptions{{
    {AddressKind::kPublic, "a public address"},
    {AddressKind::kUnspecified, "an unspecified address"},
    {AddressKind::kLoopback, "a loopback address"},
    {AddressKind::kPrivate, "a private address"},
    {AddressKind::kShared, "a shared (carrier-grade NAT) address"},
    {AddressKind::kLinkLocal, "a link-local address"},
    {AddressKind::kMetadata, "a cloud metadata address"},
    {AddressKind::kUniqueLocal, "a unique local (private) address"},
    {AddressKind::kMulticast, "a multicast address"},
    {AddressKind::kBroadcast, "a broadcast address"},
    {AddressKind::kDocumentation, "a documentation address"},
    {AddressKind::kReserved, "a reserved address"},
}};

}  // namespace

std::string_view AddressKindDescription(AddressKind kind) { return NameIn(kKindDescriptions, kind); }

AddressClass Classify(const address& a) {
  if (a.is_v4()) return {ClassifyV4(a.to_v4()), std::nullopt};
  return ClassifyV6(a.to_v6());
}

std::optional<std::string> RefusalReason(const address& a) {
  AddressClass verdict = Classify(a);
  if (verdict.kind == AddressKind::kPublic) return std::nullopt;
  std::string reason(AddressKindDescription(verdict.kind));
  if (verdict.embedded) reason += " (IPv4 " + verdict.embedded->to_string() + " inside)";
  return reason;
}

std::optional<Cidr> Cidr::Parse(const std::string& text) {
  // (Asio reads an address up to a NUL byte: "::1<NUL>junk" would be ::1.)
  if (text.find('\0') != std::string::npos) return std::nullopt;
  auto slash = text.find('/');
  boost::system::error_code ec;
  Cidr out;
  out.base = boost::asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) return std::nullopt;
  // A zone (fe80::1%eth0) names an interface, not a range: Contains never
  // matches a scoped address.
  if (out.base.is_v6() && out.base.to_v6().scope_id() != 0) return std::nullopt;
  int max = out.base.is_v4() ? 32 : 128;
  out.prefix = max;
  if (slash != std::string::npos) {
    std::string_view digits(text.data() + slash + 1, text.size() - slash - 1);
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), out.prefix);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    if (out.prefix < 0 || out.prefix > max) return std::nullopt;
  }
  return out;
}

bool Cidr::Contains(const address& a) const {
  if (a.is_v4() != base.is_v4()) return false;
  if (a.is_v4()) return InV4(a.to_v4().to_uint(), base.to_v4().to_uint(), prefix);
  if (a.to_v6().scope_id() != 0) return false;
  Bytes6 x = a.to_v6().to_bytes();
  Bytes6 y = base.to_v6().to_bytes();
  return PrefixEqual(x.data(), y.data(), prefix);
}

std::optional<std::string> AddressPolicy::Check(const address& a) const {
  for (const auto& range : allow_) {
    if (range.Contains(a)) return std::nullopt;
  }
  return RefusalReason(a);
}

}  // namespace tgmux::service
