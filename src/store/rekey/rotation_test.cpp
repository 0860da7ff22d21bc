// The master-key rotation of the store (store/rekey), on both stores: every
// master-sealed value (sealed_columns.h, which covers every bytes column of the
// schema) ends up under the new key and none opens under the old one; a
// rotation stopped half-way leaves each value under one of the two keys and a
// rerun finishes it; wrong keys are refused before anything changes.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/rekey/rotation.h"
#include "store/rekey/sealed_columns.h"
#include "store/sql_postgres.h"
#include "store/sql_sqlite.h"
#include "store/transfer/schema.h"
#include "tests/support/process.h"
#include "tests/support/test_store.h"

namespace tgmux::store::rekey {
namespace {

using crypto::Envelope;
using crypto::SecretKey;
using testing::StoreKind;

constexpr int kEvents = 40;

TEST(SealedColumnsTest, EveryBytesColumnOfTheSchemaIsClassified) {
  const std::string conninfo = testing::NewPostgresDatabase();
  OpenPostgresStore(conninfo, 1);
  auto db = sql::OpenPostgres(conninfo);
  std::vector<std::string> classified(OtherBytesColumns().begin(), OtherBytesColumns().end());
  for (const auto& c : MasterSealedColumns()) classified.push_back(std::string(c.table) + "." + std::string(c.column));
  for (std::string_view table : transfer::StoreTables()) {
    for (const auto& column : transfer::ListColumns(*db, table)) {
      const std::string name = std::string(table) + "." + column.name;
      const bool known = std::find(classified.begin(), classified.end(), name) != classified.end();
      if (column.kind == transfer::ColumnKind::kBytes) {
        EXPECT_TRUE(known) << name << " holds bytes: add it to MasterSealedColumns() or OtherBytesColumns()";
      }
      classified.erase(std::remove(classified.begin(), classified.end(), name), classified.end());
    }
  }
  EXPECT_TRUE(classified.empty()) << "no such column: " << classified.front();
}

class RotationTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::kPostgres) {
      options_.postgres = testing::NewPostgresDatabase();
    } else {
      options_.sqlite = dir_.path() / "tgmux.db";
    }
    options_.batch_rows = 7;
    auto store = Open();
    store->SetMeta(kKeyCheckMetaKey, old_.MakeKeyCheck());
    store->SetMeta("phone_digest_key", old_.WrapDataKey(SecretKey::Random(), "phone_digest_key"));
    store->SetMeta("jwt_signing_key", old_.WrapDataKey(SecretKey::Random(), "meta:jwt_signing_key"));
    store->SetMeta("file_id_key", old_.WrapDataKey(SecretKey::Random(), "file_id_key"));
    store->SetMeta("cluster_key", old_.WrapDataKey(SecretKey::Random(), "cluster key"));
    store->SetMeta("mcp_settings/key_1", "{\"tools\":[]}");  // not sealed: stays as it is
    for (int i = 0; i < 3; ++i) {
      Account a;
      a.id = "acc_" + std::to_string(i);
      a.wrapped_data_key = old_.WrapDataKey(SecretKey::Random(), a.id);
      a.phone_sealed = "under the data key";
      a.td_key_sealed = "under the data key";
      store->InsertAccount(a);
    }
    Webhook hook;
    hook.id = "whk_1";
    hook.secret_sealed = old_.SealRecord("webhook", "whk_1", "whsec_x");
    store->InsertWebhook(hook);
    Bot bot;
    bot.id = "bot_1";
    bot.token_digest = "d";
    bot.token_sealed = old_.SealRecord("bot_token", "bot_1", "123:abc");
    bot.td_key_sealed = old_.SealRecord("bot_td_key", "bot_1", SecretKey::Random().bytes());
    store->InsertBot(bot);
    store->PutBotConversation({"bot_1", 42, old_.SealRecord("bot_conversation", "bot_1/42", "{}"), 1});
    WatchMessage message;
    message.id = "wmsg_1";
    message.dedup_key = "k";
    message.data_sealed = old_.SealRecord("watch_message", "wmsg_1", "{}");
    WatchMatch plain, with_extra;
    plain.id = "wm_1";
    plain.message_id = "wmsg_1";
    plain.subscriber_id = "sub_1";
    with_extra.id = "wm_2";
    with_extra.message_id = "wmsg_1";
    with_extra.subscriber_id = "sub_2";
    with_extra.extra_sealed = old_.SealRecord("watch_match", "wm_2", "{\"note\":\"n\"}");
    store->InsertWatchMessage(message, {plain, with_extra});
    FileRecord file;
    file.account_id = "acc_1";
    file.file_id = "file_1";
    file.file_name = old_.SealRecord("file", "acc_1/file_1", "photo.jpg");
    store->UpsertFiles({file});
    Dialog dialog;
    dialog.id = "dlg_1";
    dialog.account_id = "acc_1";
    dialog.meta = old_.SealRecord("dialog_meta", "dlg_1", "{\"a\":1}");
    store->PutDialog(dialog);
    store->PutDialogMessage({"dlg_1", "acc_1", 5, false, 1, old_.SealRecord("dialog_message", "dlg_1:5", "{}")});
    for (int i = 0; i < kEvents; ++i) {
      const std::string id = "evt_" + std::to_string(i);
      store->AppendEvents({Event{i % 2 ? "ten_a" : "ten_b", 0, id, "chat.read", "acc_1", i, "",
                                 old_.SealRecord("event", id, "{\"n\":" + std::to_string(i) + "}")}});
    }
  }

  std::unique_ptr<Store> Open() const {
    return GetParam() == StoreKind::kPostgres ? OpenPostgresStore(options_.postgres, 1) : OpenSqliteStore(options_.sqlite);
  }
  std::unique_ptr<sql::Connection> Connect() const {
    return GetParam() == StoreKind::kPostgres ? sql::OpenPostgres(options_.postgres)
                                              : sql::OpenSqlite(options_.sqlite.string(), true, 1000);
  }

  struct Census {
    int under_old = 0;
    int under_new = 0;
    int under_neither = 0;
  };
  // Which key opens each master-sealed value.
  Census Count() const {
    Census census;
    auto db = Connect();
    for (const auto& column : MasterSealedColumns()) {
      std::string sql = "SELECT " + std::string(column.id_expression) + ", " + std::string(column.column) + " FROM " +
                        std::string(column.table) + (column.filter.empty() ? "" : " WHERE " + std::string(column.filter));
      sql::Statement rows(*db, sql);
      while (rows.Step()) {
        const std::string id = rows.Text(0), sealed = rows.Text(1);
        if (sealed.empty()) continue;
        auto opens = [&](const Envelope& key) {
          try {
            if (column.sealing == Sealing::kDataKey) key.UnwrapDataKey(sealed, id);
            else key.OpenRecord(column.kind, id, sealed);
            return true;
          } catch (const crypto::DecryptError&) {
            return false;
          }
        };
        if (opens(new_)) ++census.under_new;
        else if (opens(old_)) ++census.under_old;
        else ++census.under_neither;
      }
    }
    return census;
  }
  // Every sealed value: 4 meta keys, 3 accounts, a webhook, 2 bot values, a
  // conversation, a watched message, one match extra, a file, a dialog meta,
  // a dialog message, the events.
  static constexpr int kSealed = 4 + 3 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + kEvents;

  testing::TempDir dir_;
  RotationOptions options_;
  Envelope old_{SecretKey::Random()};
  Envelope new_{SecretKey::Random()};
};

TEST_P(RotationTest, ReSealsEveryValueSoThatTheOldKeyOpensNothing) {
  ASSERT_EQ(Count().under_old, kSealed);
  int installed = 0;
  options_.install_new_key = [&] { ++installed; };
  auto result = RotateMasterKey(options_, old_, new_);
  EXPECT_FALSE(result.stopped);
  EXPECT_FALSE(result.resumed);
  EXPECT_EQ(result.resealed, kSealed);
  EXPECT_GT(result.batches, 10) << "in batches of 7 rows";
  EXPECT_EQ(installed, 1);
  auto census = Count();
  EXPECT_EQ(census.under_new, kSealed);
  EXPECT_EQ(census.under_old, 0);
  EXPECT_EQ(census.under_neither, 0);
  auto store = Open();
  EXPECT_TRUE(new_.VerifyKeyCheck(*store->GetMeta(kKeyCheckMetaKey)));
  EXPECT_FALSE(old_.VerifyKeyCheck(*store->GetMeta(kKeyCheckMetaKey)));
  EXPECT_FALSE(store->GetMeta(kRotationMetaKey)) << "the record of the rotation stays behind";
  EXPECT_EQ(store->GetMeta("mcp_settings/key_1"), "{\"tools\":[]}");
  EXPECT_EQ(store->FindAccount("acc_1")->phone_sealed, "under the data key");
}

TEST_P(RotationTest, AStopHalfWayLeavesEveryValueReadableAndARerunFinishes) {
  options_.stop_after_batches = 4;
  auto first = RotateMasterKey(options_, old_, new_);
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.batches, 4);
  auto half = Count();
  EXPECT_GT(half.under_new, 0);
  EXPECT_GT(half.under_old, 0);
  EXPECT_EQ(half.under_neither, 0);
  EXPECT_EQ(half.under_new + half.under_old, kSealed);
  EXPECT_TRUE(Open()->GetMeta(kRotationMetaKey)) << "the rotation is recorded as unfinished";
  EXPECT_TRUE(old_.VerifyKeyCheck(*Open()->GetMeta(kKeyCheckMetaKey))) << "the data is still the old key's";

  // Another new key may not take over a half-finished rotation.
  Envelope other{SecretKey::Random()};
  options_.stop_after_batches = 0;
  EXPECT_THROW(RotateMasterKey(options_, old_, other), RotationRefused);

  // Installing the key fails once (a crash): the values are all resealed, the
  // record stays, and the rerun (now configured with the new key) completes.
  options_.install_new_key = [] { throw StoreError("disk full"); };
  EXPECT_THROW(RotateMasterKey(options_, old_, new_), StoreError);
  EXPECT_EQ(Count().under_new, kSealed);
  EXPECT_TRUE(Open()->GetMeta(kRotationMetaKey));
  bool installed = false;
  options_.install_new_key = [&] { installed = true; };
  auto rerun = RotateMasterKey(options_, new_, new_);
  EXPECT_TRUE(rerun.resumed);
  EXPECT_TRUE(installed);
  EXPECT_EQ(rerun.resealed, 0);
  EXPECT_FALSE(Open()->GetMeta(kRotationMetaKey));
  EXPECT_EQ(Count().under_new, kSealed);
}

TEST_P(RotationTest, RefusesKeysThatDoNotFitBeforeChangingAnything) {
  Envelope stranger{SecretKey::Random()};
  try {
    RotateMasterKey(options_, stranger, new_);
    FAIL() << "a wrong old key was accepted";
  } catch (const RotationRefused& e) {
    EXPECT_NE(std::string(e.what()).find("is not the one the data was written with"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RotateMasterKey(options_, old_, old_), RotationRefused);
  EXPECT_EQ(Count().under_old, kSealed);
  EXPECT_FALSE(Open()->GetMeta(kRotationMetaKey));
}

INSTANTIATE_TEST_SUITE_P(Stores, RotationTest, testing::kBothStores, testing::StoreKindName);

}  // namespace
}  // namespace tgmux::store::rekey
