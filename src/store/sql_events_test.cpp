// The event log and webhooks of the store (both kinds): per-tenant seq, dedup keys,
// filters, retention, checkpoints, webhook rows.
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

Event Make(const std::string& tenant, const std::string& id, const std::string& type, const std::string& account,
           std::int64_t created_at, const std::string& dedup = "") {
  return Event{tenant, 0, id, type, account, created_at, dedup, "sealed-" + id};
}

class EventsTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override { store_ = db_.Open(); }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(EventsTest, EachTenantCountsItsOwnSeqFromOne) {
  auto written = store_->AppendEvents({Make("ten_a", "e1", "message.received", "acc_1", 10),
                                       Make("ten_b", "e2", "message.received", "acc_2", 10),
                                       Make("ten_a", "e3", "chat.read", "acc_1", 11)});
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0].seq, 1);
  EXPECT_EQ(written[1].seq, 1);
  EXPECT_EQ(written[2].seq, 2);
  EXPECT_EQ(store_->LastEventSeq("ten_a"), 2);
  EXPECT_EQ(store_->LastEventSeq("ten_b"), 1);
  EXPECT_EQ(store_->LastEventSeq("ten_c"), 0);
  auto a = store_->ListEvents(EventQuery{"ten_a", 0, 100, {}, {}});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].id, "e1");
  EXPECT_EQ(a[1].data, "sealed-e3");
  EXPECT_EQ(store_->ListEvents(EventQuery{"ten_a", 1, 100, {}, {}}).size(), 1u);
}

TEST_P(EventsTest, ADedupKeyIsWrittenOncePerTenantAndSpendsNoSeq) {
  store_->AppendEvents({Make("ten_a", "e1", "message.received", "acc_1", 10, "received:acc_1:5:7")});
  auto again = store_->AppendEvents({Make("ten_a", "e2", "message.received", "acc_1", 11, "received:acc_1:5:7"),
                                     Make("ten_a", "e3", "message.received", "acc_1", 11, "received:acc_1:5:8"),
                                     Make("ten_b", "e4", "message.received", "acc_9", 11, "received:acc_1:5:7")});
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].id, "e3");
  EXPECT_EQ(again[0].seq, 2);  // no hole where the duplicate was refused
  EXPECT_EQ(again[1].id, "e4");
  // Events without a key may repeat.
  EXPECT_EQ(store_->AppendEvents({Make("ten_a", "e5", "chat.read", "acc_1", 12),
                                  Make("ten_a", "e6", "chat.read", "acc_1", 12)}).size(), 2u);
}

TEST_P(EventsTest, FiltersByTypesAndAccountsAndLimits) {
  store_->AppendEvents({Make("ten_a", "e1", "message.received", "acc_1", 10),
                        Make("ten_a", "e2", "chat.read", "acc_1", 10),
                        Make("ten_a", "e3", "message.received", "acc_2", 10),
                        Make("ten_a", "e4", "account.status", "acc_3", 10)});
  auto received = store_->ListEvents(EventQuery{"ten_a", 0, 100, {"message.received"}, {}});
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].id, "e3");
  auto of_two = store_->ListEvents(EventQuery{"ten_a", 0, 100, {}, {"acc_1", "acc_3"}});
  ASSERT_EQ(of_two.size(), 3u);
  EXPECT_EQ(of_two[2].id, "e4");
  auto both = store_->ListEvents(EventQuery{"ten_a", 0, 100, {"message.received", "chat.read"}, {"acc_1"}});
  EXPECT_EQ(both.size(), 2u);
  EXPECT_EQ(store_->ListEvents(EventQuery{"ten_a", 0, 1, {}, {}}).size(), 1u);
  EXPECT_TRUE(store_->ListEvents(EventQuery{"ten_b", 0, 100, {}, {}}).empty());
  // Counted with the same filters, without the limit (a webhook's backlog).
  EXPECT_EQ(store_->CountEvents(EventQuery{"ten_a", 0, 1, {}, {}}), 4);
  EXPECT_EQ(store_->CountEvents(EventQuery{"ten_a", 1, 1, {"message.received"}, {}}), 1);
  EXPECT_EQ(store_->CountEvents(EventQuery{"ten_a", 0, 1, {"message.received", "chat.read"}, {"acc_1"}}), 2);
  EXPECT_EQ(store_->CountEvents(EventQuery{"ten_b", 0, 100, {}, {}}), 0);
}

TEST_P(EventsTest, RetentionRemovesOldEventsAndKeepsTheSeqGoing) {
  store_->AppendEvents({Make("ten_a", "e1", "chat.read", "acc_1", 100), Make("ten_a", "e2", "chat.read", "acc_1", 200)});
  EXPECT_EQ(store_->DeleteEventsBefore(150), 1);
  auto left = store_->ListEvents(EventQuery{"ten_a", 0, 100, {}, {}});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "e2");
  EXPECT_EQ(store_->AppendEvents({Make("ten_a", "e3", "chat.read", "acc_1", 300)})[0].seq, 3);
  // Even when retention removed every event of the tenant.
  EXPECT_EQ(store_->DeleteEventsBefore(1000), 2);
  EXPECT_EQ(store_->LastEventSeq("ten_a"), 3);
  EXPECT_EQ(store_->AppendEvents({Make("ten_a", "e4", "chat.read", "acc_1", 2000)})[0].seq, 4);
}

TEST_P(EventsTest, CheckpointsAreKeptPerAccount) {
  EXPECT_EQ(store_->GetEventCheckpoint("acc_1"), 0);
  store_->SetEventCheckpoint("acc_1", 1000);
  store_->SetEventCheckpoint("acc_1", 2000);
  store_->SetEventCheckpoint("acc_2", 5);
  EXPECT_EQ(store_->GetEventCheckpoint("acc_1"), 2000);
  EXPECT_EQ(store_->GetEventCheckpoint("acc_2"), 5);
}

TEST_P(EventsTest, WebhooksAreStoredUpdatedListedPerTenantAndDeleted) {
  Webhook w;
  w.id = "whk_1";
  w.tenant_id = "ten_a";
  w.url = "https://example.test/hook";
  w.types = {"message.received"};
  w.account_ids = {"acc_1", "acc_2"};
  w.secret_sealed = std::string("\0sealed", 7);
  w.delivered_seq = 4;
  w.created_at = w.updated_at = 1;
  store_->InsertWebhook(w);
  Webhook other = w;
  other.id = "whk_2";
  other.tenant_id = "ten_b";
  other.types.clear();
  store_->InsertWebhook(other);

  auto found = store_->FindWebhook("whk_1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->types, w.types);
  EXPECT_EQ(found->account_ids, w.account_ids);
  EXPECT_EQ(found->secret_sealed, w.secret_sealed);
  EXPECT_EQ(found->delivered_seq, 4);
  found->state = WebhookState::kDisabled;
  found->attempts = 3;
  found->last_error = "HTTP 500";
  EXPECT_TRUE(store_->UpdateWebhook(*found));
  EXPECT_EQ(store_->FindWebhook("whk_1")->last_error, "HTTP 500");
  EXPECT_EQ(store_->FindWebhook("whk_1")->state, WebhookState::kDisabled);
  EXPECT_EQ(store_->FindWebhook("whk_2")->state, WebhookState::kActive);
  EXPECT_EQ(store_->ListWebhooks("ten_a").size(), 1u);
  EXPECT_EQ(store_->ListWebhooks("").size(), 2u);
  EXPECT_TRUE(store_->FindWebhook("whk_2")->types.empty());
  EXPECT_FALSE(store_->DeleteWebhook("ten_b", "whk_1"));  // not B's
  EXPECT_TRUE(store_->DeleteWebhook("ten_a", "whk_1"));
  EXPECT_FALSE(store_->FindWebhook("whk_1"));
}

// Writers on several connections (PostgreSQL's pool, or SQLite's one in
// turn) never give one seq twice nor skip one.
TEST_P(EventsTest, ConcurrentWritersGetEverySeqOnce) {
  constexpr int kWriters = 4;
  constexpr int kBatches = 20;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        const std::string id = "w" + std::to_string(w) + "_" + std::to_string(b);
        store_->AppendEvents({Make("ten_a", id + "a", "message.received", "acc_1", 10),
                              Make("ten_b", id + "b", "message.received", "acc_2", 10),
                              Make("ten_a", id + "c", "message.received", "acc_1", 10)});
      }
    });
  }
  for (auto& writer : writers) writer.join();
  auto a = store_->ListEvents(EventQuery{"ten_a", 0, 1000, {}, {}});
  ASSERT_EQ(a.size(), 2u * kWriters * kBatches);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(store_->LastEventSeq("ten_b"), kWriters * kBatches);
}

// Several nodes: a store hears the batches other processes append, each with
// its tenant and newest seq (the node's live tail relies on that), never its own.
TEST_P(EventsTest, AnotherWriterIsHeardWithEachTenantsNewestSeq) {
  if (GetParam() != testing::StoreKind::kPostgres) GTEST_SKIP() << "one process writes SQLite: nothing to hear";
  auto listener = db_.Open();
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::string, std::int64_t>> heard;
  bool probe_heard = false;
  auto listening = listener->ListenForEvents([&](const std::string& tenant, std::int64_t seq) {
    std::lock_guard lock(mutex);
    if (tenant == "ten_p") probe_heard = true;
    else heard.emplace_back(tenant, seq);
    changed.notify_all();
  });
  ASSERT_NE(listening, nullptr);
  auto hear = [&](const std::function<bool()>& done, std::chrono::milliseconds within) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, within, done);
  };
  // Its LISTEN starts on a thread of its own: write until it hears one.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int probes = 0;
  do {
    store_->AppendEvents({Make("ten_p", "probe" + std::to_string(++probes), "chat.read", "acc_1", 10)});
  } while (!hear([&] { return probe_heard; }, std::chrono::milliseconds(100)) &&
           std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(hear([&] { return probe_heard; }, std::chrono::milliseconds(0))) << "the listener never heard a batch";
  listener->AppendEvents({Make("ten_a", "own", "chat.read", "acc_1", 10)});  // its own: not heard
  auto written = store_->AppendEvents({Make("ten_a", "e1", "message.received", "acc_1", 10),
                                       Make("ten_b", "e2", "message.received", "acc_2", 10),
                                       Make("ten_a", "e3", "message.received", "acc_1", 10)});
  ASSERT_EQ(written.size(), 3u);
  ASSERT_TRUE(hear([&] { return heard.size() >= 2; }, std::chrono::seconds(10)));
  std::lock_guard lock(mutex);
  std::set<std::pair<std::string, std::int64_t>> got(heard.begin(), heard.end());
  EXPECT_EQ(got, (std::set<std::pair<std::string, std::int64_t>>{{"ten_a", written[2].seq}, {"ten_b", written[1].seq}}))
      << "one word per tenant of the batch, with its newest seq; the listener's own batch unheard";
  EXPECT_EQ(written[2].seq, 3) << "after the listener's own event 1 and e1";
}

INSTANTIATE_TEST_SUITE_P(Stores, EventsTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store
