// Who sent a request behind proxies (api/client_address.h): any
// X-Forwarded-For and X-Forwarded-Proto from any peer resolve without a
// crash, and the address chosen is the peer's or one the header names
// (written the way tgmux writes addresses); a peer that is not a trusted
// proxy is taken as it is, its headers ignored.
//
// Input: trusted ranges (comma-separated) "\n" peer "\n" X-Forwarded-For "\n"
// X-Forwarded-Proto.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/client_address.h"
#include "fuzz/check.h"

namespace {

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string Trim(std::string text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// An address as tgmux writes it (an IPv4 client on a dual-stack socket is
// that IPv4 address); other text as it is.
std::string Normal(const std::string& text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(text, ec);
  if (ec) return text;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto lines = Split(std::string_view(reinterpret_cast<const char*>(data), size), '\n');
  lines.resize(4);
  std::vector<tgmux::service::Cidr> trusted;
  for (const auto& range : Split(lines[0], ',')) {
    if (auto cidr = tgmux::service::Cidr::Parse(Trim(range))) trusted.push_back(*cidr);
  }
  const std::string& peer = lines[1];
  const std::string& forwarded_for = lines[2];
  const bool any_header = !forwarded_for.empty() || !lines[3].empty();
  auto client = tgmux::api::ResolveClient(trusted, peer, forwarded_for, lines[3], any_header);

  bool named = client.ip == Normal(peer);
  for (const auto& entry : Split(forwarded_for, ',')) named = named || Normal(Trim(entry)) == client.ip;
  FUZZ_CHECK(named);
  bool peer_trusted = false;
  boost::system::error_code ec;
  auto peer_address = boost::asio::ip::make_address(peer, ec);
  if (!ec) peer_address = boost::asio::ip::make_address(Normal(peer), ec);
  for (const auto& range : trusted) peer_trusted = peer_trusted || (!ec && range.Contains(peer_address));
  if (!peer_trusted) {
    FUZZ_CHECK(client.ip == Normal(peer));
    FUZZ_CHECK(!client.secure);
  }
  return 0;
}
