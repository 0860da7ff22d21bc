#include "crypto/sealed_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "crypto/sodium.h"

namespace tgmux::crypto {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSealedChunk = kChunk + crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr char kMagic[8] = {'T', 'G', 'M', 'X', 'F', 'I', 'L', '1'};

static_assert(sizeof(crypto_secretstream_xchacha20poly1305_state) <= 52);

[[noreturn]] void IoError(const std::filesystem::path& path, const char* what) {
  throw std::runtime_error(std::string("cannot ") + what + " " + path.string());
}

std::FILE* CreateNew(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) IoError(path, "create");
  std::FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    ::close(fd);
    IoError(path, "open");
  }
  return file;
}

auto* State(unsigned char* raw) { return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(raw); }

}  // namespace

SealedFileWriter::SealedFileWriter(std::filesystem::path path, const SecretKey& key) : path_(std::move(path)) {
  EnsureSodium();
  file_ = CreateNew(path_);
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(State(state_), header, key.data());
  if (std::fwrite(kMagic, 1, sizeof kMagic, file_) != sizeof kMagic ||
      std::fwrite(header, 1, sizeof header, file_) != sizeof header) {
    IoError(path_, "write");
  }
  chunk_.reserve(kChunk);
}

SealedFileWriter::~SealedFileWriter() {
  sodium_memzero(state_, sizeof state_);
  if (!file_) return;
  std::fclose(file_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void SealedFileWriter::Write(std::string_view data) {
  if (!file_) throw std::logic_error("SealedFileWriter: write after Finish");
  size_ += data.size();
  while (!data.empty()) {
    std::size_t take = std::min(kChunk - chunk_.size(), data.size());
    chunk_.append(data.data(), take);
    data.remove_prefix(take);
    if (chunk_.size() == kChunk) SealChunk(false);
  }
}

void SealedFileWriter::SealChunk(bool final) {
  unsigned char sealed[kSealedChunk];
  unsigned long long length = 0;
  crypto_secretstream_xchacha20poly1305_push(
      State(state_), sealed, &length, reinterpret_cast<const unsigned char*>(chunk_.data()), chunk_.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  sodium_memzero(chunk_.data(), chunk_.size());
  chunk_.clear();
  if (std::fwrite(sealed, 1, length, file_) != length) IoError(path_, "write");
}

void SealedFileWriter::Finish() {
  if (!file_) return;
  // Always a final chunk, even an empty one: a file cut at a chunk boundary
  // then still fails to open.
  SealChunk(true);
  bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) IoError(path_, "write");
}

SealedFileReader::SealedFileReader(const std::filesystem::path& path, const SecretKey& key) : path_(path) {
  EnsureSodium();
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) IoError(path_, "open");
  char magic[sizeof kMagic];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  if (std::fread(magic, 1, sizeof magic, file_) != sizeof magic || std::memcmp(magic, kMagic, sizeof kMagic) != 0 ||
      std::fread(header, 1, sizeof header, file_) != sizeof header ||
      crypto_secretstream_xchacha20poly1305_init_pull(State(state_), header, key.data()) != 0) {
    throw DecryptError("not a sealed file: " + path_.string());
  }
}

SealedFileReader::~SealedFileReader() {
  sodium_memzero(state_, sizeof state_);
  if (!chunk_.empty()) sodium_memzero(chunk_.data(), chunk_.size());
  if (file_) std::fclose(file_);
}

void SealedFileReader::OpenChunk() {
  unsigned char sealed[kSealedChunk];
  std::size_t got = std::fread(sealed, 1, sizeof sealed, file_);
  if (std::ferror(file_)) IoError(path_, "read");
  if (got < crypto_secretstream_xchacha20poly1305_ABYTES) throw DecryptError("sealed file cut short: " + path_.string());
  chunk_.resize(got - crypto_secretstream_xchacha20poly1305_ABYTES);
  unsigned long long length = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(State(state_), reinterpret_cast<unsigned char*>(chunk_.data()),
                                                 &length, &tag, sealed, got, nullptr, 0) != 0) {
    throw DecryptError("sealed file altered or sealed under another key: " + path_.string());
  }
  chunk_.resize(length);
  offset_ = 0;
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    final_seen_ = true;
    if (std::fgetc(file_) != EOF) throw DecryptError("sealed file has bytes after its end: " + path_.string());
  } else if (got < sizeof sealed) {
    throw DecryptError("sealed file cut short: " + path_.string());
  }
}

std::size_t SealedFileReader::Read(char* out, std::size_t capacity) {
  while (offset_ == chunk_.size()) {
    if (final_seen_) return 0;
    OpenChunk();
  }
  std::size_t take = std::min(capacity, chunk_.size() - offset_);
  std::memcpy(out, chunk_.data() + offset_, take);
  offset_ += take;
  return take;
}

std::uint64_t UnsealToFile(const std::filesystem::path& sealed, const SecretKey& key,
                           const std::filesystem::path& clear) {
  SealedFileReader reader(sealed, key);
  std::FILE* out = CreateNew(clear);
  std::uint64_t total = 0;
  char buffer[kChunk];
  try {
    while (std::size_t got = reader.Read(buffer, sizeof buffer)) {
      if (std::fwrite(buffer, 1, got, out) != got) IoError(clear, "write");
      total += got;
    }
    if (std::fclose(out) != 0) {
      out = nullptr;
      IoError(clear, "write");
    }
  } catch (...) {
    if (out) std::fclose(out);
    std::error_code ignored;
    std::filesystem::remove(clear, ignored);
    throw;
  }
  return total;
}

}  // namespace tgmux::crypto
