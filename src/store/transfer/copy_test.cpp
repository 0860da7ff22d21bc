// `tgmux migrate`'s copy (store/transfer): it knows every table of the schema,
// copies every row as it is (sealed bytes stay the same bytes), leaves the
// source file untouched, moves PostgreSQL's counters past the copied ids and
// refuses a target with rows or a source in use.
#include <gtest/gtest.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "store/migrations.h"
#include "store/sql_postgres.h"
#include "store/sql_sqlite.h"
#include "store/transfer/copy.h"
#include "store/transfer/schema.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store::transfer {
namespace {

using testing::TempDir;

std::vector<std::string> Known() {
  std::vector<std::string> known(StoreTables().begin(), StoreTables().end());
  std::sort(known.begin(), known.end());
  return known;
}

// Bytes that are not text, as sealed values are.
std::string Sealed(const std::string& seed) {
  std::string bytes = seed;
  for (int i = 0; i < 40; ++i) bytes += static_cast<char>((i * 37 + seed.size()) % 256);
  bytes += '\0';
  bytes += "\xff\xfe";
  return bytes;
}

TEST(TransferSchemaTest, TheCopierKnowsEveryTableTheMigrationsCreateOnBothStores) {
  TempDir dir;
  OpenSqliteStore(dir.path() / "t.db");
  auto sqlite = sql::OpenSqlite((dir.path() / "t.db").string(), true, 1000);
  EXPECT_EQ(ListTables(*sqlite), Known()) << "a migration added a table: add it to StoreTables() (schema.cpp)";

  const std::string conninfo = testing::NewPostgresDatabase();
  OpenPostgresStore(conninfo, 1);
  auto postgres = sql::OpenPostgres(conninfo);
  EXPECT_EQ(ListTables(*postgres), Known());
  // The copier reads no NULLs: every column is NOT NULL (PostgreSQL says so for every one).
  for (std::string_view table : StoreTables()) {
    auto columns = ListColumns(*postgres, table);
    EXPECT_FALSE(columns.empty()) << table;
    for (const auto& c : columns) EXPECT_TRUE(c.not_null) << table << "." << c.name << " may be NULL";
  }
}

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.path() / "tgmux.db";
    auto store = OpenSqliteStore(source_);
    store->SetMeta("master_key_check", Sealed("check"));
    Account account;
    account.id = "acc_1";
    account.phone_sealed = Sealed("phone");
    account.wrapped_data_key = Sealed("wrapped");
    account.td_key_sealed = Sealed("td");
    account.phone_masked = "+380*******67";
    account.status = AccountStatus::kActive;
    account.created_at = 5;
    store->InsertAccount(account);
    ASSERT_TRUE(store->InsertTenantWithOwner({"ten_a", "A", 1}, User{"usr_a", "ten_a", "a@x.test", "$h", "owner", 1}));
    store->InsertApiKey(ApiKey{"key_1", "ten_a", "crm", "operator", "dk1", "usr_a", 1, 0});
    audit_seq_ = store->AppendAudit(AuditEntry{0, "ten_a", 1, "login_succeeded", "usr_a", "127.0.0.1", "{}"});
    store->AppendAudit(AuditEntry{0, "ten_a", 2, "login_succeeded", "usr_a", "127.0.0.1", "{}"});
    OutboxEntry sent;
    sent.id = "msg_1";
    sent.tenant_id = "ten_a";
    sent.account_id = "acc_1";
    sent.to = Sealed("to");
    sent.text = Sealed("text");
    sent.state = OutboxState::kSent;
    ASSERT_TRUE(store->InsertOutbox(sent));
    for (int i = 0; i < 450; ++i) {  // more than one batch
      store->AppendEvents({Event{"ten_a", 0, "evt_" + std::to_string(i), "message.received", "acc_1", 10 + i, "",
                                 Sealed("event" + std::to_string(i))}});
    }
    store->SetEventCheckpoint("acc_1", 77);
    Webhook hook;
    hook.id = "whk_1";
    hook.tenant_id = "ten_a";
    hook.url = "http://127.0.0.1:1/hook";
    hook.secret_sealed = Sealed("secret");
    hook.delivered_seq = 400;
    store->InsertWebhook(hook);
    Dialog dialog;
    dialog.id = "dlg_1";
    dialog.tenant_id = "ten_a";
    dialog.account_id = "acc_1";
    dialog.peer_chat_id = 9;
    dialog.meta = Sealed("meta");  // a TEXT column on SQLite, bytea on PostgreSQL
    store->PutDialog(dialog);
  }

  std::vector<TableCount> Copy(const std::string& target) {
    return CopySqliteToPostgres(CopyOptions{source_, target, {}});
  }

  TempDir dir_;
  std::filesystem::path source_;
  std::int64_t audit_seq_ = 0;
};

TEST_F(TransferTest, CopiesEveryRowAsItIsAndLeavesTheSourceAlone) {
  const std::string before = testing::ReadFile(source_);
  ASSERT_FALSE(std::filesystem::exists(source_.string() + "-wal")) << "the store closed cleanly";
  const std::string target = testing::NewPostgresDatabase();
  std::vector<std::pair<std::string, std::int64_t>> progress;
  auto counts = CopySqliteToPostgres(CopyOptions{source_, target, [&](const std::string& t, std::int64_t n, std::int64_t) {
    progress.emplace_back(t, n);
  }});
  EXPECT_EQ(testing::ReadFile(source_), before) << "the source changed";
  EXPECT_FALSE(std::filesystem::exists(source_.string() + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(source_.string() + "-shm"));

  ASSERT_EQ(counts.size(), StoreTables().size());
  auto rows_of = [&](const std::string& table) {
    for (const auto& c : counts) if (c.table == table) return c.rows;
    return std::int64_t{-1};
  };
  EXPECT_EQ(rows_of("events"), 450);
  EXPECT_EQ(rows_of("accounts"), 1);
  EXPECT_EQ(rows_of("audit_log"), 2);
  EXPECT_EQ(rows_of("schema_migrations"), static_cast<std::int64_t>(Migrations().size()));
  EXPECT_NE(std::find(progress.begin(), progress.end(), std::make_pair(std::string("events"), std::int64_t{200})),
            progress.end()) << "progress is reported per batch";

  auto copied = OpenPostgresStore(target, 2);
  EXPECT_EQ(copied->GetMeta("master_key_check"), Sealed("check"));
  auto account = copied->FindAccount("acc_1");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->wrapped_data_key, Sealed("wrapped"));
  EXPECT_EQ(account->td_key_sealed, Sealed("td"));
  EXPECT_EQ(account->status, AccountStatus::kActive);
  EXPECT_EQ(copied->FindUserByEmail("a@x.test")->id, "usr_a");
  EXPECT_EQ(copied->FindApiKeyByDigest("dk1")->id, "key_1");
  EXPECT_EQ(copied->FindOutbox("msg_1")->text, Sealed("text"));
  auto events = copied->ListEvents(EventQuery{"ten_a", 0, 1000, {}, {}});
  ASSERT_EQ(events.size(), 450u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[449].seq, 450);
  EXPECT_EQ(events[449].data, Sealed("event449"));
  EXPECT_EQ(copied->GetEventCheckpoint("acc_1"), 77);
  EXPECT_EQ(copied->FindWebhook("whk_1")->secret_sealed, Sealed("secret"));
  EXPECT_EQ(copied->FindWebhook("whk_1")->delivered_seq, 400);
  EXPECT_EQ(copied->FindDialogById("dlg_1")->meta, Sealed("meta"));

  // What is written next follows what was copied.
  EXPECT_EQ(copied->AppendEvents({Event{"ten_a", 0, "evt_new", "chat.read", "acc_1", 999, "", "x"}})[0].seq, 451);
  EXPECT_GT(copied->AppendAudit(AuditEntry{0, "ten_a", 3, "logout", "usr_a", "127.0.0.1", "{}"}), audit_seq_ + 1);
  OutboxEntry next;
  next.id = "msg_2";
  next.tenant_id = "ten_a";
  next.account_id = "acc_1";
  EXPECT_TRUE(copied->InsertOutbox(next)) << "the outbox's seq counter was not moved past the copied rows";
}

TEST_F(TransferTest, RefusesATargetThatHoldsData) {
  const std::string target = testing::NewPostgresDatabase();
  Copy(target);
  try {
    Copy(target);
    FAIL() << "a second copy into the same database was accepted";
  } catch (const CopyRefused& e) {
    EXPECT_NE(std::string(e.what()).find("is not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(OpenPostgresStore(target, 1)->ListEvents(EventQuery{"ten_a", 0, 1000, {}, {}}).size(), 450u);

  // A database where a tgmux already started holds its keys: not empty either.
  const std::string used = testing::NewPostgresDatabase();
  OpenPostgresStore(used, 1)->SetMeta("master_key_check", "x");
  EXPECT_THROW(Copy(used), CopyRefused);
}

TEST_F(TransferTest, RefusesASourceInUseOrOfAnotherSchemaVersion) {
  const std::string target = testing::NewPostgresDatabase();
  {
    auto running = OpenSqliteStore(source_);  // holds a -wal file while open
    try {
      Copy(target);
      FAIL() << "copied a database in use";
    } catch (const CopyRefused& e) {
      EXPECT_NE(std::string(e.what()).find("-wal"), std::string::npos) << e.what();
    }
  }
  {
    auto db = sql::OpenSqlite(source_.string(), false, 1000);
    db->ExecScript("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)");
  }
  try {
    Copy(target);
    FAIL() << "copied a database of an older schema";
  } catch (const CopyRefused& e) {
    EXPECT_NE(std::string(e.what()).find("start this tgmux once on it"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CopySqliteToPostgres(CopyOptions{dir_.path() / "missing.db", target, {}}), CopyRefused);
}

}  // namespace
}  // namespace tgmux::store::transfer
