// URLs from clients (service/media/media_url.h, service/events/webhook_url.h)
// and the address policy that judges where a fetch may connect
// (service/media/address_policy.h):
// - a media URL is refused with std::invalid_argument or read into parts that
//   read back to themselves; a redirect's Location resolves or is refused;
// - a webhook URL is refused or read into a host without a space, control
//   character, '/', '@' or bracket, a port from 1 to 65535 and a target that
//   starts with '/' and has no space or control character;
// - an IPv6 form that carries an IPv4 address is judged as that IPv4 address.
//
// Input: one URL (also tried as a Location against it, and as an address).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/check.h"
#include "service/events/webhook_url.h"
#include "service/media/address_policy.h"
#include "service/media/media_url.h"

using namespace tgmux::service;

namespace {

bool AllDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

void CheckMediaUrl(const std::string& text) {
  MediaUrl url;
  try {
    url = ParseMediaUrl(text);
  } catch (const std::invalid_argument&) {
    return;
  }
  FUZZ_CHECK(!url.host.empty());
  FUZZ_CHECK(AllDigits(url.port));
  FUZZ_CHECK(!url.target.empty() && url.target.front() == '/');
  // What it prints reads back to the same parts.
  const MediaUrl again = ParseMediaUrl(url.Text());
  FUZZ_CHECK(again.tls == url.tls && again.host == url.host && again.port == url.port && again.target == url.target);
  (void)url.HostHeader();
  (void)PathFileName(url);
  (void)DispositionFileName(text);
  try {
    (void)ParseMediaUrl(ResolveLocation(url, text));
  } catch (const std::invalid_argument&) {
  }
}

bool Printable(const std::string& text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

void CheckWebhookUrl(const std::string& text) {
  auto url = ParseWebhookUrl(text);
  if (!url) return;
  FUZZ_CHECK(!url->host.empty() && Printable(url->host));
  FUZZ_CHECK(url->host.find_first_of("/@[]") == std::string::npos);
  FUZZ_CHECK(AllDigits(url->port) && url->port.size() <= 5 && std::stoi(url->port) >= 1 && std::stoi(url->port) <= 65535);
  FUZZ_CHECK(!url->target.empty() && url->target.front() == '/' && Printable(url->target));
}

void CheckAddress(const std::string& text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(text, ec);
  if (ec) return;
  const AddressClass verdict = Classify(address);
  (void)RefusalReason(address);
  if (verdict.embedded) {
    // Judged by the IPv4 address it carries; a public one in the deprecated
    // IPv4-compatible form (::a.b.c.d) is reserved: nothing answers there.
    const AddressClass inner = Classify(boost::asio::ip::address(*verdict.embedded));
    const auto bytes = address.to_v6().to_bytes();
    bool compatible = true;
    for (int i = 0; i < 12; ++i) compatible = compatible && bytes[i] == 0;
    FUZZ_CHECK(verdict.kind == inner.kind ||
               (compatible && inner.kind == AddressKind::kPublic && verdict.kind == AddressKind::kReserved));
  }
  if (auto cidr = Cidr::Parse(text)) FUZZ_CHECK(cidr->Contains(address));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckMediaUrl(text);
  CheckWebhookUrl(text);
  CheckAddress(text);
  return 0;
}
