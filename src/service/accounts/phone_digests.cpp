#include "service/accounts/phone_digests.h"

#include "common/phone.h"
#include "crypto/secrets.h"
#include "service/infrastructure.h"

namespace tgmux::service {

PhoneDigests::PhoneDigests(store::Store& store, const crypto::Envelope& envelope)
    : key_(LoadOrCreateMetaKey(store, envelope, kPhoneDigestKeyName, kPhoneDigestKeyName)) {}

std::optional<std::string> PhoneDigests::OfTyped(std::string_view typed) const {
  auto e164 = NormalizePhone(typed);
  if (!e164) return std::nullopt;
  return crypto::PhoneDigest(key_, *e164);
}

std::string PhoneDigests::OfReported(std::string_view phone) const {
  if (phone.empty()) return "";
  // TDLib reports digits only; the sealed copy we keep has the '+'.
  auto e164 = NormalizePhone(phone.front() == '+' ? std::string(phone) : "+" + std::string(phone));
  return e164 ? crypto::PhoneDigest(key_, *e164) : "";
}

}  // namespace tgmux::service
