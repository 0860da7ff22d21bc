// Notification subscriptions in the store (both kinds): one per subscriber, kept
// per tenant, and gone with their subscriber.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

class NotificationsTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    store_ = db_.Open();
    ASSERT_TRUE(store_->InsertSubscriber({"sub_a", "ten_a", "bot_1", 5001, "Ann", 1}));
    ASSERT_TRUE(store_->InsertSubscriber({"sub_b", "ten_b", "bot_2", 5002, "Bob", 1}));
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(NotificationsTest, OneSubscriptionPerSubscriberKeptPerTenant) {
  store_->PutNotificationSubscription({"nsub_1", "ten_a", "sub_a", {"account.status"}, 10, 10});
  store_->PutNotificationSubscription({"nsub_2", "ten_b", "sub_b", {"account.status"}, 11, 11});
  auto found = store_->FindNotificationSubscriptionOf("sub_a");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "nsub_1");
  EXPECT_EQ(found->events, std::vector<std::string>{"account.status"});

  // A new subscription of the same subscriber replaces the old one.
  store_->PutNotificationSubscription({"nsub_3", "ten_a", "sub_a", {"account.status", "x"}, 12, 12});
  EXPECT_FALSE(store_->FindNotificationSubscription("nsub_1"));
  auto listed = store_->ListNotificationSubscriptions("ten_a");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, "nsub_3");
  EXPECT_EQ(listed[0].events.size(), 2u);

  EXPECT_FALSE(store_->DeleteNotificationSubscription("ten_a", "nsub_2"));  // another tenant's
  EXPECT_TRUE(store_->FindNotificationSubscription("nsub_2"));
  EXPECT_TRUE(store_->DeleteNotificationSubscription("ten_b", "nsub_2"));
  EXPECT_TRUE(store_->ListNotificationSubscriptions("ten_b").empty());
}

TEST_P(NotificationsTest, ASubscriptionGoesWithItsSubscriber) {
  store_->PutNotificationSubscription({"nsub_1", "ten_a", "sub_a", {"account.status"}, 10, 10});
  ASSERT_TRUE(store_->DeleteSubscriber("ten_a", "sub_a"));
  EXPECT_FALSE(store_->FindNotificationSubscription("nsub_1"));
  EXPECT_TRUE(store_->ListNotificationSubscriptions("ten_a").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, NotificationsTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
