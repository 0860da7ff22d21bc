// A file a client uploaded, waiting sealed on disk (crypto/sealed_file.h) for
// the service that takes it (the outbox). Its key lives only in memory until
// that service seals it into its own record. Whoever holds a StagedFile owns
// its file: it is removed with the object unless Keep() was called, so a
// request that fails anywhere leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "crypto/keys.h"

namespace tgmux::service {

class StagedFile {
 public:
  StagedFile() = default;
  StagedFile(StagedFile&& other) noexcept { *this = std::move(other); }
  StagedFile& operator=(StagedFile&& other) noexcept {
    if (this != &other) {
      Remove();
      field = std::move(other.field);
      file_name = std::move(other.file_name);
      content_type = std::move(other.content_type);
      size = other.size;
      path = std::exchange(other.path, {});
      key = other.key;
    }
    return *this;
  }
  ~StagedFile() { Remove(); }

  // The file now belongs to whoever recorded path and key.
  void Keep() { path.clear(); }

  std::string field;         // the form field it came in: "file", "file0" ... "file9"
  std::string file_name;     // as the client named it, without any directory
  std::string content_type;  // as the client declared it; may be ""
  std::uint64_t size = 0;    // clear bytes
  std::filesystem::path path;
  crypto::SecretKey key;

 private:
  void Remove() {
    if (path.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    path.clear();
  }
};

}  // namespace tgmux::service
