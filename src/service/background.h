// One background thread for the service layer: work posted from TDLib callbacks
// (which must not block the receive thread) and periodic sweeps run here, in
// order of their due time. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace tgmux::service {

class Background {
 public:
  using Clock = std::chrono::steady_clock;

  Background();
  ~Background();  // runs nothing more; tasks not yet due are dropped

  void Post(std::function<void()> task) { PostAt(Clock::now(), std::move(task)); }
  void PostAt(Clock::time_point when, std::function<void()> task);
  // Runs `task` every `interval` until Stop.
  void Every(std::chrono::milliseconds interval, std::function<void()> task);
  void Stop();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::multimap<Clock::time_point, std::function<void()>> tasks_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tgmux::service
