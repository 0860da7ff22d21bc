// What authenticating a bearer credential read from the store (an API key's
// row, an access token's member), kept in memory so that a request can be
// authenticated on a network thread without the store.
//
// Revocation stays immediate: every change that can end or narrow a
// credential (an API key revoked, a member removed or re-roled, a logout)
// calls Invalidate() once the store has it, and from then on nothing cached
// before answers (common/generation_cache.h says how a racing fill is never
// kept, and how several nodes will share revocations: Invalidate() is the hook).
//
// Thread-safe; never blocks on anything but a short mutex.
#pragma once

#include <optional>
#include <string>

#include "common/generation_cache.h"
#include "service/auth/principal.h"

namespace tgmux::service {

class CredentialCache {
 public:
  static constexpr std::size_t kCapacity = 10000;

  // The generation a fill must be tagged with: read it before reading the store.
  std::uint64_t Generation() const { return cache_.Generation(); }
  // The principal cached for `digest` (crypto::TokenDigest of the credential)
  // when it was filled in the current generation and has not expired at `now`.
  std::optional<Principal> Find(const std::string& digest, std::int64_t now) const;
  // Caches what the store said of a valid credential, valid until `expires_at`
  // (unix seconds; 0: until invalidated), read in `generation`.
  void Put(const std::string& digest, const Principal& principal, std::int64_t expires_at, std::uint64_t generation) {
    cache_.Put(digest, Entry{principal, expires_at}, generation);
  }
  // Everything cached stops answering now.
  void Invalidate() { cache_.Invalidate(); }

 private:
  struct Entry {
    Principal principal;
    std::int64_t expires_at = 0;
  };
  GenerationCache<Entry> cache_{kCapacity};
};

}  // namespace tgmux::service
