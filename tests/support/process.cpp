#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tgmux::testing {

TempDir::TempDir() {
  // Under ctest the directories are kept in one place, so that a last test can
  // scan everything the suite's tgmux processes wrote for secrets in clear text.
  const char* keep_under = std::getenv("TGMUX_TEST_ARTIFACTS");
  std::filesystem::path base = keep_under ? keep_under : std::filesystem::temp_directory_path();
  keep_ = keep_under != nullptr;
  std::filesystem::create_directories(base);
  std::string pattern = (base / "tgmux-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

long RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 const std::filesystem::path& log_dir, const std::filesystem::path& stdin_path) {
  static int counter = 0;
  std::string stem = std::filesystem::path(argv.at(0)).filename().string() + "-" + std::to_string(++counter);
  out_path_ = log_dir / (stem + ".out");
  err_path_ = log_dir / (stem + ".err");
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  // Sanitizer settings of a `make sanitize` run reach the children too.
  for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name); value && !env.count(name)) env[name] = value;
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!stdin_path.empty()) dup2(open(stdin_path.c_str(), O_RDONLY), 0);
    dup2(out, 1);
    dup2(err, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

Process::~Process() {
  if (Running()) Stop(SIGKILL, std::chrono::seconds(5));
}

bool Process::Running() {
  if (status_ != -1) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int Process::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int Process::Stop(int signal, std::chrono::milliseconds timeout) {
  if (Running()) kill(pid_, signal);
  int status = Wait(timeout);
  if (status == -1) {
    kill(pid_, SIGKILL);
    status = Wait(std::chrono::seconds(5));
  }
  return status;
}

std::string Process::WaitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string out = Stdout();
    if (auto at = out.find(text); at != std::string::npos) {
      auto start = out.rfind('\n', at);
      start = start == std::string::npos ? 0 : start + 1;
      return out.substr(start, out.find('\n', at) - start);
    }
    if (!Running() || std::chrono::steady_clock::now() > deadline) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Process::Stdout() const { return ReadFile(out_path_); }
std::string Process::Stderr() const { return ReadFile(err_path_); }

}  // namespace tgmux::testing
