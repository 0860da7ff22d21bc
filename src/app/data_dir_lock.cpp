#include "app/data_dir_lock.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tgmux::app {
namespace {

// The pid the holder wrote, or "" while it has not written it yet.
std::string HolderPid(int fd) {
  char text[32] = {};
  ssize_t n = pread(fd, text, sizeof text - 1, 0);
  std::string pid(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && pid.back() == '\n') pid.pop_back();
  return pid.find_first_not_of("0123456789") == std::string::npos ? pid : "";
}

bool WritePid(int fd) {
  std::string pid = std::to_string(getpid()) + "\n";
  return ftruncate(fd, 0) == 0 && pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

}  // namespace

DataDirLock::DataDirLock(const std::filesystem::path& data_dir) {
  const std::string where = "TGMUX_DATA_DIR=\"" + data_dir.string() + "\"";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  auto path = data_dir / kFileName;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw DataDirLockError(where + ": cannot open " + path.string() + ": " + std::strerror(errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string pid = error == EWOULDBLOCK ? HolderPid(fd_) : "";
    ::close(fd_);
    fd_ = -1;
    if (error != EWOULDBLOCK) {
      throw DataDirLockError(where + ": cannot lock " + path.string() + ": " + std::strerror(error));
    }
    throw DataDirLockError(where + " is in use by another tgmux" + (pid.empty() ? "" : " (pid " + pid + ")") +
                           "; stop it first, or give this one another data directory");
  }
  // Without the pid the lock holds all the same; only a second process's message is poorer.
  if (!WritePid(fd_)) spdlog::warn("cannot write the pid into {}: {}", path.string(), std::strerror(errno));
}

DataDirLock::~DataDirLock() {
  if (fd_ < 0) return;
  // An empty file says nobody holds it; closing releases the lock either way.
  [[maybe_unused]] bool emptied = ftruncate(fd_, 0) == 0;
  ::close(fd_);
}

}  // namespace tgmux::app
