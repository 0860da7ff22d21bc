#include "service/messaging/message_walks.h"

#include <gtest/gtest.h>

namespace tgmux::service::walks {
namespace {

TEST(ChatCursorTest, RoundTripsAPlaceInTheList) {
  ChatKey key{(std::int64_t{1763726400} << 32) | 17, -1001700000001};
  auto decoded = DecodeCursor(EncodeCursor(key));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, key);
}

TEST(ChatCursorTest, RefusesWhatItDidNotMake) {
  for (const char* cursor : {"", "_", "12", "12_", "_34", "12_34_56", "a_1", "1_b", "1 _2", "99999999999999999999_1"}) {
    EXPECT_FALSE(DecodeCursor(cursor).has_value()) << cursor;
  }
}

TEST(ChatCursorTest, OrdersLikeTheChatList) {
  // Later in the list means a smaller (order, chat_id).
  EXPECT_LT((ChatKey{5, 100}), (ChatKey{6, 1}));
  EXPECT_LT((ChatKey{5, -100}), (ChatKey{5, 100}));
}

}  // namespace
}  // namespace tgmux::service::walks
