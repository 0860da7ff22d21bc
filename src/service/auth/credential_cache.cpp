#include "service/auth/credential_cache.h"

namespace tgmux::service {

std::optional<Principal> CredentialCache::Find(const std::string& digest, std::int64_t now) const {
  auto entry = cache_.Find(digest);
  if (!entry || (entry->expires_at != 0 && entry->expires_at <= now)) return std::nullopt;
  return entry->principal;
}

}  // namespace tgmux::service
