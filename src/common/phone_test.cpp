#include "common/phone.h"

#include <gtest/gtest.h>

namespace tgmux {
namespace {

TEST(PhoneNormalize, AcceptsTheFormsPeopleType) {
  const std::pair<const char*, const char*> cases[] = {
      {"+380 (50) 123-45-67", "+380501234567"},
      {"00380501234567", "+380501234567"},
      {"+1 555-000-1122", "+15550001122"},
      {"380501234567", "+380501234567"},
      {"  +44 20.7946.0958 ", "+442079460958"},
      {"+49\t30 1234 5678", "+493012345678"},
      {"+123456789012345", "+123456789012345"},  // 15 digits, the E.164 maximum
      {"+12345678", "+12345678"},                // 8 digits, the shortest accepted
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(NormalizePhone(input), std::optional<std::string>(expected)) << input;
  }
}

TEST(PhoneNormalize, RejectsEverythingElse) {
  const char* cases[] = {
      "",
      "   ",
      "+",
      "phone",
      "+380 50 12a 45 67",
      "++380501234567",
      "+380+501234567",
      "380501234567+",
      "+380 50 123 45 67 ext 2",
      "1234567",            // 7 digits: too short
      "+1234567890123456",  // 16 digits: too long
      "0501234567",         // national form: no country code
      "+0501234567",
      "000380501234567",
      "((380)) 501234567",
      "380) 50 (1234567",
      "+380 (50 1234567",
      "+380/501234567",
      "+380_501234567",
  };
  for (const char* input : cases) {
    EXPECT_EQ(NormalizePhone(input), std::nullopt) << '"' << input << '"';
  }
}

TEST(PhoneMask, KeepsThePlusTheFirstThreeAndTheLastTwoDigits) {
  EXPECT_EQ(MaskPhone("+380501234567"), "+380*******67");
  EXPECT_EQ(MaskPhone("+15550001122"), "+155******22");
  EXPECT_EQ(MaskPhone("+12345678"), "+123***78");
}

TEST(PhoneMask, MasksShortInputsEntirely) {
  EXPECT_EQ(MaskPhone("+1234567"), "+*******");
  EXPECT_EQ(MaskPhone("+12"), "+**");
  EXPECT_EQ(MaskPhone("12345"), "*****");
  EXPECT_EQ(MaskPhone("+"), "+");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(PhoneMask, NeverShowsTheMiddleDigits) {
  const std::string phone = *NormalizePhone("+380 (50) 987-65-43");
  const std::string masked = MaskPhone(phone);
  EXPECT_EQ(masked.size(), phone.size());
  EXPECT_EQ(masked.find("98765"), std::string::npos);
  EXPECT_EQ(masked.substr(4, 7), "*******");
}

}  // namespace
}  // namespace tgmux
