#include "service/events/webhook_lanes.h"

#include <gtest/gtest.h>

namespace tgmux::service {
namespace {

nlohmann::json Event(std::int64_t seq, const std::string& account) {
  return {{"seq", seq}, {"id", "evt_" + std::to_string(seq)}, {"type", "message.received"},
          {"account_id", account.empty() ? nlohmann::json(nullptr) : nlohmann::json(account)}};
}

std::vector<std::int64_t> Seqs(const std::vector<WebhookDelivery>& deliveries) {
  std::vector<std::int64_t> out;
  for (const auto& d : deliveries) out.push_back(d.seq);
  return out;
}

store::Webhook Stored(std::int64_t delivered_seq) {
  store::Webhook w;
  w.delivered_seq = delivered_seq;
  return w;
}

TEST(WebhookLanesTest, EachAccountGetsItsEventsOneAtATimeInLogOrder) {
  WebhookLanes lanes(Stored(10));
  lanes.Add({Event(11, "acc_a"), Event(12, "acc_b"), Event(13, "acc_a"), Event(14, ""), Event(15, "acc_b")});
  // The oldest of each account (and of the events about no account) at once.
  EXPECT_EQ(Seqs(lanes.Take(0)), (std::vector<std::int64_t>{14, 11, 12}));
  EXPECT_TRUE(lanes.Take(0).empty()) << "nothing more while each lane has one in flight";
  lanes.Delivered("acc_b");
  EXPECT_EQ(Seqs(lanes.Take(0)), (std::vector<std::int64_t>{15}));
  EXPECT_EQ(lanes.delivered_seq(), 10) << "11 is not delivered yet";
  lanes.Delivered("acc_a");
  EXPECT_EQ(lanes.delivered_seq(), 12);
  EXPECT_EQ(Seqs(lanes.Take(0)), (std::vector<std::int64_t>{13}));
  lanes.Delivered("acc_a");
  lanes.Delivered("acc_b");
  lanes.Delivered("");
  EXPECT_EQ(lanes.delivered_seq(), 15);
  EXPECT_EQ(lanes.pending(), 0u);
}

TEST(WebhookLanesTest, AFailingAccountHoldsBackOnlyItsOwnEvents) {
  WebhookLanes lanes(Stored(0));
  lanes.Add({Event(1, "acc_a"), Event(2, "acc_b"), Event(3, "acc_a"), Event(4, "acc_b")});
  EXPECT_EQ(Seqs(lanes.Take(1000)), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(lanes.Failed("acc_a", 1000, "HTTP 503"), 0);
  lanes.Delivered("acc_b");
  // acc_b goes on while acc_a waits for its retry, 1 s later.
  EXPECT_EQ(Seqs(lanes.Take(1500)), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(lanes.NextRetry(), 2000);
  auto failing = lanes.failing();
  EXPECT_EQ(failing.attempts, 1);
  EXPECT_EQ(failing.since, 1000);
  EXPECT_EQ(failing.last_error, "HTTP 503");
  lanes.Delivered("acc_b");
  EXPECT_EQ(lanes.delivered_seq(), 0) << "acc_a's first event is not delivered";
  // The retry is the same event, then the next one of acc_a.
  EXPECT_EQ(Seqs(lanes.Take(2000)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(lanes.Failed("acc_a", 2000, "HTTP 503"), 1000);
  EXPECT_EQ(lanes.NextRetry(), 4000) << "the backoff doubles";
  EXPECT_TRUE(lanes.Take(3999).empty());
  EXPECT_EQ(Seqs(lanes.Take(4000)), (std::vector<std::int64_t>{1}));
  lanes.Delivered("acc_a");
  EXPECT_EQ(lanes.failing().attempts, 0) << "a success ends the failure";
  EXPECT_EQ(Seqs(lanes.Take(4000)), (std::vector<std::int64_t>{3}));
  lanes.Delivered("acc_a");
  EXPECT_EQ(lanes.delivered_seq(), 4);
}

TEST(WebhookLanesTest, AStoredFailureResumesOnTheOldestEvent) {
  store::Webhook stored = Stored(5);
  stored.attempts = 3;
  stored.failing_since = 100;
  stored.next_attempt_at = 9000;
  stored.last_error = "HTTP 500";
  WebhookLanes lanes(stored);
  EXPECT_EQ(lanes.failing().attempts, 3);
  lanes.Add({Event(6, "acc_a"), Event(7, "acc_b")});
  EXPECT_EQ(Seqs(lanes.Take(5000)), (std::vector<std::int64_t>{7})) << "acc_a waits for its retry";
  lanes.Delivered("acc_b");
  EXPECT_EQ(Seqs(lanes.Take(9000)), (std::vector<std::int64_t>{6}));
  EXPECT_EQ(lanes.Failed("acc_a", 9000, "HTTP 500"), 8900) << "failing since before the restart";
}

TEST(WebhookLanesTest, BackoffDoublesUpToTenMinutes) {
  EXPECT_EQ(WebhookLanes::BackoffMs(1), 1000);
  EXPECT_EQ(WebhookLanes::BackoffMs(2), 2000);
  EXPECT_EQ(WebhookLanes::BackoffMs(11), 600000);
  EXPECT_EQ(WebhookLanes::BackoffMs(40), 600000);
}

}  // namespace
}  // namespace tgmux::service
