#include "service/outbox/outbox_journal.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/support/process.h"

namespace tgmux::service {
namespace {

using Kind = store::OutboxWrite::Kind;

store::OutboxEntry Entry(const std::string& id, const std::string& key = "") {
  store::OutboxEntry e;
  e.id = id;
  e.tenant_id = "ten_a";
  e.account_id = "acc_a";
  e.idempotency_key = key;
  e.to = "sealed-to";
  e.text = "sealed-text";
  e.created_at = e.updated_at = 100;
  return e;
}

class OutboxJournalTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_ = store::OpenSqliteStore(dir_.path() / "tgmux.db");
};

// What a user of the outbox relies on: each write is answered once it is in
// the store, in the order the writes were asked for, with whether it took
// effect; and a task asked for between two writes runs between their answers.
TEST_F(OutboxJournalTest, AnswersEachWriteInOrderOnceItIsStored) {
  std::mutex mutex;
  std::vector<std::string> answers;
  {
    OutboxJournal journal(*store_);
    auto record = [&](const std::string& what) {
      return [&, what](std::exception_ptr error, bool applied) {
        std::lock_guard lock(mutex);
        answers.push_back(what + (error ? " error" : applied ? " applied" : " not applied"));
        if (what == "insert 1") {
          EXPECT_TRUE(store_->FindOutbox("msg_1")) << "answered before it was stored";
        }
      };
    };
    journal.Write({Entry("msg_1", "key-1"), Kind::kInsert, {}}, record("insert 1"));
    for (int i = 2; i <= 200; ++i) {
      journal.Write({Entry("msg_" + std::to_string(i)), Kind::kInsert, {}}, record("insert " + std::to_string(i)));
    }
    journal.Then([&] {
      std::lock_guard lock(mutex);
      answers.push_back("task");
    });
    journal.Write({Entry("msg_dup", "key-1"), Kind::kInsert, {}}, record("insert dup"));  // its key is taken
    auto sent = Entry("msg_1", "key-1");
    sent.state = store::OutboxState::kSent;
    journal.Write({sent, Kind::kState, {}}, record("sent 1"));
    journal.Write({Entry("msg_none"), Kind::kState, {}}, record("state none"));
  }  // the destructor writes what is queued, then stops
  std::vector<std::string> expected;
  for (int i = 1; i <= 200; ++i) expected.push_back("insert " + std::to_string(i) + " applied");
  expected.insert(expected.end(), {"task", "insert dup not applied", "sent 1 applied", "state none not applied"});
  EXPECT_EQ(answers, expected);
  EXPECT_EQ(store_->FindOutbox("msg_1")->state, store::OutboxState::kSent);
  EXPECT_EQ(store_->ListUnfinishedOutbox("acc_a", 0).size(), 199u);
  EXPECT_FALSE(store_->FindOutbox("msg_dup"));
}

// A finished send's event goes down with its state: the listener hears of it,
// with its seq, before the write is answered; a write that changes nothing
// appends nothing.
TEST_F(OutboxJournalTest, TellsOfTheEventsAWriteAppendedBeforeAnsweringIt) {
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_1")));
  auto event = [](const std::string& id) {
    return store::Event{"ten_a", 0, id, "message.sent", "acc_a", 1, "", "sealed-" + id};
  };
  auto sent = Entry("msg_1");
  sent.state = store::OutboxState::kSent;
  std::mutex mutex;
  std::vector<std::string> heard;
  {
    OutboxJournal journal(*store_);
    journal.OnAppended([&](const std::vector<store::Event>& events, const OutboxJournal::EventData& clear) {
      std::lock_guard lock(mutex);
      for (const auto& e : events) {
        heard.push_back("appended " + e.id + " seq " + std::to_string(e.seq) + " " +
                        (clear.contains(e.id) ? clear.at(e.id).dump() : "-"));
      }
    });
    auto record = [&](const std::string& what) {
      return [&, what](std::exception_ptr error, bool applied) {
        std::lock_guard lock(mutex);
        heard.push_back(what + (error ? " error" : applied ? " applied" : " not applied"));
      };
    };
    journal.Write({sent, Kind::kState, {event("evt_1")}}, record("sent 1"), {{"evt_1", {{"n", 1}}}});
    journal.Write({Entry("msg_none"), Kind::kState, {event("evt_2")}}, record("state none"), {{"evt_2", {{"n", 2}}}});
  }
  EXPECT_EQ(heard, (std::vector<std::string>{R"(appended evt_1 seq 1 {"n":1})", "sent 1 applied",
                                             "state none not applied"}));
  const auto log = store_->ListEvents({"ten_a", 0, 10, {}, {}});
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].id, "evt_1");
}

}  // namespace
}  // namespace tgmux::service
