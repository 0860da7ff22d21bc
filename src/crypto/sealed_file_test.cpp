#include "crypto/sealed_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "tests/support/process.h"

namespace tgmux::crypto {
namespace {

std::string ReadAll(SealedFileReader& reader, std::size_t step = 4096) {
  std::string out, buffer(step, '\0');
  while (std::size_t got = reader.Read(buffer.data(), buffer.size())) out.append(buffer.data(), got);
  return out;
}

std::string RawBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

void WriteSealed(const std::filesystem::path& path, const SecretKey& key, const std::string& data) {
  SealedFileWriter writer(path, key);
  // Uneven pieces, so that chunk boundaries fall inside writes.
  for (std::size_t at = 0; at < data.size(); at += 10007) writer.Write(std::string_view(data).substr(at, 10007));
  writer.Finish();
}

TEST(SealedFile, RoundTripsEverySizeAroundChunkBoundaries) {
  testing::TempDir dir;
  auto key = SecretKey::Random();
  for (std::size_t size : {0u, 1u, 65535u, 65536u, 65537u, 3u * 65536u, 1000003u}) {
    auto path = dir.path() / ("f" + std::to_string(size));
    std::string data = Pattern(size);
    WriteSealed(path, key, data);
    SealedFileReader reader(path, key);
    EXPECT_EQ(ReadAll(reader), data) << size;
  }
}

TEST(SealedFile, BytesOnDiskAreNotTheClearTextAndOnlyTheOwnerReadsThem) {
  testing::TempDir dir;
  auto path = dir.path() / "secret";
  std::string data = "the quarterly numbers: " + std::string(1000, 'x');
  WriteSealed(path, SecretKey::Random(), data);
  EXPECT_EQ(RawBytes(path).find("quarterly"), std::string::npos);
  struct stat info{};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(SealedFile, AnotherKeyATamperedByteOrACutFileDoNotOpen) {
  testing::TempDir dir;
  auto key = SecretKey::Random();
  auto path = dir.path() / "f";
  WriteSealed(path, key, Pattern(200000));
  std::string raw = RawBytes(path);

  EXPECT_THROW({ SealedFileReader r(path, SecretKey::Random()); ReadAll(r); }, DecryptError);

  auto write_raw = [&](const std::string& bytes) {
    std::filesystem::remove(path);
    std::ofstream(path, std::ios::binary) << bytes;
  };
  std::string tampered = raw;
  tampered[raw.size() / 2] ^= 1;
  write_raw(tampered);
  EXPECT_THROW({ SealedFileReader r(path, key); ReadAll(r); }, DecryptError);

  // Cut exactly after a whole chunk: without the final tag it must not pass.
  write_raw(raw.substr(0, 8 + 24 + 65536 + 17));
  EXPECT_THROW({ SealedFileReader r(path, key); ReadAll(r); }, DecryptError);
}

TEST(SealedFile, UnsealToFileWritesTheClearCopy) {
  testing::TempDir dir;
  auto key = SecretKey::Random();
  std::string data = Pattern(150000);
  WriteSealed(dir.path() / "sealed", key, data);
  EXPECT_EQ(UnsealToFile(dir.path() / "sealed", key, dir.path() / "clear"), data.size());
  EXPECT_EQ(RawBytes(dir.path() / "clear"), data);
}

TEST(SealedFile, AWriterAbandonedBeforeFinishLeavesNoFile) {
  testing::TempDir dir;
  auto path = dir.path() / "partial";
  {
    SealedFileWriter writer(path, SecretKey::Random());
    writer.Write(Pattern(100000));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace tgmux::crypto
