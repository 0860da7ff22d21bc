// What makes a group message one message for every watcher, its link, and
// how the API's watch settings are read.
#include "service/watch/watched_message.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "service/watch/watch_settings.h"

namespace tgmux::service::watch {
namespace {

using telegram::ChatType;
using telegram::Message;

Message GroupMessage(ChatType type, std::int64_t message_id, const std::string& text) {
  Message m;
  m.chat_id = type == ChatType::kGroup ? -4001 : -1001234567890;
  m.chat_type = type;
  m.message_id = message_id;
  m.sender.user_id = 42;
  m.date = 1764158400;
  m.content_type = "text";
  m.text.text = text;
  return m;
}

TEST(WatchedMessage, SupergroupMessagesAreKeyedByIdBasicGroupOnesByContent) {
  // Two members of a supergroup see the same ids: one key.
  EXPECT_EQ(WatchKey(GroupMessage(ChatType::kSupergroup, 5 << 20, "hi")),
            WatchKey(GroupMessage(ChatType::kSupergroup, 5 << 20, "hi")));
  EXPECT_NE(WatchKey(GroupMessage(ChatType::kSupergroup, 5 << 20, "hi")),
            WatchKey(GroupMessage(ChatType::kSupergroup, 6 << 20, "hi")));
  // In a basic group each member has its own ids: the same message under two ids is one key...
  EXPECT_EQ(WatchKey(GroupMessage(ChatType::kGroup, 7 << 20, "hi")),
            WatchKey(GroupMessage(ChatType::kGroup, 9 << 20, "hi")));
  // ...and another text, sender or second is another message.
  EXPECT_NE(WatchKey(GroupMessage(ChatType::kGroup, 7 << 20, "hi")),
            WatchKey(GroupMessage(ChatType::kGroup, 7 << 20, "hi!")));
  auto other_sender = GroupMessage(ChatType::kGroup, 7 << 20, "hi");
  other_sender.sender.user_id = 43;
  EXPECT_NE(WatchKey(GroupMessage(ChatType::kGroup, 7 << 20, "hi")), WatchKey(other_sender));
  // The text is not in the key in clear.
  EXPECT_EQ(WatchKey(GroupMessage(ChatType::kGroup, 7 << 20, "secret words")).find("secret"), std::string::npos);
}

TEST(WatchedMessage, LinksForPublicAndPrivateSupergroupsNoneForBasicGroups) {
  EXPECT_EQ(MessageLink({-1001234567890, ChatType::kSupergroup, "Market", "flat_market"}, 5 << 20),
            "https://t.me/flat_market/5");
  EXPECT_EQ(MessageLink({-1001234567890, ChatType::kSupergroup, "Team", ""}, 38884ll << 20),
            "https://t.me/c/1234567890/38884");
  EXPECT_EQ(MessageLink({-4001, ChatType::kGroup, "Family", ""}, 5 << 20), std::nullopt);
}

TEST(WatchSettingsRequest, ReadsIdsUsernamesAndInviteLinksNamingWhatIsWrong) {
  auto settings = ParseWatchRequest({{"chats", {-1001, "-1002", "@flat_market", "https://t.me/+AbC123"}}});
  ASSERT_EQ(settings.chats.size(), 4u);
  EXPECT_EQ(settings.chats[0].chat_id, -1001);
  EXPECT_EQ(settings.chats[1].chat_id, -1002);
  EXPECT_EQ(settings.chats[2].kind, ChatRefKind::kUsername);
  EXPECT_EQ(settings.chats[3].kind, ChatRefKind::kInviteLink);
  EXPECT_FALSE(settings.all_groups);
  try {
    ParseWatchRequest({{"chats", {-1001, "flat market"}}});
    FAIL() << "accepted a name that is no chat";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("watch.chats[1]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseWatchRequest({{"chats", {42}}}), Error) << "a person's id";
  EXPECT_THROW(ParseWatchRequest({{"all_groups", "yes"}}), Error);
  EXPECT_THROW(ParseWatchRequest({{"groups", {-1}}}), Error) << "an unknown setting";

  // What the store keeps reads back; the watcher then knows which chats are in.
  settings.chats[2].chat_id = -1003;
  auto stored = WatchSettings::FromText(settings.ToJson().dump());
  EXPECT_TRUE(stored.Watches(-1003, ChatType::kSupergroup));
  EXPECT_FALSE(stored.Watches(-1009, ChatType::kSupergroup));
  EXPECT_EQ(stored.chats[3].kind, ChatRefKind::kInviteLink);
  WatchSettings all;
  all.all_groups = true;
  EXPECT_TRUE(all.Watches(-4001, ChatType::kGroup));
  EXPECT_FALSE(all.Watches(-1005, ChatType::kChannel)) << "channels only when listed";
  EXPECT_FALSE(all.Watches(42, ChatType::kPrivate));
}

}  // namespace
}  // namespace tgmux::service::watch
