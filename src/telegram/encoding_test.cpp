#include "telegram/encoding.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tgmux::telegram {
namespace {

TEST(TelegramEncoding, AcceptsValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("+15550001122"));
  EXPECT_TRUE(IsValidUtf8("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"));  // Привет
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));                                  // 😀
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbd"));                                      // U+FFFD
}

TEST(TelegramEncoding, RejectsInvalidUtf8) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));      // truncated
}

TEST(TelegramEncoding, FindsThePathOfTheBadString) {
  nlohmann::json request = {{"@type", "x"}, {"a", {{"b", {"ok", "\xff"}}}}};
  EXPECT_EQ(FindInvalidUtf8(request), "a.b[1]");
  EXPECT_EQ(FindInvalidUtf8(nlohmann::json{{"@type", "x"}, {"n", 1}}), std::nullopt);
}

TEST(TelegramEncoding, Base64MatchesRfc4648) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(EncodeBase64(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(TelegramEncoding, Base64DecodesWhatItEncodes) {
  for (std::string bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                            std::string("foobar"), std::string("\xff\x00\xfe", 3)}) {
    EXPECT_EQ(DecodeBase64(EncodeBase64(bytes)), bytes);
  }
  EXPECT_EQ(DecodeBase64("Zg"), "f");  // padding is optional
  EXPECT_EQ(DecodeBase64("Zm9v!"), std::nullopt);
  EXPECT_EQ(DecodeBase64("Zm9vY"), std::nullopt);  // one character left over
}

}  // namespace
}  // namespace tgmux::telegram
