#include "crypto/random_id.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace tgmux::crypto {

std::string RandomId(std::string_view prefix) {
  EnsureSodium();
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string(prefix) + "_" + hex;
}

}  // namespace tgmux::crypto
