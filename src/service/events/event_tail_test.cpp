// Live consumers are handed new events from memory (the tenant's tail). Two
// threads append to the log (the event writer, and the outbox's journal with
// a send's final state), and with several nodes others do too, so a batch can
// be heard after a later one: a waiter must still get every event after its
// cursor. In process, with the real store.
#include <gtest/gtest.h>

#include <future>

#include "service/services.h"
#include "tests/support/in_process.h"

namespace tgmux::service {
namespace {

class EventTail : public ::testing::Test {
 protected:
  void SetUp() override {
    infra_ = testing::InProcessInfrastructure(dir_, [](config::Config&) {});
    infra_->store().InsertAccount(testing::StoredAccount("acc_1", 1));
    services_ = std::make_unique<Services>(*infra_, MessageShapes{});
  }
  void TearDown() override { services_.reset(); }

  // Events n.. as another writer appends them to the store: sealed, with their seqs.
  std::vector<store::Event> Written(std::initializer_list<int> ns) {
    std::vector<store::Event> events;
    for (int n : ns) events.push_back(*services_->events.Seal({"message.sent", "acc_1", "", {{"n", n}}, ""}));
    return infra_->store().AppendEvents(std::move(events));
  }
  // What a consumer waiting after `cursor` is handed (the n of each event).
  std::vector<int> WaitAfter(std::int64_t cursor, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::promise<std::vector<int>> got;
    services_->events.Wait({"default", cursor, 100, {}, {}}, timeout, [&](EventService::Events events) {
      std::vector<int> ns;
      for (const auto& e : events) ns.push_back(e["data"]["n"].get<int>());
      got.set_value(ns);
    });
    return got.get_future().get();
  }

  testing::TempDir dir_;
  std::unique_ptr<Infrastructure> infra_;
  std::unique_ptr<Services> services_;
};

TEST_F(EventTail, ABatchHeardAfterALaterOneLeavesNoWaiterBehind) {
  auto& events = services_->events;
  events.Appended(Written({1, 2}), {});
  auto second = Written({3, 4});
  auto third = Written({5, 6});
  events.Appended(third, {});
  events.Appended(second, {});  // heard last
  EXPECT_EQ(WaitAfter(4), (std::vector<int>{5, 6})) << "a consumer that read up to 4 gets what follows at once";
  EXPECT_EQ(WaitAfter(2), (std::vector<int>{3, 4, 5, 6}));
  EXPECT_EQ(WaitAfter(0), (std::vector<int>{1, 2, 3, 4, 5, 6})) << "older than the tail: read from the store";
}

TEST_F(EventTail, AnOlderBatchWithAGapToTheTailIsLeftToTheStore) {
  auto& events = services_->events;
  auto first = Written({1, 2});
  auto second = Written({3, 4});
  auto third = Written({5, 6});
  events.Appended(third, {});
  events.Appended(first, {});  // older, and not next to 5..6
  EXPECT_EQ(WaitAfter(6, std::chrono::milliseconds(100)), std::vector<int>{}) << "nothing after 6: it ends empty";
  EXPECT_EQ(WaitAfter(2), (std::vector<int>{3, 4, 5, 6}));
  EXPECT_EQ(WaitAfter(4), (std::vector<int>{5, 6}));
}

TEST_F(EventTail, ABatchOfOursHeardAfterANewerOneFromAnotherNodeLeavesNoWaiterBehind) {
  // Several nodes: this node writes 3, another node 4 (it tells us so, NOTIFY
  // with its seq), and our own 3 is only heard after that.
  auto& events = services_->events;
  events.Appended(Written({1, 2}), {});
  auto ours = Written({3});
  auto theirs = Written({4});
  events.HeardElsewhere("default", theirs.back().seq);
  events.Appended(ours, {});
  EXPECT_EQ(WaitAfter(3), (std::vector<int>{4})) << "a consumer that read up to 3 is handed the other node's 4";
  EXPECT_EQ(WaitAfter(2), (std::vector<int>{3, 4}));
  // A newer batch of ours starts a tail again, after the other node's event.
  auto later = Written({5});
  events.Appended(later, {});
  EXPECT_EQ(WaitAfter(4), (std::vector<int>{5}));
  EXPECT_EQ(WaitAfter(3), (std::vector<int>{4, 5}));
}

TEST_F(EventTail, AfterTheListeningConnectionCameBackNoBatchOfOursEndsTheTailBeforeWhatWasMissed) {
  // The connection that hears other nodes was lost: another node's 4 was not
  // heard ("" when it is back), and our own 3 is heard after that.
  auto& events = services_->events;
  events.Appended(Written({1, 2}), {});
  auto ours = Written({3});
  Written({4});
  events.HeardElsewhere("", 0);
  events.Appended(ours, {});
  EXPECT_EQ(WaitAfter(3), (std::vector<int>{4})) << "a consumer that read up to 3 is handed the missed 4";
  // Once the log's end was read again, newer batches of ours are handed over as before.
  events.Appended(Written({5}), {});
  EXPECT_EQ(WaitAfter(4), (std::vector<int>{5}));
  EXPECT_EQ(WaitAfter(2), (std::vector<int>{3, 4, 5}));
}

TEST_F(EventTail, WhatTheWriterSaysInClearIsShownWithoutOpeningTheSealedCopy) {
  auto& events = services_->events;
  events.Appended(Written({1, 2}), {});
  auto written = Written({3, 4});
  written[0].data = written[1].data = "not a sealed record";  // opening them would fail
  events.Appended(written, {{written[0].id, {{"n", 7}}}});
  std::promise<EventService::Events> got;
  events.Wait({"default", 2, 100, {}, {}}, std::chrono::seconds(5),
              [&](EventService::Events list) { got.set_value(std::move(list)); });
  auto list = got.get_future().get();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["data"], (nlohmann::json{{"n", 7}})) << "given in clear by the writer";
  EXPECT_TRUE(list[1]["data"].contains("error")) << "not given: opened, and it does not open";
}

}  // namespace
}  // namespace tgmux::service
