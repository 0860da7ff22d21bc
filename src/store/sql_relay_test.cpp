// The relay's tables of the store (both kinds): one relay per account, one dialog
// per account and peer (found again by its topic or header post), the posts
// by the message they mirror and by the post, the bot's cursor, and what an
// unlinked account or a deleted bot takes with it.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

class RelayTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override { store_ = db_.Open(); }
  Dialog MakeDialog(const std::string& id, const std::string& account, std::int64_t peer, std::int64_t last) {
    Dialog d;
    d.id = id;
    d.tenant_id = "ten_a";
    d.account_id = account;
    d.peer_chat_id = peer;
    d.title = "Anna · Ivan";
    d.relay_group_chat_id = -1001;
    d.topic_id = peer * 10;
    d.first_message_at = d.created_at = 10;
    d.last_message_at = d.updated_at = last;
    return d;
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(RelayTest, OneRelayPerAccountListedByBot) {
  store_->PutRelay({"acc_1", "ten_a", "bot_1", -1001, "topics", "[]", 5, 1, 1});
  store_->PutRelay({"acc_2", "ten_a", "bot_2", -1002, "replies", "[7]", 6, 2, 2});
  store_->PutRelay({"acc_1", "ten_a", "bot_1", -1003, "replies", "[]", 5, 1, 3});  // replaced
  auto relay = store_->FindRelay("acc_1");
  ASSERT_TRUE(relay);
  EXPECT_EQ(relay->group_chat_id, -1003);
  EXPECT_EQ(relay->mode, "replies");
  ASSERT_EQ(store_->ListRelays("bot_1").size(), 1u);
  EXPECT_EQ(store_->ListRelays("").size(), 2u);
  EXPECT_TRUE(store_->DeleteRelay("acc_2"));
  EXPECT_FALSE(store_->FindRelay("acc_2"));
}

TEST_P(RelayTest, DialogsAreFoundByPeerTopicAndHeaderNewestFirst) {
  store_->PutDialog(MakeDialog("dlg_1", "acc_1", 11, 100));
  store_->PutDialog(MakeDialog("dlg_2", "acc_1", 12, 300));
  Dialog other = MakeDialog("dlg_3", "acc_2", 11, 200);
  other.header_message_id = 77;
  other.topic_id = 0;
  store_->PutDialog(other);
  EXPECT_EQ(store_->FindDialog("acc_1", 12)->id, "dlg_2");
  EXPECT_EQ(store_->FindDialogByTopic(-1001, 110)->id, "dlg_1");
  EXPECT_EQ(store_->FindDialogByHeader(-1001, 77)->id, "dlg_3");
  EXPECT_FALSE(store_->FindDialogByTopic(-1002, 110)) << "another group's topic";
  auto all = store_->ListDialogs("ten_a", {}, 0, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "dlg_2");
  EXPECT_EQ(all[2].id, "dlg_1");
  EXPECT_EQ(store_->ListDialogs("ten_a", {"acc_1"}, 0, 10).size(), 2u);
  EXPECT_EQ(store_->ListDialogs("ten_a", {}, 300, 10).size(), 2u) << "before the newest";
  EXPECT_TRUE(store_->ListDialogs("ten_b", {}, 0, 10).empty()) << "another tenant sees none";
}

// A tracked dialog's meta is sealed: bytes that are not text (PostgreSQL's TEXT
// would refuse them) come back exactly.
TEST_P(RelayTest, ADialogsSealedMetaKeepsEveryByte) {
  Dialog d = MakeDialog("dlg_m", "acc_1", 11, 100);
  d.tracked = true;
  d.meta = std::string("\x00\xff\xfe sealed \x80", 12);
  store_->PutDialog(d);
  auto found = store_->FindDialog("acc_1", 11);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->meta, d.meta);
}

TEST_P(RelayTest, PostsByMessageAndByPostAndWhatGoesWithAnAccountOrABot) {
  store_->PutRelayPost({"acc_1", 11, 1 << 20, -1001, 500, "customer", "", 2, 9});
  store_->PutRelayPost({"acc_1", 11, 2 << 20, -1001, 500, "customer", "", 2, 9});
  auto post = store_->FindRelayPost("acc_1", 11, 1 << 20);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->post_message_id, 500);
  EXPECT_EQ(post->parts, 2);
  auto by_post = store_->FindRelayPostByPost(-1001, 500);
  ASSERT_TRUE(by_post);
  EXPECT_EQ(by_post->message_id, 2 << 20) << "the newest message of a merged post";

  store_->DeleteRelayPost("acc_1", 11, 2 << 20);
  EXPECT_FALSE(store_->FindRelayPost("acc_1", 11, 2 << 20));
  EXPECT_EQ(store_->FindRelayPostByPost(-1001, 500)->message_id, 1 << 20);

  store_->SetRelayCursor("bot_1", 41);
  store_->SetRelayCursor("bot_1", 42);
  EXPECT_EQ(store_->RelayCursor("bot_1"), 42);
  EXPECT_EQ(store_->RelayCursor("bot_2"), 0);

  Account account;
  account.id = "acc_1";
  account.tenant_id = "ten_a";
  store_->InsertAccount(account);
  store_->PutRelay({"acc_1", "ten_a", "bot_1", -1001, "topics", "[]", 5, 1, 1});
  store_->PutDialog(MakeDialog("dlg_1", "acc_1", 11, 100));
  ASSERT_TRUE(store_->DeleteAccount("acc_1"));
  EXPECT_FALSE(store_->FindRelay("acc_1"));
  EXPECT_FALSE(store_->FindDialog("acc_1", 11));
  EXPECT_FALSE(store_->FindRelayPost("acc_1", 11, 1 << 20)) << "an unlinked account's posts go with it";
}

INSTANTIATE_TEST_SUITE_P(Stores, RelayTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
