#include "service/auth/hashing_pool.h"

namespace tgmux::service {

HashingPool::HashingPool(int threads, int queue) : capacity_(static_cast<std::size_t>(threads + queue)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

HashingPool::~HashingPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool HashingPool::TrySubmit(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    // A free thread takes it at once; otherwise it waits, if there is room.
    if (stopping_ || busy_ + queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(work));
  }
  wake_.notify_one();
  return true;
}

void HashingPool::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    auto work = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    work();
    lock.lock();
    --busy_;
  }
}

}  // namespace tgmux::service
