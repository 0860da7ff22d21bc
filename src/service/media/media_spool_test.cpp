// SafeFileName: what is left of a name a client or a server gave is a file
// name to create and valid UTF-8 for JSON and TDLib.
#include "service/media/media_spool.h"

#include <gtest/gtest.h>

#include "telegram/encoding.h"

namespace tgmux::service {
namespace {

TEST(SafeFileName, KeepsANameInAnyScriptWhole) {
  EXPECT_EQ(SafeFileName("звіт"), "звіт") << "the last letter was dropped";
  EXPECT_EQ(SafeFileName("report 🎉"), "report 🎉");
  EXPECT_EQ(SafeFileName("фото.jpg"), "фото.jpg");
}

TEST(SafeFileName, ShowsBytesThatAreNotUtf8AsUnderscores) {
  EXPECT_EQ(SafeFileName("caf\xe9.jpg"), "caf_.jpg");
  EXPECT_EQ(SafeFileName("\xc3"), "_") << "a sequence cut short";
  EXPECT_EQ(SafeFileName("\xed\xa0\x80.txt"), "___.txt") << "a surrogate is not UTF-8";
}

TEST(SafeFileName, DropsDirectoriesControlsAndLeadingDots) {
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "etcpasswd");
  EXPECT_EQ(SafeFileName("a\\b\nc\x7f"), "abc");
  EXPECT_EQ(SafeFileName(" .hidden"), "hidden");
  EXPECT_EQ(SafeFileName("..."), "file");
  EXPECT_EQ(SafeFileName(""), "file");
}

TEST(SafeFileName, CutsAt255BytesBetweenCharacters) {
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "ж";  // two bytes each
  auto safe = SafeFileName(long_name);
  EXPECT_EQ(safe.size(), 254u);
  EXPECT_TRUE(telegram::IsValidUtf8(safe));
  EXPECT_EQ(SafeFileName(std::string(300, 'a')).size(), 255u);
}

}  // namespace
}  // namespace tgmux::service
