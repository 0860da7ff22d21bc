#include "store/sql_pool.h"

#include <utility>

namespace tgmux::store::sql {

ConnectionPool::ConnectionPool(std::size_t size, Open open, std::unique_ptr<Connection> first)
    : size_(size < 1 ? 1 : size), open_(std::move(open)) {
  if (first) {
    idle_.push_back(std::move(first));
    open_count_ = 1;
  }
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_count_ < size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_count_;  // counted while it opens, so the pool never exceeds its size
  lock.unlock();
  try {
    return Lease(*this, open_());
  } catch (...) {
    lock.lock();
    --open_count_;
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::Return(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection) {
      idle_.push_back(std::move(connection));
    } else {
      --open_count_;
    }
  }
  returned_.notify_one();
}

void ConnectionPool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;  // closed at the end, outside the lock
  {
    std::lock_guard lock(mutex_);
    open_count_ -= idle_.size();
    dropped.swap(idle_);
  }
  returned_.notify_all();
}

}  // namespace tgmux::store::sql
