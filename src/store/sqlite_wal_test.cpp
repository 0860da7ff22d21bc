#include "store/sqlite_wal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace tgmux::store
