// Internal to crypto/: libsodium must be initialised once before its random
// generator is used; every entry point that needs it calls EnsureSodium().
#pragma once

namespace tgmux::crypto {

// Idempotent and thread-safe. Throws std::runtime_error if libsodium cannot start.
void EnsureSodium();

}  // namespace tgmux::crypto
