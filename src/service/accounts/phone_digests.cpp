#include "service/accounts/phone_digests.h"

#include "common/phone.h"
#include "crypto/secrets.h"
#include "service/infrastructure.h"

namespace tgmux::service {
namespace {

crypto::SecretKey LoadOrCreate(store::Store& store, const crypto::Envelope& envelope) {
  auto wrapped = store.GetMeta(kPhoneDigestKeyName);
  if (!wrapped) {
    auto fresh = crypto::SecretKey::Random();
    if (store.InsertMetaIfAbsent(kPhoneDigestKeyName, envelope.WrapDataKey(fresh, kPhoneDigestKeyName))) {
      return fresh;
    }
    wrapped = store.GetMeta(kPhoneDigestKeyName);  // another process stored one first
  }
  try {
    return envelope.UnwrapDataKey(wrapped.value_or(""), kPhoneDigestKeyName);
  } catch (const crypto::DecryptError&) {
    throw StartupError("the phone-digest key in the store does not open with this master key");
  }
}

}  // namespace

PhoneDigests::PhoneDigests(store::Store& store, const crypto::Envelope& envelope)
    : key_(LoadOrCreate(store, envelope)) {}

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
