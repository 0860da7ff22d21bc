// Child processes for end-to-end tests: the real tgmux and tgsim binaries.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tgmux::testing {

// A temporary directory removed with everything in it when the object dies,
// unless TGMUX_TEST_ARTIFACTS names a folder to keep it in (ctest sets it).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

class Process {
 public:
  // Starts `argv` with exactly `env` as its environment (plus PATH), stdout and
  // stderr captured into files under `log_dir`.
  Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
          const std::filesystem::path& log_dir, const std::filesystem::path& stdin_path = {});
  ~Process();  // SIGKILL if still running

  // Waits until stdout contains `text`; returns the line containing it, or "" on timeout or exit.
  std::string WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  // Sends `signal` and waits for the exit; returns the exit status (128+N when killed).
  int Stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for the process to exit by itself; returns its exit status or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();

  std::string Stdout() const;
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
};

// Reads a whole file; "" when missing.
std::string ReadFile(const std::filesystem::path& path);
// Resident set size of a process in KiB (from /proc), 0 when unknown.
long RssKiB(pid_t pid);

}  // namespace tgmux::testing
