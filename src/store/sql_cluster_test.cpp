// The cluster's tables of the store (both kinds): a lease goes to one node at
// a time, moves only once it is given back or expired (its epoch growing each
// time), renewing answers exactly the leases the node still holds, and
// snapshots are kept per account.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

class ClusterStoreTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    store_ = db_.Open();
    for (const char* id : {"acc_1", "acc_2"}) {
      Account a;
      a.id = id;
      a.wrapped_data_key = a.td_key_sealed = "x";
      store_->InsertAccount(a);
    }
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(ClusterStoreTest, ALeaseIsOneNodesUntilGivenBackOrExpired) {
  auto first = store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_a", 1000, 20000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->node_id, "node_a");
  EXPECT_EQ(first->epoch, 1);
  // Held and not expired (expires at 20000, a claim accepts expiry before 15000).
  EXPECT_FALSE(store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_b", 15000, 30000));
  // Expired before 25000: node_b takes it under the next epoch.
  auto taken = store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_b", 25000, 40000);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->node_id, "node_b");
  EXPECT_EQ(taken->epoch, 2);
  // node_a's renewal no longer includes it; node_b's does.
  EXPECT_TRUE(store_->RenewLeases(LeaseKind::kAccount, "node_a", 50000).empty());
  auto renewed = store_->RenewLeases(LeaseKind::kAccount, "node_b", 50000);
  ASSERT_EQ(renewed.size(), 1u);
  EXPECT_EQ(renewed[0].subject, "acc_1");
  EXPECT_EQ(renewed[0].expires_at, 50000);
  // Given back under a stale epoch: refused; under its own: free at once.
  EXPECT_FALSE(store_->ReleaseLease(LeaseKind::kAccount, "acc_1", "node_b", 1));
  EXPECT_TRUE(store_->ReleaseLease(LeaseKind::kAccount, "acc_1", "node_b", 2));
  auto back = store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_a", 0, 60000);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->epoch, 3);
  auto leases = store_->ListLeases(LeaseKind::kAccount);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].node_id, "node_a");
}

TEST_P(ClusterStoreTest, NodesBeatAndLeave) {
  store_->BeatNode({"node_a", "http://127.0.0.1:1", 100, 100, 10100, 0});
  store_->BeatNode({"node_b", "http://127.0.0.1:2", 200, 200, 10200, 0});
  store_->BeatNode({"node_a", "http://127.0.0.1:1", 100, 3000, 13000, 7, R"({"webhooks":2})"});
  auto nodes = store_->ListNodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].id, "node_a");
  EXPECT_EQ(nodes[0].expires_at, 13000);
  EXPECT_EQ(nodes[0].accounts, 7);
  EXPECT_EQ(nodes[0].load, R"({"webhooks":2})");
  EXPECT_EQ(nodes[1].load, "{}");
  store_->RemoveNode("node_a");
  nodes = store_->ListNodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].id, "node_b");
}

TEST_P(ClusterStoreTest, SnapshotsAreKeptPerAccountAndGoWithIt) {
  const std::string bytes("\x00\xff sealed \x01", 11);
  store_->PutSnapshot({"acc_1", bytes, 5});
  store_->PutSnapshot({"acc_1", bytes + "2", 6});
  auto found = store_->FindSnapshot("acc_1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sealed, bytes + "2");
  EXPECT_EQ(found->taken_at, 6);
  EXPECT_FALSE(store_->FindSnapshot("acc_2"));
  EXPECT_EQ(store_->ListSnapshotAccounts(), std::vector<std::string>{"acc_1"});
  ASSERT_TRUE(store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_a", 0, 100));
  store_->DeleteAccount("acc_1");
  EXPECT_FALSE(store_->FindSnapshot("acc_1"));
  EXPECT_TRUE(store_->ListLeases(LeaseKind::kAccount).empty());
}

TEST_P(ClusterStoreTest, WorkLeasesAreKeptApartFromAccountsAndDroppedWhenTheWorkIsGone) {
  // Work needs no row of its own elsewhere: any subject.
  auto hook = store_->ClaimLease(LeaseKind::kWork, "webhook:whk_1", "node_a", 0, 20000);
  ASSERT_TRUE(hook);
  EXPECT_EQ(hook->epoch, 1);
  EXPECT_FALSE(store_->ClaimLease(LeaseKind::kWork, "webhook:whk_1", "node_b", 15000, 30000));
  ASSERT_TRUE(store_->ClaimLease(LeaseKind::kAccount, "acc_1", "node_a", 0, 20000));
  // Each renewal answers its own kind only.
  auto work = store_->RenewLeases(LeaseKind::kWork, "node_a", 40000);
  ASSERT_EQ(work.size(), 1u);
  EXPECT_EQ(work[0].subject, "webhook:whk_1");
  auto accounts = store_->RenewLeases(LeaseKind::kAccount, "node_a", 40000);
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].subject, "acc_1");
  // The work is gone: its lease too, and the holder's renewal no longer has it.
  store_->DropLease(LeaseKind::kWork, "webhook:whk_1");
  EXPECT_TRUE(store_->ListLeases(LeaseKind::kWork).empty());
  EXPECT_TRUE(store_->RenewLeases(LeaseKind::kWork, "node_a", 50000).empty());
  EXPECT_EQ(store_->ListLeases(LeaseKind::kAccount).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ClusterStoreTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
