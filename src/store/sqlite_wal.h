// Internal to store/: how SQLite's commits become durable without making
// every writer wait its turn for the disk.
//
// CommitSync is group commit. The writer connection commits without syncing
// (synchronous=NORMAL: cheap, and the database stays consistent), and each
// writing call then waits until one fdatasync of the WAL, begun after its
// commit, has finished. One sync covers every commit made before it began, so
// concurrent writers share each sync instead of queueing one sync each behind
// the writer connection. A call returns only once its commit survives a
// power cut.
//
// WalCheckpointer moves SQLite's checkpoints (copying the WAL back into the
// database, which syncs both files) off the writer: the writer's automatic
// checkpoints are off, and a thread of the store checkpoints on a connection
// of its own, so no writing call pays for one (but for the few milliseconds
// the WAL's start over holds them, below).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sql.h"
#include "store/sql_pool.h"

namespace tgmux::store {

// Thread-safe.
class CommitSync {
 public:
  // Makes what was written so far durable; returns "" or why it failed.
  using Sync = std::function<std::string()>;

  explicit CommitSync(Sync sync) : sync_(std::move(sync)) {}

  // Called after a commit: returns once a sync begun after the call has
  // succeeded. Throws StoreError when the sync fails (the caller's write may
  // not survive a power cut; a later call tries again).
  void AwaitDurable();

  // For tests and figures: calls so far, and syncs begun so far.
  std::uint64_t commits() const;
  std::uint64_t syncs() const;

 private:
  const Sync sync_;
  mutable std::mutex mutex_;
  std::condition_variable synced_cv_;
  std::uint64_t committed_ = 0;  // tickets handed out
  std::uint64_t synced_ = 0;     // every ticket up to here is durable
  bool syncing_ = false;
  std::uint64_t syncs_ = 0;
};

// fdatasync of SQLite's WAL beside `database` (of the database file itself
// when there is no WAL). Returns "" or the reason.
std::string SyncSqliteWal(const std::string& database);

// Thread-safe. Checkpoints (PASSIVE: never waits for readers or the writer)
// after every Limits::commits_per_checkpoint commits, and a second after the
// first commit since the last checkpoint; sleeps while nothing is written.
//
// Under steady writes a PASSIVE checkpoint never catches up: the writer adds
// frames while it copies, and SQLite starts the WAL over only once every frame
// is in the database, so the WAL would grow without end (about 20 KB a send).
// So once a checkpoint finds Limits::restart_frames or more in the WAL, the
// checkpointer holds the writer connection of `writer` (every writing call
// waits meanwhile) and copies what is left with RESTART; the next commit
// writes from the start of the file again. PASSIVE has copied most of it by
// then, and the database file is synced before the writers are held: they
// wait for the last frames and their sync.
// `connection`'s busy timeout (kRestartWaitMs) bounds how long RESTART waits
// for readers to leave the WAL; a reader that stays longer only puts the start
// over off to the next checkpoint.
class WalCheckpointer {
 public:
  struct Limits {
    std::uint64_t commits_per_checkpoint = 500;
    std::int64_t restart_frames = 16384;  // 64 MiB of 4 KiB pages
  };
  static constexpr int kRestartWaitMs = 20;

  // `database`: the file's path; `writer`: the pool of the one writer
  // connection, which must outlive the checkpointer.
  WalCheckpointer(std::string database, std::unique_ptr<sql::Connection> connection, sql::ConnectionPool& writer,
                  Limits limits);
  ~WalCheckpointer();  // stops the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void Committed();

 private:
  void Loop();
  // One checkpoint: PASSIVE, then RESTART, holding the writer, when the WAL is long.
  void Checkpoint();

  const std::string database_;
  std::unique_ptr<sql::Connection> connection_;
  sql::ConnectionPool& writer_;
  const Limits limits_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t commits_ = 0;  // since the last checkpoint
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tgmux::store
