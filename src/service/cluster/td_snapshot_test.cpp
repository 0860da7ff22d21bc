// A TDLib directory packed and unpacked elsewhere holds the same top-level
// files (folders of downloads left out); bytes it did not make are refused.
#include "service/cluster/td_snapshot.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/process.h"

namespace tgmux::service::cluster {
namespace {

void Write(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}
std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TdSnapshot, TheTopLevelFilesMoveToAnotherDirectory) {
  testing::TempDir from, to;
  Write(from.path() / "td.binlog", std::string("\x00\x01session\xff", 10));
  Write(from.path() / "empty", "");
  std::filesystem::create_directories(from.path() / "documents");
  Write(from.path() / "documents" / "big.pdf", "a download");
  Write(to.path() / "stale", "from an older run");
  std::filesystem::create_directories(to.path() / "photos");

  auto packed = PackTdDirectory(from.path());
  UnpackTdDirectory(packed, to.path() / "td");
  UnpackTdDirectory(packed, to.path());
  EXPECT_EQ(Read(to.path() / "td.binlog"), std::string("\x00\x01session\xff", 10));
  EXPECT_TRUE(std::filesystem::exists(to.path() / "empty"));
  EXPECT_FALSE(std::filesystem::exists(to.path() / "stale"));
  EXPECT_FALSE(std::filesystem::exists(to.path() / "documents"));
  EXPECT_TRUE(std::filesystem::exists(to.path() / "photos"));
  EXPECT_EQ(Read(to.path() / "td" / "td.binlog"), Read(to.path() / "td.binlog"));
  EXPECT_EQ(PackTdDirectory(to.path()), packed);
}

TEST(TdSnapshot, NothingToPackIsEmptyAndForeignBytesAreRefused) {
  testing::TempDir dir;
  EXPECT_EQ(PackTdDirectory(dir.path() / "missing"), "");
  EXPECT_EQ(PackTdDirectory(dir.path()), "");
  Write(dir.path() / "td.binlog", "session");
  auto packed = PackTdDirectory(dir.path());
  EXPECT_THROW(UnpackTdDirectory("something else", dir.path()), SnapshotError);
  EXPECT_THROW(UnpackTdDirectory(packed.substr(0, packed.size() - 1), dir.path()), SnapshotError);
  std::string escaping = packed;
  escaping.replace(escaping.find("td.binlog"), 9, "../x.blog");
  EXPECT_THROW(UnpackTdDirectory(escaping, dir.path()), SnapshotError);
  EXPECT_EQ(Read(dir.path() / "td.binlog"), "session") << "a refused snapshot changes nothing";
}

}  // namespace
}  // namespace tgmux::service::cluster
