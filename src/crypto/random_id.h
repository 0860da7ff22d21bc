// Random identifiers for resources ("acc_3f9c...").
#pragma once

#include <string>
#include <string_view>

namespace tgmux::crypto {

// `prefix` + "_" + 24 lowercase hex characters from libsodium's CSPRNG.
std::string RandomId(std::string_view prefix);

}  // namespace tgmux::crypto
