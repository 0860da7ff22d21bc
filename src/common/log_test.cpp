// The log's stderr sink, as an operator reading the log sees it: every line
// from many threads arrives once and each thread's in order, a warning after
// what its thread logged before it, and a line written without waiting for
// more to come or for a flush.
#include "common/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tgmux::log {
namespace {

// fd 2 goes to a temporary file while it lives.
class StderrCapture {
 public:
  StderrCapture() {
    char path[] = "/tmp/tgmux-log-test-XXXXXX";
    fd_ = ::mkstemp(path);
    path_ = path;
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd_, STDERR_FILENO);
  }
  ~StderrCapture() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::string Text() const {
    std::string text;
    char chunk[65536];
    for (off_t at = 0;;) {
      ssize_t n = ::pread(fd_, chunk, sizeof chunk, at);
      if (n <= 0) return text;
      text.append(chunk, static_cast<std::size_t>(n));
      at += n;
    }
  }
  // Whether `needle` is written within `deadline`.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds deadline) const {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (Text().find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::yield();
    }
    return true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  int saved_ = -1;
};

TEST(LogSink, EveryLineOfManyThreadsArrivesOnceInItsThreadsOrderWithWarningsInPlace) {
  StderrCapture capture;
  log::Setup("info", "text");
  constexpr int kThreads = 4, kLines = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        if (i % 1000 == 999) {
          spdlog::warn("line t{} n{}", t, i);  // written at once, with what is buffered before it
        } else {
          spdlog::info("line t{} n{}", t, i);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  spdlog::default_logger()->flush();
  std::map<int, int> next;  // by thread: the line number expected next
  std::istringstream lines(capture.Text());
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find("line t");
    ASSERT_NE(at, std::string::npos) << line;
    int t = std::atoi(line.c_str() + at + 6);
    int n = std::atoi(line.c_str() + line.find(" n", at) + 2);
    ASSERT_EQ(n, next[t]) << "thread " << t << ": " << line;
    ++next[t];
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLines);
}

TEST(LogSink, LinesAreWrittenOnceWithoutAFlushOrMoreLinesAfterThem) {
  StderrCapture capture;
  log::Setup("info", "text");
  spdlog::info("a lone line");
  EXPECT_TRUE(capture.WaitFor("a lone line", std::chrono::seconds(5)));
  // Bursts: buffered, then written by the sink's own thread, each once.
  for (int burst = 0; burst < 3; ++burst) {
    for (int i = 0; i < 200; ++i) spdlog::info("burst {} line {};", burst, i);
    ASSERT_TRUE(capture.WaitFor("burst " + std::to_string(burst) + " line 199;", std::chrono::seconds(5)));
  }
  const std::string text = capture.Text();
  for (int burst = 0; burst < 3; ++burst) {
    for (int i = 0; i < 200; i += 37) {
      const std::string line = "burst " + std::to_string(burst) + " line " + std::to_string(i) + ";";
      auto first = text.find(line);
      ASSERT_NE(first, std::string::npos) << line;
      EXPECT_EQ(text.find(line, first + 1), std::string::npos) << line << " twice";
    }
  }
}

}  // namespace
}  // namespace tgmux::log
