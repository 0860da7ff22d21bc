#include "store/sqlite_wal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "store/store.h"

namespace tgmux::store {

void CommitSync::AwaitDurable() {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = ++committed_;
  while (synced_ < ticket) {
    if (syncing_) {
      // The sync under way may have begun before this commit: wait for it,
      // then look again (the next one, led by some waiter, covers it).
      synced_cv_.wait(lock);
      continue;
    }
    // Lead one sync for every commit so far, this one included.
    syncing_ = true;
    ++syncs_;
    const std::uint64_t covers = committed_;
    lock.unlock();
    const std::string error = sync_();
    lock.lock();
    syncing_ = false;
    if (error.empty() && covers > synced_) synced_ = covers;
    synced_cv_.notify_all();
    if (!error.empty()) throw StoreError("cannot make a commit durable: " + error);
  }
}

std::uint64_t CommitSync::commits() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

std::uint64_t CommitSync::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

namespace {

// fdatasync of `file`, which `fd` is (negative: it could not be opened, and
// errno says why); closes it. Returns "" or the reason.
std::string Fdatasync(const std::string& file, int fd) {
  if (fd < 0) return "cannot open " + file + ": " + std::strerror(errno);
  const int result = ::fdatasync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (result != 0) return "fdatasync of " + file + " failed: " + std::strerror(sync_errno);
  return "";
}

}  // namespace

std::string SyncSqliteWal(const std::string& database) {
  // SQLite keeps the WAL while any connection is open; without one, the
  // last close checkpointed it into the database file.
  std::string file = database + "-wal";
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    file = database;
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  }
  return Fdatasync(file, fd);
}

WalCheckpointer::WalCheckpointer(std::string database, std::unique_ptr<sql::Connection> connection,
                                 sql::ConnectionPool& writer, Limits limits)
    : database_(std::move(database)),
      connection_(std::move(connection)),
      writer_(writer),
      limits_(limits),
      thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::Committed() {
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    ++commits_;
    due = commits_ == 1 || commits_ == limits_.commits_per_checkpoint;  // the first wakes the thread
  }
  if (due) wake_.notify_all();
}

void WalCheckpointer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Idle until a commit comes; then a second, or less when many come.
    wake_.wait(lock, [&] { return stopping_ || commits_ > 0; });
    wake_.wait_for(lock, std::chrono::seconds(1),
                   [&] { return stopping_ || commits_ >= limits_.commits_per_checkpoint; });
    if (stopping_) break;
    commits_ = 0;
    lock.unlock();
    try {
      Checkpoint();
    } catch (const sql::Error& e) {
      // The next one tries again; the WAL meanwhile only grows.
      spdlog::warn("checkpointing the SQLite WAL failed: {}", e.what());
    }
    lock.lock();
  }
}

void WalCheckpointer::Checkpoint() {
  std::int64_t frames = 0;  // in the WAL when the checkpoint began
  {
    sql::Statement passive(*connection_, "PRAGMA wal_checkpoint(PASSIVE)");  // busy, WAL frames, frames copied
    if (passive.Step()) frames = passive.Int64(1);
  }
  if (frames < limits_.restart_frames) return;
  // Under writes PASSIVE does not sync the database file (it stops short of
  // the WAL's end): its pages go down now, before the writers are held, or
  // RESTART would sync them all while they wait (25-30 ms for 64 MiB here).
  const int fd = ::open(database_.c_str(), O_RDONLY | O_CLOEXEC);
  if (const std::string error = Fdatasync(database_, fd); !error.empty()) {
    spdlog::warn("checkpointing the SQLite WAL: {}", error);
  }
  // Holding the writer connection keeps every writing call out; this
  // connection's busy timeout (kRestartWaitMs) bounds the wait for readers.
  auto writer = writer_.Acquire();
  connection_->ExecScript("PRAGMA wal_checkpoint(RESTART)");
}

}  // namespace tgmux::store
