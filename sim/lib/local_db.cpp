#include "sim/lib/local_db.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace tgsim::lib {
namespace {

constexpr std::string_view kMagic = "TGSIMDB1";

std::vector<unsigned char> DeriveKey(const std::string& key) {
  std::string material = key.empty() ? std::string("cucumber") : key;
  std::vector<unsigned char> out(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(material.data()),
                     material.size(), reinterpret_cast<const unsigned char*>("tgsim-binlog"), 12);
  return out;
}

Json Error(int code, const std::string& message) {
  return Json{{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace

Json OpenLocalDb(const DbLocation& location) {
  if (sodium_init() < 0) return Error(500, "libsodium failed to initialise");
  std::error_code ec;
  std::filesystem::create_directories(location.directory, ec);
  if (ec || !std::filesystem::is_directory(location.directory)) {
    return Error(400, "Can't init database in the directory \"" + location.directory +
                          "\": [PosixError : " + ec.message() + " : " + std::to_string(ec.value()) +
                          " : Can't create directory \"" + location.directory + "\"]");
  }
  std::ifstream in(location.Path(), std::ios::binary);
  if (!in) return Json::object();
  std::string blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t header = kMagic.size() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (blob.size() < header + crypto_aead_xchacha20poly1305_ietf_ABYTES || blob.compare(0, kMagic.size(), kMagic) != 0) {
    return Error(401, "Wrong database encryption key");
  }
  auto key = DeriveKey(location.key);
  std::string plain(blob.size() - header, '\0');
  unsigned long long plain_len = 0;
  const auto* nonce = reinterpret_cast<const unsigned char*>(blob.data() + kMagic.size());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
          reinterpret_cast<const unsigned char*>(blob.data() + header), blob.size() - header,
          nullptr, 0, nonce, key.data()) != 0) {
    return Error(401, "Wrong database encryption key");
  }
  plain.resize(plain_len);
  Json session = Json::parse(plain, nullptr, false);
  return session.is_object() ? Json{{"session", session}} : Json::object();
}

void InitLocalDb(const DbLocation& location) {
  if (!std::filesystem::exists(location.Path())) WriteLocalDb(location, Json{{"auth", "none"}});
}

void WriteLocalDb(const DbLocation& location, const Json& data) {
  if (sodium_init() < 0) return;
  std::string plain = data.dump();
  std::string blob(kMagic);
  std::string nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  blob += nonce;
  std::string cipher(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long cipher_len = 0;
  auto key = DeriveKey(location.key);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(cipher.data()), &cipher_len,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nullptr, 0, nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()), key.data());
  blob.append(cipher.data(), cipher_len);
  // Write then rename, so that a crash never leaves a torn session file.
  std::string tmp = location.Path() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(blob.data(), static_cast<std::streamsize>(blob.size()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, location.Path(), ec);
}

void WipeLocalDb(const DbLocation& location) {
  std::error_code ec;
  std::filesystem::remove(location.Path(), ec);
}

}  // namespace tgsim::lib
