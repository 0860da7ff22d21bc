// One tgmux process per data directory: two would drive the same outbox, store
// and TDLib session directories. The lock is flock(2) on <data_dir>/tgmux.lock,
// which also holds the holder's pid for the operator (like PostgreSQL's
// postmaster.pid). The kernel drops it with its process, so a lock left by a
// crash or kill -9 never blocks the next start.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace tgmux::app {

// Another process holds the lock, or the lock file cannot be opened. One line
// naming the directory (and the holder's pid when known).
class DataDirLockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DataDirLock {
 public:
  // Takes the lock without waiting (creating the directory and the file when
  // missing) and writes this process's pid into the file; throws DataDirLockError.
  explicit DataDirLock(const std::filesystem::path& data_dir);
  // Empties the file and releases the lock.
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  static constexpr const char* kFileName = "tgmux.lock";

 private:
  int fd_ = -1;
};

}  // namespace tgmux::app
