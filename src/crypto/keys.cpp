#include "crypto/keys.h"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "crypto/sodium.h"

namespace tgmux::crypto {
namespace {

constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SecretKey::kSize);

constexpr std::string_view kAdPrefix = "tgmux:v1:";
// Deliberately outside the "tgmux:v1:<account id>" space, so that no account id
// can make a wrapped data key and the key check share associated data.
constexpr std::string_view kKeyCheckAd = "tgmux:key-check:v1";
constexpr std::string_view kKeyCheckPlaintext = "tgmux master key check";

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string AccountAd(std::string_view account_id) {
  std::string ad(kAdPrefix);
  ad += account_id;
  return ad;
}

std::string FieldAd(std::string_view account_id, std::string_view purpose) {
  std::string ad = AccountAd(account_id);
  ad += ':';
  ad += purpose;
  return ad;
}

}  // namespace

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

SecretKey::SecretKey() { bytes_.fill(0); }

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey SecretKey::Random() {
  EnsureSodium();
  SecretKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

SecretKey SecretKey::FromBytes(std::string_view raw) {
  if (raw.size() != kSize) {
    throw std::invalid_argument("key is " + std::to_string(raw.size()) + " bytes, expected 32");
  }
  SecretKey key;
  std::copy(raw.begin(), raw.end(), key.bytes_.begin());
  return key;
}

SecretKey SecretKey::FromBase64(std::string_view text) {
  EnsureSodium();
  // Room for any decoded length, so that a wrong length can be reported as such.
  std::string buffer(text.size() / 4 * 3 + 3, '\0');
  std::size_t decoded = 0;
  const int rc =
      sodium_base642bin(reinterpret_cast<unsigned char*>(buffer.data()), buffer.size(), text.data(),
                        text.size(), " \t\r\n", &decoded, nullptr, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0) {
    sodium_memzero(buffer.data(), buffer.size());
    throw std::invalid_argument("not base64");
  }
  if (decoded != kSize) {
    sodium_memzero(buffer.data(), buffer.size());
    throw std::invalid_argument("decodes to " + std::to_string(decoded) + " bytes, expected 32");
  }
  SecretKey key = FromBytes(std::string_view(buffer.data(), decoded));
  sodium_memzero(buffer.data(), buffer.size());
  return key;
}

std::string SecretKey::ToBase64() const {
  std::string text(sodium_base64_encoded_len(kSize, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes_.data(), bytes_.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();  // the terminating NUL written by libsodium
  return text;
}

std::string_view SecretKey::bytes() const {
  return std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
}

std::string Seal(const SecretKey& key, std::string_view plaintext,
                 std::string_view associated_data) {
  EnsureSodium();
  std::string sealed(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(nonce, kNonceSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceSize, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(associated_data),
                                             associated_data.size(), nullptr, nonce, key.data());
  return sealed;
}

std::string Open(const SecretKey& key, std::string_view sealed, std::string_view associated_data) {
  if (sealed.size() < kNonceSize + kTagSize) {
    throw DecryptError("sealed value is too short to be a ciphertext");
  }
  EnsureSodium();
  const auto* nonce = Bytes(sealed);
  std::string plaintext(sealed.size() - kNonceSize - kTagSize, '\0');
  unsigned long long written = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plaintext.data()), &written, nullptr, nonce + kNonceSize,
      sealed.size() - kNonceSize, Bytes(associated_data), associated_data.size(), nonce,
      key.data());
  if (rc != 0) {
    // Libsodium checks the tag before decrypting, but wipe anyway: never hand out partial
    // plaintext.
    sodium_memzero(plaintext.data(), plaintext.size());
    throw DecryptError("sealed value does not open: wrong key, wrong owner, or tampered");
  }
  return plaintext;
}

Envelope::Envelope(SecretKey master) : master_(std::move(master)) {}

std::string Envelope::WrapDataKey(const SecretKey& data_key, std::string_view account_id) const {
  return Seal(master_, data_key.bytes(), AccountAd(account_id));
}

SecretKey Envelope::UnwrapDataKey(std::string_view wrapped, std::string_view account_id) const {
  std::string raw = Open(master_, wrapped, AccountAd(account_id));
  if (raw.size() != SecretKey::kSize) {
    sodium_memzero(raw.data(), raw.size());
    throw DecryptError("wrapped data key has the wrong length");
  }
  SecretKey key = SecretKey::FromBytes(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

std::string Envelope::Encrypt(const SecretKey& data_key, std::string_view account_id,
                              std::string_view purpose, std::string_view plaintext) const {
  return Seal(data_key, plaintext, FieldAd(account_id, purpose));
}

std::string Envelope::Decrypt(const SecretKey& data_key, std::string_view account_id,
                              std::string_view purpose, std::string_view sealed) const {
  return Open(data_key, sealed, FieldAd(account_id, purpose));
}

std::string Envelope::SealRecord(std::string_view kind, std::string_view record_id,
                                 std::string_view plaintext) const {
  return Seal(master_, plaintext, "record\x1f" + std::string(kind) + "\x1f" + std::string(record_id));
}

std::string Envelope::OpenRecord(std::string_view kind, std::string_view record_id, std::string_view sealed) const {
  return Open(master_, sealed, "record\x1f" + std::string(kind) + "\x1f" + std::string(record_id));
}

std::string Envelope::MakeKeyCheck() const {
  return Seal(master_, kKeyCheckPlaintext, kKeyCheckAd);
}

bool Envelope::VerifyKeyCheck(std::string_view check) const {
  try {
    const std::string plaintext = Open(master_, check, kKeyCheckAd);
    return plaintext == kKeyCheckPlaintext;
  } catch (const DecryptError&) {
    return false;
  }
}

}  // namespace tgmux::crypto
