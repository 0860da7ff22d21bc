// The watcher's tables of the store (both kinds): a group message once per tenant,
// one match per message and subscriber, what stays pending across a restart,
// the hourly count, the per-author cooldown's clock, and pruning that never
// drops a pending notification.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

WatchMessage Message(const std::string& id, const std::string& key, const std::string& tenant = "ten_a") {
  WatchMessage m;
  m.id = id;
  m.tenant_id = tenant;
  m.dedup_key = key;
  m.account_id = "acc_1";
  m.chat_id = -100123;
  m.message_id = 1 << 20;
  m.author_id = 42;
  m.data_sealed = std::string("sealed\0data", 11);
  m.created_at = 100;
  return m;
}

WatchMatch Match(const std::string& id, const std::string& message, const std::string& subscriber,
                 std::int64_t created_at = 100) {
  WatchMatch m;
  m.id = id;
  m.tenant_id = "ten_a";
  m.message_id = message;
  m.subscriber_id = subscriber;
  m.rule_id = "wr_1";
  m.author_id = 42;
  m.created_at = m.updated_at = created_at;
  return m;
}

class WatchTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override { store_ = db_.Open(); }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(WatchTest, AGroupMessageIsKeptOncePerTenant) {
  EXPECT_TRUE(store_->InsertWatchMessage(Message("wmsg_1", "sg:-100123:1048576"), {}));
  // A second watcher's copy: neither it nor its matches are written.
  EXPECT_FALSE(store_->InsertWatchMessage(Message("wmsg_2", "sg:-100123:1048576"), {Match("wm_9", "wmsg_2", "sub_a")}));
  EXPECT_FALSE(store_->FindWatchMatch("wm_9"));
  EXPECT_TRUE(store_->InsertWatchMessage(Message("wmsg_3", "sg:-100123:1048576", "ten_b"), {}));
  auto found = store_->FindWatchMessage("wmsg_1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->data_sealed, std::string("sealed\0data", 11));
  EXPECT_EQ(found->author_id, 42);
  EXPECT_FALSE(store_->FindWatchMessage("wmsg_2"));
}

TEST_P(WatchTest, OneMatchPerMessageAndSubscriberAndPendingOnesSurvive) {
  // The message comes with its rule matches, in one transaction.
  ASSERT_TRUE(store_->InsertWatchMessage(Message("wmsg_1", "k1"), {Match("wm_1", "wmsg_1", "sub_a")}));
  EXPECT_TRUE(store_->FindWatchMatch("wm_1"));
  EXPECT_FALSE(store_->InsertWatchMatch(Match("wm_2", "wmsg_1", "sub_a")));
  EXPECT_TRUE(store_->InsertWatchMatch(Match("wm_3", "wmsg_1", "sub_b", 101)));
  EXPECT_EQ(store_->ListPendingWatchMatches(10).size(), 2u);

  auto match = *store_->FindWatchMatchFor("wmsg_1", "sub_a");
  EXPECT_EQ(match.id, "wm_1");
  match.notify_state = WatchNotifyState::kSent;
  match.answer_state = WatchAnswerState::kQueued;
  match.notified_at = 5000;
  match.bot_message_id = 77;
  ASSERT_TRUE(store_->UpdateWatchMatch(match));
  auto pending = store_->ListPendingWatchMatches(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, "wm_3");
  auto read = *store_->FindWatchMatch("wm_1");
  EXPECT_EQ(read.answer_state, WatchAnswerState::kQueued);
  EXPECT_EQ(read.bot_message_id, 77);

  EXPECT_EQ(store_->CountWatchNotified("sub_a", 4000), 1);
  EXPECT_EQ(store_->CountWatchNotified("sub_a", 5001), 0);
  EXPECT_EQ(store_->CountWatchNotified("sub_b", 0), 0);
  EXPECT_EQ(store_->LastWatchMatchAt("wr_1", 42), 101);
  EXPECT_EQ(store_->LastWatchMatchAt("wr_1", 43), 0);

  // Newest first.
  auto listed = store_->ListWatchMatches("ten_a", 0, 10);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "wm_3");
  EXPECT_EQ(store_->ListWatchMatches("ten_a", 101, 10).size(), 1u);
  EXPECT_TRUE(store_->ListWatchMatches("ten_b", 0, 10).empty());

  // Pruning keeps the pending match and the message it needs.
  store_->DeleteWatchBefore(1000);
  EXPECT_FALSE(store_->FindWatchMatch("wm_1"));
  EXPECT_TRUE(store_->FindWatchMatch("wm_3"));
  EXPECT_TRUE(store_->FindWatchMessage("wmsg_1"));
}

TEST_P(WatchTest, RulesAndSubscribersBelongToTheirTenant) {
  WatchRule rule{"wr_1", "ten_a", "leads", R"({"any":["buy"]})", true, 1, 1};
  store_->PutWatchRule(rule);
  rule.enabled = false;
  store_->PutWatchRule(rule);
  ASSERT_EQ(store_->ListWatchRules("ten_a").size(), 1u);
  EXPECT_FALSE(store_->FindWatchRule("wr_1")->enabled);
  EXPECT_TRUE(store_->ListWatchRules("ten_b").empty());
  EXPECT_FALSE(store_->DeleteWatchRule("ten_b", "wr_1"));
  EXPECT_TRUE(store_->DeleteWatchRule("ten_a", "wr_1"));

  EXPECT_TRUE(store_->InsertSubscriber({"sub_1", "ten_a", "bot_1", 5001, "Ann", 1}));
  EXPECT_FALSE(store_->InsertSubscriber({"sub_2", "ten_a", "bot_1", 5001, "Ann", 2}));
  EXPECT_EQ(store_->FindSubscriberByUser("bot_1", 5001)->id, "sub_1");
  EXPECT_FALSE(store_->FindSubscriberByUser("bot_2", 5001));
  EXPECT_FALSE(store_->DeleteSubscriber("ten_b", "sub_1"));
  EXPECT_TRUE(store_->DeleteSubscriber("ten_a", "sub_1"));
  EXPECT_TRUE(store_->ListSubscribers("").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, WatchTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
