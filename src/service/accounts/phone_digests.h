// The installation's phone-digest key and the digests made with it. Accounts
// keep HMAC-SHA256(key, E.164 number) so that they can be found by number
// through an index while the number itself stays sealed. The key is random,
// generated once per installation and kept in the store's meta table wrapped
// by the master key like an account's data key (Envelope::WrapDataKey with
// kPhoneDigestKeyName as its id), so a master-key rotation re-wraps it with the
// data keys. Immutable after construction: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/keys.h"
#include "store/store.h"

namespace tgmux::service {

// The meta key under which the wrapped key is stored, also its associated data.
inline constexpr std::string_view kPhoneDigestKeyName = "phone_digest_key";

class PhoneDigests {
 public:
  // Loads the key, or generates and stores it when there is none yet (two
  // processes starting at once agree on one). Throws StartupError when the
  // stored key does not open with this master key.
  PhoneDigests(store::Store& store, const crypto::Envelope& envelope);

  // The digest of what a person typed, in any form NormalizePhone accepts;
  // nullopt when it is not a phone number.
  std::optional<std::string> OfTyped(std::string_view typed) const;
  // The digest of a number as Telegram reports it, digits with or without '+';
  // "" when it is not a phone number.
  std::string OfReported(std::string_view phone) const;

 private:
  crypto::SecretKey key_;
};

}  // namespace tgmux::service
