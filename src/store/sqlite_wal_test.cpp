#include "store/sqlite_wal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "store/sql_sqlite.h"
#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace tgmux::store {
namespace {

using namespace std::chrono_literals;

// A sync that blocks until the test lets it finish, counting how often it ran.
class HeldSync {
 public:
  std::string operator()() {
    ++started_;
    std::unique_lock lock(mutex_);
    released_cv_.wait(lock, [&] { return released_ >= started_; });
    return "";
  }
  // Lets every sync begun so far finish.
  void ReleaseStarted() {
    {
      std::lock_guard lock(mutex_);
      released_ = started_.load();
    }
    released_cv_.notify_all();
  }
  int started() const { return started_; }

 private:
  std::atomic<int> started_{0};
  std::mutex mutex_;
  std::condition_variable released_cv_;
  int released_ = 0;
};

TEST(CommitSyncTest, WritersThatCommitDuringASyncAllWaitForTheNextOneAndShareIt) {
  HeldSync disk;
  CommitSync sync([&] { return disk(); });
  // The first writer leads a sync, which the disk holds.
  auto first = std::async(std::launch::async, [&] { sync.AwaitDurable(); });
  ASSERT_TRUE(testing::WaitUntil([&] { return disk.started() == 1; }, 10s));

  // Eight more commit meanwhile: the sync under way began before their commits.
  std::vector<std::future<void>> later;
  for (int i = 0; i < 8; ++i) later.push_back(std::async(std::launch::async, [&] { sync.AwaitDurable(); }));
  ASSERT_TRUE(testing::WaitUntil([&] { return sync.commits() == 9; }, 10s));
  EXPECT_EQ(later[0].wait_for(0ms), std::future_status::timeout);

  disk.ReleaseStarted();
  first.get();
  // None of the eight returns on the first sync: one more, for all of them.
  ASSERT_TRUE(testing::WaitUntil([&] { return disk.started() == 2; }, 10s));
  for (auto& f : later) EXPECT_EQ(f.wait_for(0ms), std::future_status::timeout);
  disk.ReleaseStarted();
  for (auto& f : later) f.get();
  EXPECT_EQ(sync.syncs(), 2u);
  EXPECT_EQ(disk.started(), 2);
}

TEST(CommitSyncTest, AFailedSyncIsTheWritersErrorAndTheNextWriteSyncsAgain) {
  int calls = 0;
  CommitSync sync([&] { return ++calls == 1 ? std::string("disk says no") : std::string(); });
  try {
    sync.AwaitDurable();
    FAIL() << "a failed sync returned as durable";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("disk says no"), std::string::npos) << e.what();
  }
  sync.AwaitDurable();
  EXPECT_EQ(calls, 2);
}

TEST(CommitSyncTest, SyncsTheWalOrTheDatabaseAndNamesWhatItCouldNotOpen) {
  testing::TempDir dir;
  const std::string database = (dir.path() / "tgmux.db").string();
  std::ofstream(database) << "x";
  EXPECT_EQ(SyncSqliteWal(database), "");  // no WAL: the database file
  std::ofstream(database + "-wal") << "y";
  EXPECT_EQ(SyncSqliteWal(database), "");
  const std::string missing = (dir.path() / "absent" / "tgmux.db").string();
  EXPECT_NE(SyncSqliteWal(missing).find(missing), std::string::npos);
}

// A writer that commits without a pause, as the outbox does under load (each
// commit then synced, as the store does): a PASSIVE checkpoint never finds the
// WAL idle, so only the start over keeps the WAL's file from growing by
// everything written.
TEST(WalCheckpointerTest, StartsTheWalOverWhileWritesNeverPause) {
  testing::TempDir dir;
  const std::string database = (dir.path() / "wal.db").string();
  auto open = [&] {
    auto db = sql::OpenSqlite(database, false, 5000);
    db->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0");
    return db;
  };
  auto first = open();
  first->ExecScript("CREATE TABLE rows (data BLOB NOT NULL)");
  sql::ConnectionPool writer(1, open, std::move(first));
  std::atomic<bool> writing{true};
  // A reader too: RESTART waits for readers to leave the WAL.
  auto reader = std::async(std::launch::async, [&] {
    auto db = sql::OpenSqlite(database, true, 5000);
    while (writing) {
      sql::Statement last(*db, "SELECT max(rowid) FROM rows");
      last.Step();
    }
  });
  constexpr int kCommits = 2000;  // about 3 pages each: some 24 MB through the WAL
  {
    WalCheckpointer checkpointer(database, open(), writer, {.commits_per_checkpoint = 20, .restart_frames = 100});
    for (int i = 0; i < kCommits; ++i) {
      {
        auto lease = writer.Acquire();
        (*lease).ExecScript("INSERT INTO rows (data) VALUES (randomblob(8000))");
      }
      checkpointer.Committed();
      if (const std::string error = SyncSqliteWal(database); !error.empty()) {
        ADD_FAILURE() << error;  // the reader stops below either way
        break;
      }
    }
  }
  writing = false;
  reader.get();
  // The file keeps its largest size: it never held more than a few checkpoints' worth.
  const auto wal_bytes = std::filesystem::file_size(database + "-wal");
  EXPECT_LT(wal_bytes, 4u << 20) << "the WAL grew to " << wal_bytes << " bytes";
}

}  // namespace
}  // namespace tgmux::store
