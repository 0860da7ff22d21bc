#include "service/background.h"

#include <spdlog/spdlog.h>

namespace tgmux::service {

Background::Background() : thread_([this] { Run(); }) {}

Background::~Background() { Stop(); }

void Background::PostAt(Clock::time_point when, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    tasks_.emplace(when, std::move(task));
  }
  wakeup_.notify_one();
}

void Background::Every(std::chrono::milliseconds interval, std::function<void()> task) {
  auto shared = std::make_shared<std::function<void()>>();
  *shared = [this, interval, task = std::move(task), weak = std::weak_ptr<std::function<void()>>(shared)]() {
    task();
    if (auto self = weak.lock()) PostAt(Clock::now() + interval, [self] { (*self)(); });
  };
  PostAt(Clock::now() + interval, [shared] { (*shared)(); });
}

void Background::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    tasks_.clear();
  }
  wakeup_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Background::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (tasks_.empty()) {
      wakeup_.wait(lock);
      continue;
    }
    auto first = tasks_.begin();
    if (first->first > Clock::now()) {
      // A copy: Stop may clear the tasks while this waits.
      const Clock::time_point due = first->first;
      wakeup_.wait_until(lock, due);
      continue;
    }
    auto task = std::move(first->second);
    tasks_.erase(first);
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("background task failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace tgmux::service
