// Test helper: collects the values a callback receives and waits for them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace tgmux::telegram::testing {

template <class T>
class CallbackBox {
 public:
  std::function<void(T)> Callback() {
    return [this](T value) {
      std::lock_guard lock(mutex_);
      values_.push_back(std::move(value));
      changed_.notify_all();
    };
  }

  // The n-th value (0-based), waiting up to `timeout` for it.
  std::optional<T> Wait(std::size_t n = 0, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return values_.size() > n; })) return std::nullopt;
    return values_[n];
  }

  // The first value that satisfies `match`, waiting up to `timeout`.
  std::optional<T> WaitFor(const std::function<bool(const T&)>& match,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    std::optional<T> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& value : values_) {
        if (match(value)) {
          found = value;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return values_.size();
  }

  std::vector<T> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<T> values_;
};

}  // namespace tgmux::telegram::testing
