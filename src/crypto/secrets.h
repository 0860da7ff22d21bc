// App-user credentials (docs/architecture.md, Secrets at rest): Argon2id password hashes, random bearer
// tokens, and the one-way digest under which tokens are stored. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/keys.h"

namespace tgmux::crypto {

// Argon2id cost. The defaults are libsodium's "interactive" limits (2 passes,
// 64 MiB); tests lower them through configuration so that the suite stays fast.
struct PasswordCost {
  std::uint64_t passes = 2;
  std::uint64_t memory_kib = 64 * 1024;
};

// An encoded Argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") that
// carries its own salt and cost, so hashes made under another cost still verify.
// Throws std::runtime_error when libsodium cannot allocate the memory.
std::string HashPassword(std::string_view password, const PasswordCost& cost);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// `prefix` + "_" + 32 random bytes in unpadded base64url (43 characters).
std::string RandomToken(std::string_view prefix);

// The lowercase hex BLAKE2b-256 digest of a token: what the store keeps. Tokens
// are 256-bit random, so an unsalted fast digest is enough to make a leaked
// table useless.
std::string TokenDigest(std::string_view token);

// A 32-byte key derived from a configured secret text (TGMUX_JWT_SECRET).
SecretKey KeyFromSecret(std::string_view secret);

// The lowercase hex HMAC-SHA256 of `message` under `key` (any length): how
// webhook deliveries are signed.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// The lowercase hex HMAC-SHA256 of a phone number in E.164 form under the
// installation's phone-digest key: what the store keeps to find an account by
// its number without keeping the number in clear. Callers normalise first
// (common/phone.h), so that every way of typing a number gives one digest.
std::string PhoneDigest(const SecretKey& key, std::string_view e164);

// Compares in time independent of where the strings differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace tgmux::crypto
