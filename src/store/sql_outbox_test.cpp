// The outbox table of the store (both kinds): insert, the idempotency key's
// uniqueness per tenant and account, updates, and the unfinished entries in
// creation order.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store {
namespace {

using testing::TempDir;

OutboxEntry Entry(const std::string& id, const std::string& account_id, const std::string& key = "",
                  const std::string& tenant_id = "ten_a") {
  OutboxEntry e;
  e.id = id;
  e.tenant_id = tenant_id;
  e.account_id = account_id;
  e.idempotency_key = key;
  e.to = std::string("sealed-to\0bytes", 15);
  e.text = "sealed-text";
  e.created_at = e.updated_at = 100;
  return e;
}

std::vector<std::string> Ids(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.id);
  return ids;
}

class OutboxTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override { store_ = db_.Open(); }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(OutboxTest, InsertedEntryReadsBackWholeAndSurvivesReopening) {
  OutboxEntry e = Entry("msg_1", "acc_a", "key-1");
  e.parse_mode = "markdown";
  e.reply_to_message_id = 77;
  e.silent = true;
  ASSERT_TRUE(store_->InsertOutbox(e));
  store_.reset();
  store_ = db_.Open();
  auto found = store_->FindOutbox("msg_1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->to, e.to);  // binary bytes, the NUL included
  EXPECT_EQ(found->text, "sealed-text");
  EXPECT_EQ(found->parse_mode, "markdown");
  EXPECT_EQ(found->reply_to_message_id, 77);
  EXPECT_TRUE(found->silent);
  EXPECT_EQ(found->state, OutboxState::kQueued);
  EXPECT_EQ(found->created_at, 100);
  EXPECT_FALSE(store_->FindOutbox("msg_none"));
}

TEST_P(OutboxTest, AnIdempotencyKeyIsUniquePerTenantAndAccount) {
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_1", "acc_a", "key-1")));
  EXPECT_FALSE(store_->InsertOutbox(Entry("msg_2", "acc_a", "key-1")));
  EXPECT_TRUE(store_->InsertOutbox(Entry("msg_3", "acc_b", "key-1")));
  EXPECT_TRUE(store_->InsertOutbox(Entry("msg_4", "acc_a", "key-1", "ten_b")));
  // Entries without a key never conflict.
  EXPECT_TRUE(store_->InsertOutbox(Entry("msg_5", "acc_a")));
  EXPECT_TRUE(store_->InsertOutbox(Entry("msg_6", "acc_a")));
  EXPECT_EQ(store_->FindOutboxByKey("ten_a", "acc_a", "key-1")->id, "msg_1");
  EXPECT_EQ(store_->FindOutboxByKey("ten_a", "acc_b", "key-1")->id, "msg_3");
  EXPECT_EQ(store_->FindOutboxByKey("ten_b", "acc_a", "key-1")->id, "msg_4");
  EXPECT_FALSE(store_->FindOutboxByKey("ten_a", "acc_a", "key-2"));
}

TEST_P(OutboxTest, UpdateWritesStateAndOutcome) {
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_1", "acc_a")));
  OutboxEntry e = *store_->FindOutbox("msg_1");
  e.state = OutboxState::kFailed;
  e.chat_id = -100123;
  e.message_id = 1048576;
  e.message_date = 1700000000;
  e.error_code = "peer_not_found";
  e.error_message = "no such chat";
  e.attempts = 3;
  e.next_attempt_at = 1700000000123;
  e.updated_at = 200;
  EXPECT_TRUE(store_->UpdateOutbox(e));
  auto found = store_->FindOutbox("msg_1");
  EXPECT_EQ(found->state, OutboxState::kFailed);
  EXPECT_EQ(found->chat_id, -100123);
  EXPECT_EQ(found->message_id, 1048576);
  EXPECT_EQ(found->message_date, 1700000000);
  EXPECT_EQ(found->error_code, "peer_not_found");
  EXPECT_EQ(found->error_message, "no such chat");
  EXPECT_EQ(found->attempts, 3);
  EXPECT_EQ(found->next_attempt_at, 1700000000123);
  EXPECT_EQ(found->updated_at, 200);
  EXPECT_FALSE(store_->UpdateOutbox(Entry("msg_none", "acc_a")));
}

TEST_P(OutboxTest, UnfinishedEntriesComeInCreationOrderPerAccountOrAll) {
  // Ids that sort the other way round: the order is the insert order.
  for (const char* id : {"msg_z", "msg_y", "msg_x", "msg_w"}) ASSERT_TRUE(store_->InsertOutbox(Entry(id, "acc_a")));
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_b1", "acc_b")));
  auto done = *store_->FindOutbox("msg_y");
  done.state = OutboxState::kSent;
  store_->UpdateOutbox(done);
  auto sending = *store_->FindOutbox("msg_x");
  sending.state = OutboxState::kSending;
  store_->UpdateOutbox(sending);

  EXPECT_EQ(Ids(store_->ListUnfinishedOutbox("acc_a", 0)), (std::vector<std::string>{"msg_z", "msg_x", "msg_w"}));
  EXPECT_EQ(Ids(store_->ListUnfinishedOutbox("acc_a", 2)), (std::vector<std::string>{"msg_z", "msg_x"}));
  EXPECT_EQ(Ids(store_->ListUnfinishedOutbox("", 0)),
            (std::vector<std::string>{"msg_z", "msg_x", "msg_w", "msg_b1"}));
  EXPECT_EQ(Ids(store_->ListUnfinishedOutbox("acc_none", 0)), std::vector<std::string>{});
}

TEST_P(OutboxTest, AWriteOfSeveralInsertsAndUpdatesAppliesThemInOrderAndSaysWhichTookEffect) {
  using Kind = OutboxWrite::Kind;
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_1", "acc_a", "key-1")));
  OutboxEntry sent = *store_->FindOutbox("msg_1");
  sent.state = OutboxState::kSent;
  sent.message_id = 42;
  sent.text = "not written";  // a state write leaves the sealed columns
  OutboxEntry moved = Entry("msg_3", "acc_b");
  moved.text = "sealed for acc_b";
  OutboxEntry sending = Entry("msg_3", "acc_b");
  sending.state = OutboxState::kSending;
  sending.attempts = 1;
  const std::vector<bool> applied = store_->WriteOutbox({
      {Entry("msg_2", "acc_a", "key-1"), Kind::kInsert, {}},  // its key is taken: nothing
      {sent, Kind::kState, {}},
      {Entry("msg_3", "acc_a"), Kind::kInsert, {}},
      {moved, Kind::kWhole, {}},  // an entry the same write inserted
      {sending, Kind::kState, {}},
      {Entry("msg_none", "acc_a"), Kind::kState, {}},
      {Entry("msg_none", "acc_a"), Kind::kWhole, {}},
  }, nullptr);
  EXPECT_EQ(applied, (std::vector<bool>{false, true, true, true, true, false, false}));
  EXPECT_FALSE(store_->FindOutbox("msg_2"));
  const auto first = *store_->FindOutbox("msg_1");
  EXPECT_EQ(first.state, OutboxState::kSent);
  EXPECT_EQ(first.message_id, 42);
  EXPECT_EQ(first.text, "sealed-text");
  const auto third = *store_->FindOutbox("msg_3");
  EXPECT_EQ(third.account_id, "acc_b");
  EXPECT_EQ(third.text, "sealed for acc_b");
  EXPECT_EQ(third.state, OutboxState::kSending);
  EXPECT_EQ(third.attempts, 1);
  EXPECT_FALSE(store_->FindOutbox("msg_none"));
  // A later plain insert with the taken key is still refused.
  EXPECT_FALSE(store_->InsertOutbox(Entry("msg_4", "acc_a", "key-1")));
  EXPECT_TRUE(store_->WriteOutbox({}, nullptr).empty());
}

// A new entry's later states in the same write go down with its row (one
// statement); what each write says and what ends up stored are as if each
// were made alone, also when the insert takes no effect.
TEST_P(OutboxTest, StateWritesOfAnEntryTheSameWriteInsertsEndInItsRowAsIfMadeOneByOne) {
  using Kind = OutboxWrite::Kind;
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_old", "acc_a", "key-1")));
  auto state = [](OutboxEntry e, OutboxState to, std::int64_t message_id, std::int64_t updated_at) {
    e.state = to;
    e.message_id = message_id;
    e.attempts = 1;
    e.updated_at = updated_at;
    e.text = "not written";  // a state write leaves the sealed columns
    return e;
  };
  auto sent_event = [](const std::string& id) {
    return Event{"ten_a", 0, id, "message.sent", "acc_a", 2, "", "sealed-" + id};
  };
  const OutboxEntry fresh = Entry("msg_new", "acc_a");
  const OutboxEntry taken = Entry("msg_taken", "acc_a", "key-1");
  const OutboxEntry again = Entry("msg_old", "acc_a", "key-2");  // an id already written
  const OutboxEntry pending = Entry("msg_pending", "acc_a");
  const OutboxEntry first = Entry("msg_first", "acc_a", "key-3");
  const OutboxEntry second = Entry("msg_second", "acc_a", "key-3");  // the same new key: the first one wins
  std::vector<Event> appended;
  const std::vector<bool> applied = store_->WriteOutbox({
      {fresh, Kind::kInsert, {}},
      {taken, Kind::kInsert, {}},
      {again, Kind::kInsert, {}},
      {state(fresh, OutboxState::kSending, 0, 101), Kind::kState, {}},
      {state(taken, OutboxState::kSending, 0, 101), Kind::kState, {}},
      {state(again, OutboxState::kSending, 0, 101), Kind::kState, {}},
      {state(fresh, OutboxState::kSent, 77, 102), Kind::kState, {sent_event("evt_new")}},
      {state(taken, OutboxState::kSent, 78, 102), Kind::kState, {sent_event("evt_taken")}},
      {state(again, OutboxState::kSent, 79, 102), Kind::kState, {sent_event("evt_old")}},
      {pending, Kind::kInsert, {}},
      {state(pending, OutboxState::kSending, 0, 103), Kind::kState, {}},
      {first, Kind::kInsert, {}},
      {second, Kind::kInsert, {}},
      {state(second, OutboxState::kSending, 0, 103), Kind::kState, {}},
      {state(first, OutboxState::kSent, 80, 104), Kind::kState, {}},
  }, &appended);
  EXPECT_EQ(applied, (std::vector<bool>{true, false, false, true, false, true, true, false, true, true, true, true,
                                        false, false, true}));
  const auto fresh_row = *store_->FindOutbox("msg_new");
  EXPECT_EQ(fresh_row.state, OutboxState::kSent);
  EXPECT_EQ(fresh_row.message_id, 77);
  EXPECT_EQ(fresh_row.attempts, 1);
  EXPECT_EQ(fresh_row.updated_at, 102);
  EXPECT_EQ(fresh_row.created_at, 100);
  EXPECT_EQ(fresh_row.text, "sealed-text");
  EXPECT_FALSE(store_->FindOutbox("msg_taken"));
  const auto old_row = *store_->FindOutbox("msg_old");
  EXPECT_EQ(old_row.state, OutboxState::kSent) << "the state writes of an id already stored update its row";
  EXPECT_EQ(old_row.message_id, 79);
  EXPECT_EQ(old_row.idempotency_key, "key-1");
  EXPECT_EQ(store_->FindOutbox("msg_first")->message_id, 80);
  EXPECT_FALSE(store_->FindOutbox("msg_second"));
  ASSERT_EQ(appended.size(), 2u);
  EXPECT_EQ(appended[0].id, "evt_new");
  EXPECT_EQ(appended[1].id, "evt_old");
  const auto unfinished = store_->ListUnfinishedOutbox("acc_a", 10);
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0].id, "msg_pending");
  EXPECT_EQ(unfinished[0].state, OutboxState::kSending);
}

// An entry's final state and its event: on disk together, or neither.
TEST_P(OutboxTest, AWritesEventsGoDownInItsTransactionWhenItTakesEffect) {
  using Kind = OutboxWrite::Kind;
  ASSERT_TRUE(store_->InsertOutbox(Entry("msg_1", "acc_a")));
  ASSERT_EQ(store_->AppendEvents({Event{"ten_a", 0, "evt_0", "message.received", "acc_a", 1, "", "sealed"}}).size(), 1u);
  OutboxEntry sent = *store_->FindOutbox("msg_1");
  sent.state = OutboxState::kSent;
  auto event = [](const std::string& id, const std::string& dedup) {
    return Event{"ten_a", 0, id, "message.sent", "acc_a", 2, dedup, "sealed-" + id};
  };
  std::vector<Event> appended;
  const auto applied = store_->WriteOutbox({{sent, Kind::kState, {event("evt_1", "sent:1")}},
                                            {Entry("msg_none", "acc_a"), Kind::kState, {event("evt_2", "")}}},
                                           &appended);
  EXPECT_EQ(applied, (std::vector<bool>{true, false}));
  ASSERT_EQ(appended.size(), 1u) << "the event of a write that changed nothing is not appended";
  EXPECT_EQ(appended[0].id, "evt_1");
  EXPECT_EQ(appended[0].seq, 2) << "the tenant's next seq, as AppendEvents gives";
  auto log = store_->ListEvents({"ten_a", 0, 10, {}, {}});
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].id, "evt_1");
  EXPECT_EQ(log[1].data, "sealed-evt_1");
  EXPECT_EQ(store_->FindOutbox("msg_1")->state, OutboxState::kSent);

  // A dedup key the log holds: the state is written, the event is not again.
  sent.state = OutboxState::kFailed;
  appended.clear();
  EXPECT_EQ(store_->WriteOutbox({{sent, Kind::kState, {event("evt_3", "sent:1")}}}, &appended),
            std::vector<bool>{true});
  EXPECT_TRUE(appended.empty());
  EXPECT_EQ(store_->ListEvents({"ten_a", 0, 10, {}, {}}).size(), 2u);
  EXPECT_EQ(store_->LastEventSeq("ten_a"), 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, OutboxTest, testing::kBothStores, testing::StoreKindName);

// SQLite only: it edits the file underneath the store.
TEST(OutboxSqlite, AnUnknownStateInTheDatabaseIsAnErrorNamingTheColumn) {
  TempDir dir;
  auto store = OpenSqliteStore(dir.path() / "t.db");
  ASSERT_TRUE(store->InsertOutbox(Entry("msg_1", "acc_a")));
  store.reset();
  {
    SQLite::Database db((dir.path() / "t.db").string(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(db.execAndGet("SELECT state FROM outbox").getString(), "queued");  // stored by its name
    db.exec("UPDATE outbox SET state = 'delivered'");
  }
  store = OpenSqliteStore(dir.path() / "t.db");
  try {
    store->FindOutbox("msg_1");
    ADD_FAILURE() << "an unknown state was read";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("outbox.state"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tgmux::store
