// What the relay posts: titles within Telegram's limit, authors in bold where
// they change, the message's own formatting moved along with it (only what a
// bot may set), and what a message carries besides text.
#include "bots/relay/relay_text.h"

#include <gtest/gtest.h>

namespace tgmux::bots::relay_text {
namespace {

using nlohmann::json;

TEST(RelayTextTest, ATitleNamesTheCustomerAndTheAccountWithinTelegramsLimit) {
  EXPECT_EQ(DialogTitle("Anna Petrova (@anna)", "Ivan"), "Anna Petrova (@anna) · Ivan");
  const std::string title = DialogTitle(std::string(200, 'a'), std::string(50, 'b'));
  EXPECT_LE(title.size(), 128u + 6);  // two cuts end in "…" (3 bytes each)
  EXPECT_NE(title.find(" · b"), std::string::npos) << title;
}

TEST(RelayTextTest, AuthorsAreBoldWhereTheyChangeAndFormattingMovesWithTheText) {
  json first = {{"text", "hi there"}, {"entities", {{{"type", "italic"}, {"offset", 3}, {"length", 5}},
                                                   {{"type", "url"}, {"offset", 0}, {"length", 2}}}}};
  json second = {{"text", "again"}};
  json third = {{"text", "ok"}};
  auto post = PostText({{"Carl", first}, {"Carl", second}, {"Ivan (employee)", third}});
  EXPECT_EQ(post.text, "Carl:\nhi there\nagain\nIvan (employee):\nok");
  ASSERT_EQ(post.entities.size(), 3u);
  EXPECT_EQ(post.entities[0], (telegram::TextEntity{"bold", 0, 5}));
  EXPECT_EQ(post.entities[1], (telegram::TextEntity{"italic", 9, 5})) << "shifted past \"Carl:\\n\"";
  EXPECT_EQ(post.entities[2], (telegram::TextEntity{"bold", 21, 16}));
}

TEST(RelayTextTest, ACustomersOwnTopicNeedsNoAuthorAndNotesAreItalic) {
  auto post = PostText({{"", {{"text", "привет"}, {"entities", {{{"type", "bold"}, {"offset", 0}, {"length", 6}}}}}}},
                       "edited");
  EXPECT_EQ(post.text, "привет (edited)");
  ASSERT_EQ(post.entities.size(), 2u);
  EXPECT_EQ(post.entities[0], (telegram::TextEntity{"bold", 0, 6}));
  EXPECT_EQ(post.entities[1], (telegram::TextEntity{"italic", 7, 8}));
  auto photo = PostText({{"", {{"text", "look"}, {"content_type", "photo"}}}});
  EXPECT_EQ(photo.text, "[photo] look");
}

}  // namespace
}  // namespace tgmux::bots::relay_text
