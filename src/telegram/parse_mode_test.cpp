#include "telegram/parse_mode.h"

#include <gtest/gtest.h>

namespace tgmux::telegram {
namespace {

TEST(TelegramParseModes, OneNameEachBothWays) {
  for (auto mode : {ParseMode::kNone, ParseMode::kMarkdown, ParseMode::kMarkdownV2, ParseMode::kHtml}) {
    EXPECT_EQ(ParseModeFromName(ParseModeName(mode)), mode) << ParseModeName(mode);
  }
  EXPECT_EQ(ParseModeName(ParseMode::kMarkdownV2), "markdownv2");
  EXPECT_EQ(ParseModeFromName("MarkdownV2"), std::nullopt);
  EXPECT_EQ(ParseModeFromName("bbcode"), std::nullopt);
}

}  // namespace
}  // namespace tgmux::telegram
