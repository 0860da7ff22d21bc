#include "api/client_address.h"

#include <boost/asio/ip/address.hpp>

namespace tgmux::api {
namespace {

namespace ip = boost::asio::ip;

std::string Trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<ip::address> AddressOf(const std::string& text) {
  boost::system::error_code ec;
  auto a = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  // An IPv4 client on a dual-stack socket is still that IPv4 address.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::address(ip::make_address_v4(ip::v4_mapped, a.to_v6()));
  return a;
}

bool Trusted(const std::vector<service::Cidr>& trusted, const ip::address& a) {
  for (const auto& cidr : trusted) {
    if (cidr.Contains(a)) return true;
  }
  return false;
}

std::vector<std::string> Items(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto comma = list.find(',', start);
    out.push_back(Trim(std::string_view(list).substr(start, comma == std::string::npos ? std::string::npos
                                                                                        : comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

ClientAddress ResolveClient(const std::vector<service::Cidr>& trusted, const std::string& peer,
                            const std::string& x_forwarded_for, const std::string& x_forwarded_proto,
                            bool any_forwarding_header) {
  ClientAddress client;
  auto peer_address = AddressOf(peer);
  client.ip = peer_address ? peer_address->to_string() : peer;
  if (!peer_address || !Trusted(trusted, *peer_address)) {
    client.untrusted_forward = any_forwarding_header;
    return client;
  }
  if (!x_forwarded_proto.empty()) client.secure = Items(x_forwarded_proto).back() == "https";
  if (x_forwarded_for.empty()) return client;
  auto hops = Items(x_forwarded_for);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = AddressOf(*it);
    if (!hop) break;  // not an address: believe nothing further left
    client.ip = hop->to_string();
    if (!Trusted(trusted, *hop)) break;
  }
  return client;
}

}  // namespace tgmux::api
