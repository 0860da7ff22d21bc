// A fixed set of threads running posted tasks, oldest first: blocking work
// (store reads, outgoing HTTP) kept off the threads that must not wait.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tgmux {

class WorkPool {
 public:
  // `name` names the pool in the log when a task throws.
  WorkPool(std::string name, int threads);
  ~WorkPool();  // Stop()
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Runs `task` on one of the threads; after Stop, never.
  void Post(std::function<void()> task);
  // Finishes the tasks running now, drops the rest, and joins the threads. Idempotent.
  void Stop();

 private:
  void Run();

  const std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tgmux
