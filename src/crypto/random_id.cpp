#include "crypto/random_id.h"

#include <sodium.h>

#include <cstdint>

#include "common/time.h"
#include "crypto/sodium.h"

namespace tgmux::crypto {

namespace {

constexpr std::size_t kIdBytes = 12;

std::string Format(std::string_view prefix, const unsigned char (&bytes)[kIdBytes]) {
  char hex[kIdBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, kIdBytes);
  return std::string(prefix) + "_" + hex;
}

}  // namespace

std::string RandomId(std::string_view prefix) {
  EnsureSodium();
  unsigned char bytes[kIdBytes];
  randombytes_buf(bytes, sizeof bytes);
  return Format(prefix, bytes);
}

std::string SortableId(std::string_view prefix) {
  EnsureSodium();
  unsigned char bytes[kIdBytes];
  randombytes_buf(bytes, sizeof bytes);
  const auto ms = static_cast<std::uint64_t>(UnixMillis());
  for (int i = 0; i < 5; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (4 - i)));  // 40 bits, big-endian
  return Format(prefix, bytes);
}

}  // namespace tgmux::crypto
