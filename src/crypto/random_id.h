// Random identifiers for resources ("acc_3f9c...").
#pragma once

#include <string>
#include <string_view>

namespace tgmux::crypto {

// `prefix` + "_" + 24 lowercase hex characters from libsodium's CSPRNG.
std::string RandomId(std::string_view prefix);

// The same shape, for rows written by the thousand a second (outbox entries,
// events): the first 10 hex characters are the time in milliseconds, the
// other 14 (56 bits) random. Ids made one after another sort together, so a
// store's unique index on them takes each new one on its last page instead
// of on a random one: a batch of inserts writes a few pages, not one each.
std::string SortableId(std::string_view prefix);

}  // namespace tgmux::crypto
