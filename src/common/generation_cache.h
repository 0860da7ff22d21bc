// A read-through cache of what the store said, that a change empties at once.
//
// The writer calls Invalidate() once the store has the change; from then on
// nothing cached before answers. A reader that misses reads Generation()
// *before* reading the store and passes it to Put, so a value read while a
// change was being made is never kept (its generation is already old).
// Several nodes (issue #20): Invalidate() is the single hook a node calls when
// it learns of another node's change (a counter in the shared database, bumped
// in the changing transaction and announced by LISTEN/NOTIFY, or polled).
//
// Thread-safe; never blocks on anything but a short mutex, so network threads
// may call Find.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tgmux {

template <class Value>
class GenerationCache {
 public:
  // At most this many values are kept; past it the cache starts over.
  explicit GenerationCache(std::size_t capacity) : capacity_(capacity) {}

  std::uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }

  std::optional<Value> Find(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }

  // Keeps `value` unless something changed since `generation` was read.
  void Put(const std::string& key, Value value, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != Generation()) return;
    if (values_.size() >= capacity_) values_.clear();
    values_.insert_or_assign(key, std::move(value));
  }

  void Invalidate() {
    std::lock_guard lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    values_.clear();
  }

 private:
  const std::size_t capacity_;
  std::atomic<std::uint64_t> generation_{1};
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Value> values_;
};

}  // namespace tgmux
