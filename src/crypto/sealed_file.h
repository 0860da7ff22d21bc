// Files sealed at rest (docs/architecture.md, Secrets at rest): media waiting in
// the outbox is written through libsodium's secretstream (XChaCha20-Poly1305)
// under a fresh random key per file, in 64 KiB chunks, so that neither writing
// nor reading ever holds more than one chunk in memory. The key itself is kept
// elsewhere (sealed under the account's data key in the store): a file without
// its key is noise, and a file cut short or altered does not open.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/keys.h"

namespace tgmux::crypto {

// Writes one sealed file. The file is created new (it must not exist) with
// mode 0600. Throws std::runtime_error naming the path on I/O errors. A writer
// destroyed before Finish removes its file.
class SealedFileWriter {
 public:
  SealedFileWriter(std::filesystem::path path, const SecretKey& key);
  ~SealedFileWriter();
  SealedFileWriter(const SealedFileWriter&) = delete;
  SealedFileWriter& operator=(const SealedFileWriter&) = delete;

  void Write(std::string_view data);
  // Seals the last chunk and closes the file; nothing may be written after.
  void Finish();
  // Clear bytes written so far.
  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void SealChunk(bool final);

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  unsigned char state_[52];  // crypto_secretstream_xchacha20poly1305_state
  std::string chunk_;
  std::uint64_t size_ = 0;
};

// Reads one sealed file back in order. Throws DecryptError when the file was
// sealed under another key, altered, or cut short (checked before the last
// bytes are handed out), std::runtime_error when it cannot be read.
class SealedFileReader {
 public:
  SealedFileReader(const std::filesystem::path& path, const SecretKey& key);
  ~SealedFileReader();
  SealedFileReader(const SealedFileReader&) = delete;
  SealedFileReader& operator=(const SealedFileReader&) = delete;

  // Up to `capacity` clear bytes into `out`; 0 once the whole file was read.
  std::size_t Read(char* out, std::size_t capacity);

 private:
  void OpenChunk();

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  unsigned char state_[52];
  std::string chunk_;  // clear bytes not handed out yet
  std::size_t offset_ = 0;
  bool final_seen_ = false;
};

// Decrypts a whole sealed file into a new clear file (mode 0600); returns its size.
std::uint64_t UnsealToFile(const std::filesystem::path& sealed, const SecretKey& key,
                           const std::filesystem::path& clear);

}  // namespace tgmux::crypto
