// Password hashing (Argon2id: sign-ins, registrations) on threads of its own,
// bounded: `threads` hash at once and at most `queue` more wait. A burst
// beyond that is refused at once (the caller answers 429 with Retry-After)
// rather than making every request of the server wait behind it, since the
// workers that serve the other routes never hash.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tgmux::service {

class HashingPool {
 public:
  // Seconds a refused caller is told to wait before retrying.
  static constexpr int kRetryAfterSeconds = 1;

  HashingPool(int threads, int queue);
  ~HashingPool();  // runs what is queued, then joins

  // Runs `work` on a pool thread, now or after what waits before it; false
  // (and `work` never runs) when every thread is busy and the queue is full.
  // `work` must not throw. Thread-safe.
  bool TrySubmit(std::function<void()> work);

 private:
  void Run();

  const std::size_t capacity_;  // threads + queue: work accepted and not finished
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t busy_ = 0;  // threads running work
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tgmux::service
