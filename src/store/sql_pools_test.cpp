// Account pools' and tracked dialogs' tables of the store (both kinds): sends
// counted from the outbox, health counters, pool contacts, and a dialog that
// both the relay and the tracking write without undoing each other.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

class PoolsTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override { store_ = db_.Open(); }
  void AddAccount(const std::string& id, const std::string& pool) {
    Account a;
    a.id = id;
    a.tenant_id = "ten_a";
    a.status = AccountStatus::kActive;
    a.pool = pool;
    a.wrapped_data_key = a.td_key_sealed = "x";
    store_->InsertAccount(a);
  }
  void AddEntry(const std::string& id, const std::string& account, OutboxState state, std::int64_t created) {
    OutboxEntry e;
    e.id = id;
    e.tenant_id = "ten_a";
    e.account_id = account;
    e.to = e.text = "sealed";
    e.state = state;
    e.created_at = e.updated_at = created;
    ASSERT_TRUE(store_->InsertOutbox(e));
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(PoolsTest, SendsAreCountedFromTheOutboxPerAccountOfThePool) {
  AddAccount("acc_1", "sales");
  AddAccount("acc_2", "sales");
  AddAccount("acc_3", "other");
  AddEntry("msg_1", "acc_1", OutboxState::kSent, 100);    // yesterday
  AddEntry("msg_2", "acc_1", OutboxState::kSent, 1000);   // today
  AddEntry("msg_3", "acc_1", OutboxState::kFailed, 1001);  // today, failed: not counted
  AddEntry("msg_4", "acc_1", OutboxState::kQueued, 1002);  // today, waiting: counted
  AddEntry("msg_5", "acc_3", OutboxState::kSent, 1000);    // another pool
  auto counts = store_->CountPoolSends("ten_a", "sales", "", 500);
  ASSERT_EQ(counts.size(), 1u) << "acc_2 sent nothing";
  EXPECT_EQ(counts[0].account_id, "acc_1");
  EXPECT_EQ(counts[0].sent_total, 2);
  EXPECT_EQ(counts[0].since, 2);
  EXPECT_EQ(counts[0].last_at, 1002);
  EXPECT_TRUE(store_->CountPoolSends("ten_a", "sales", "acc_2", 500).empty());
  EXPECT_TRUE(store_->CountPoolSends("ten_b", "sales", "", 500).empty()) << "another tenant's pool";
}

TEST_P(PoolsTest, HealthCountersLimitsAndContactsGoWithTheAccount) {
  AddAccount("acc_1", "sales");
  EXPECT_FALSE(store_->FindAccountHealth("acc_1"));
  store_->CountAccountHealth("ten_a", "acc_1", HealthCounter::kFloodWaits);
  store_->CountAccountHealth("ten_a", "acc_1", HealthCounter::kFloodWaits);
  store_->CountAccountHealth("ten_a", "acc_1", HealthCounter::kBans);
  store_->SetAccountLimited("ten_a", "acc_1", 5000, "PEER_FLOOD");
  store_->SetAccountLimits("ten_a", "acc_1", R"({"daily_limit":3})");
  auto health = store_->FindAccountHealth("acc_1");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->flood_waits, 2);
  EXPECT_EQ(health->bans, 1);
  EXPECT_EQ(health->limited_until, 5000);
  EXPECT_EQ(health->limited_reason, "PEER_FLOOD");
  EXPECT_EQ(health->limits, R"({"daily_limit":3})");
  EXPECT_EQ(store_->ListAccountHealth("ten_a").size(), 1u);

  store_->PutPoolContact({"ten_a", "sales", "user:anna", "acc_1", 10});
  EXPECT_EQ(store_->FindPoolContact("ten_a", "sales", "user:anna")->account_id, "acc_1");
  store_->PutPoolContact({"ten_a", "sales", "user:anna", "acc_9", 11});  // rebound
  EXPECT_EQ(store_->FindPoolContact("ten_a", "sales", "user:anna")->account_id, "acc_9");
  EXPECT_FALSE(store_->FindPoolContact("ten_a", "other", "user:anna"));
  store_->PutPoolContact({"ten_a", "sales", "user:bob", "acc_1", 12});

  EXPECT_TRUE(store_->DeleteAccount("acc_1"));
  EXPECT_FALSE(store_->FindAccountHealth("acc_1"));
  EXPECT_FALSE(store_->FindPoolContact("ten_a", "sales", "user:bob"));
  EXPECT_TRUE(store_->FindPoolContact("ten_a", "sales", "user:anna")) << "acc_9's stays";
}

TEST_P(PoolsTest, TheRelayAndTheTrackingWriteTheirOwnFieldsOfOneDialog) {
  Dialog relay;
  relay.id = "dlg_relay";
  relay.tenant_id = "ten_a";
  relay.account_id = "acc_1";
  relay.peer_chat_id = 42;
  relay.title = "Anna · Ivan";
  relay.topic_id = 7;
  relay.last_message_at = 100;
  store_->PutDialog(relay);

  Dialog tracked = relay;  // opened by the API meanwhile, under another id
  tracked.id = "dlg_api";
  tracked.title = "";
  tracked.topic_id = 0;
  tracked.tracked = true;
  tracked.status = DialogStatus::kQualified;
  tracked.pool = "sales";
  tracked.contact = "user:anna";
  tracked.meta = R"({"crm":1})";
  tracked.last_message_at = 50;
  store_->TrackDialog(tracked);
  relay.closed = true;
  store_->PutDialog(relay);  // the relay writes what it read before

  auto d = store_->FindDialog("acc_1", 42);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, "dlg_relay") << "one dialog per account and peer";
  EXPECT_EQ(d->topic_id, 7);
  EXPECT_TRUE(d->closed);
  EXPECT_TRUE(d->tracked);
  EXPECT_EQ(d->status, DialogStatus::kQualified);
  EXPECT_EQ(d->meta, R"({"crm":1})");
  EXPECT_EQ(d->last_message_at, 100) << "the latest of both";
  EXPECT_EQ(store_->FindDialogByContact("acc_1", "user:anna")->id, "dlg_relay");
  EXPECT_EQ(store_->FindDialogById("dlg_relay")->pool, "sales");
  store_->TouchDialog("dlg_relay", 300);
  EXPECT_EQ(store_->FindDialogById("dlg_relay")->last_message_at, 300);

  DialogFilter qualified;
  qualified.status = DialogStatus::kQualified;
  EXPECT_EQ(store_->ListDialogs("ten_a", qualified, 0, 10).size(), 1u);
  qualified.pool = "other";
  EXPECT_TRUE(store_->ListDialogs("ten_a", qualified, 0, 10).empty());

  for (std::int64_t id : {5, 6, 7}) store_->PutDialogMessage({"dlg_relay", "acc_1", id, id == 6, id * 10, "sealed"});
  store_->PutDialogMessage({"dlg_relay", "acc_1", 6, false, 0, "again"});  // the first copy stays
  auto page = store_->ListDialogMessages("dlg_relay", 0, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].message_id, 7) << "newest first";
  EXPECT_TRUE(page[1].outgoing);
  EXPECT_EQ(page[1].data_sealed, "sealed");
  EXPECT_EQ(store_->ListDialogMessages("dlg_relay", 6, 10).size(), 1u);
  store_->DeleteAccount("acc_1");
  EXPECT_TRUE(store_->ListDialogMessages("dlg_relay", 0, 10).empty());
  EXPECT_FALSE(store_->FindDialogById("dlg_relay"));
}

INSTANTIATE_TEST_SUITE_P(Stores, PoolsTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
