// Secrets at rest (docs/architecture.md, Secrets at rest): 32-byte keys, XChaCha20-Poly1305 AEAD, the
// master key, and the envelope that wraps one data key per account.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tgmux::crypto {

// Raised when a ciphertext does not open: wrong key, wrong associated data, or
// tampered bytes. Never yields partial plaintext.
class DecryptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Raised when the master key cannot be loaded or does not match the data.
// The message is one line naming the setting or file and what is wrong.
class MasterKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 32 secret bytes, wiped from memory when destroyed. Copyable (each copy wipes itself).
class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey();
  ~SecretKey();
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);

  static SecretKey Random();
  // Throws std::invalid_argument when raw is not exactly 32 bytes.
  static SecretKey FromBytes(std::string_view raw);
  // Throws std::invalid_argument ("not base64", "decodes to N bytes, expected 32").
  static SecretKey FromBase64(std::string_view text);

  std::string ToBase64() const;
  std::string_view bytes() const;
  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, kSize> bytes_;
};

// AEAD XChaCha20-Poly1305-IETF. Output is nonce (24 bytes) || ciphertext || tag.
std::string Seal(const SecretKey& key, std::string_view plaintext, std::string_view associated_data);
// Throws DecryptError when the input is short, tampered, or sealed under another key or AD.
std::string Open(const SecretKey& key, std::string_view sealed, std::string_view associated_data);

// Loads the master key. From `env_base64` (TGMUX_MASTER_KEY) when set; otherwise
// from `key_file`, which is created (mode 0600, base64 + newline) only when it is
// missing and `may_generate` is true. Throws MasterKeyError on a bad value, a
// missing file that may not be generated, or a file readable by others.
SecretKey LoadMasterKey(const std::optional<std::string>& env_base64,
                        const std::filesystem::path& key_file, bool may_generate);

// Replaces (or creates) a key file with `key` (base64 + newline, mode 0600),
// atomically: a crash leaves the old file or the new one, never a mix. Throws
// MasterKeyError naming the file.
void WriteMasterKeyFile(const std::filesystem::path& key_file, const SecretKey& key);

// Envelope encryption: per-account data keys wrapped by the master key, and
// account data sealed under the data key. The account id is the associated
// data, so a ciphertext moved to another account's row does not open.
// Thread-safe (immutable after construction).
class Envelope {
 public:
  explicit Envelope(SecretKey master);

  std::string WrapDataKey(const SecretKey& data_key, std::string_view account_id) const;
  // Throws DecryptError.
  SecretKey UnwrapDataKey(std::string_view wrapped, std::string_view account_id) const;

  // `purpose` separates fields of one account ("phone", "td_key"): a value
  // moved from one field to another does not open either.
  std::string Encrypt(const SecretKey& data_key, std::string_view account_id,
                      std::string_view purpose, std::string_view plaintext) const;
  // Throws DecryptError.
  std::string Decrypt(const SecretKey& data_key, std::string_view account_id,
                      std::string_view purpose, std::string_view sealed) const;

  // Records that belong to no single account's key (events, webhook secrets),
  // sealed under the master key with `kind` and the record's id as associated
  // data: a value moved to another record does not open.
  std::string SealRecord(std::string_view kind, std::string_view record_id, std::string_view plaintext) const;
  // Throws DecryptError.
  std::string OpenRecord(std::string_view kind, std::string_view record_id, std::string_view sealed) const;

  // A value stored once per data directory that proves which master key the data
  // was written with; VerifyKeyCheck is false for any other master key.
  std::string MakeKeyCheck() const;
  bool VerifyKeyCheck(std::string_view check) const;

 private:
  SecretKey master_;
};

}  // namespace tgmux::crypto
