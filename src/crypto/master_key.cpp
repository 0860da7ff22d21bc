// LoadMasterKey: the one key that wraps every account's data key. It comes from
// TGMUX_MASTER_KEY or from <data>/master.key, which is generated at most once.
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/keys.h"
#include "crypto/sodium.h"

namespace tgmux::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kEnvName = "TGMUX_MASTER_KEY";
constexpr std::size_t kMaxKeyFileSize =
    1024;  // a base64 key is 44 bytes; anything far larger is not one

std::string SystemReason() { return std::strerror(errno); }

// Closes a descriptor on every path out, including exceptions.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

SecretKey KeyFromEnv(std::string_view value) {
  if (value.empty()) {
    throw MasterKeyError(std::string(kEnvName) +
                         " is set but empty; unset it to use the key file, or set it to the "
                         "base64 of 32 random bytes (openssl rand -base64 32)");
  }
  try {
    return SecretKey::FromBase64(value);
  } catch (const std::invalid_argument& e) {
    // e.what() describes the shape of the value ("not base64"), never its content.
    throw MasterKeyError(std::string(kEnvName) + " is not valid: " + e.what() +
                         " (expected the base64 of 32 random bytes: openssl rand -base64 32)");
  }
}

void CheckPrivate(const fs::path& path, const struct stat& info) {
  if (!S_ISREG(info.st_mode)) {
    throw MasterKeyError("master key file " + path.string() + " is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw MasterKeyError("master key file " + path.string() +
                         " is accessible by group or others (mode " + mode + "); run: chmod 600 " +
                         path.string());
  }
}

// The key in an existing file; nullopt when the file does not exist.
std::optional<SecretKey> ReadKeyFile(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw MasterKeyError("cannot read master key file " + path.string() + ": " + SystemReason());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    throw MasterKeyError("cannot read master key file " + path.string() + ": " + SystemReason());
  }
  CheckPrivate(path, info);
  std::string text(kMaxKeyFileSize + 1, '\0');
  const ssize_t got = ::read(fd.get(), text.data(), text.size());
  if (got < 0) {
    throw MasterKeyError("cannot read master key file " + path.string() + ": " + SystemReason());
  }
  text.resize(static_cast<std::size_t>(got));
  try {
    if (text.size() > kMaxKeyFileSize) throw std::invalid_argument("file is too large");
    SecretKey key = SecretKey::FromBase64(text);
    sodium_memzero(text.data(), text.size());
    return key;
  } catch (const std::invalid_argument& e) {
    sodium_memzero(text.data(), text.size());
    throw MasterKeyError("master key file " + path.string() + " is not valid: " + e.what() +
                         " (expected the base64 of 32 bytes)");
  }
}

// Writes the whole buffer and flushes it to disk.
bool WriteAllAndSync(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return ::fsync(fd) == 0;
}

// Moves temp to final without ever replacing an existing file: when another
// process generated a key first, its key wins and ours is discarded.
// Returns false (errno EEXIST) when final already exists.
bool LinkNoReplace(const fs::path& temp, const fs::path& final_path) {
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) return false;
  // Filesystems without RENAME_NOREPLACE: link() also refuses to replace.
  if (::link(temp.c_str(), final_path.c_str()) != 0) return false;
  ::unlink(temp.c_str());
  return true;
}

void SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // best effort: the key is already complete in its file
}

std::string TempName(const fs::path& path) {
  EnsureSodium();
  return path.string() + ".tmp." + std::to_string(randombytes_random());
}

SecretKey GenerateKeyFile(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw MasterKeyError("cannot create directory " + dir.string() + ": " + ec.message());

  SecretKey key = SecretKey::Random();
  std::string text = key.ToBase64() + "\n";
  const fs::path temp = TempName(path);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    sodium_memzero(text.data(), text.size());
    throw MasterKeyError("cannot create master key file " + path.string() + ": " + SystemReason());
  }
  const bool written = WriteAllAndSync(fd.get(), text) && ::close(fd.Release()) == 0;
  sodium_memzero(text.data(), text.size());
  if (!written) {
    const std::string reason = SystemReason();
    ::unlink(temp.c_str());
    throw MasterKeyError("cannot write master key file " + path.string() + ": " + reason);
  }
  if (!LinkNoReplace(temp, path)) {
    const int saved = errno;
    ::unlink(temp.c_str());
    if (saved == EEXIST) {
      if (auto existing = ReadKeyFile(path)) return *existing;
    }
    errno = saved;
    throw MasterKeyError("cannot create master key file " + path.string() + ": " + SystemReason());
  }
  SyncDirectory(dir);
  return key;
}

}  // namespace

void WriteMasterKeyFile(const fs::path& key_file, const SecretKey& key) {
  const fs::path dir = key_file.has_parent_path() ? key_file.parent_path() : fs::path(".");
  std::string text = key.ToBase64() + "\n";
  const fs::path temp = TempName(key_file);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    sodium_memzero(text.data(), text.size());
    throw MasterKeyError("cannot write master key file " + key_file.string() + ": " + SystemReason());
  }
  const bool written = WriteAllAndSync(fd.get(), text) && ::close(fd.Release()) == 0;
  sodium_memzero(text.data(), text.size());
  if (!written || ::rename(temp.c_str(), key_file.c_str()) != 0) {
    const std::string reason = SystemReason();
    ::unlink(temp.c_str());
    throw MasterKeyError("cannot write master key file " + key_file.string() + ": " + reason);
  }
  SyncDirectory(dir);
}

SecretKey LoadMasterKey(const std::optional<std::string>& env_base64, const fs::path& key_file,
                        bool may_generate) {
  if (env_base64) return KeyFromEnv(*env_base64);
  if (auto key = ReadKeyFile(key_file)) return *key;
  if (!may_generate) {
    throw MasterKeyError("master key file " + key_file.string() +
                         " is missing but the data directory already holds encrypted data; "
                         "restore that file or set " +
                         std::string(kEnvName) +
                         " to the key the data was written with (a new key cannot open it)");
  }
  return GenerateKeyFile(key_file);
}

}  // namespace tgmux::crypto
