#include "service/outbox/outbox_journal.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace tgmux::service {

OutboxJournal::OutboxJournal(store::Store& store) : store_(store), thread_([this] { Loop(); }) {}

OutboxJournal::~OutboxJournal() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wakeup_.notify_one();
  thread_.join();
}

void OutboxJournal::Write(store::OutboxWrite write, Done done, EventData clear,
                          const std::function<void()>& queued) {
  Add({std::move(write), std::move(done), {}, std::move(clear)}, queued);
}

void OutboxJournal::Then(std::function<void()> task) { Add({{}, {}, std::move(task), {}}); }

void OutboxJournal::Add(Item item, const std::function<void()>& queued) {
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(item));
    if (queued) queued();  // under the lock: the journal's thread cannot take the write meanwhile
  }
  wakeup_.notify_one();
}

void OutboxJournal::Loop() {
  std::vector<Item> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wakeup_.wait(lock, [this] { return stop_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping, and everything is written
    if (queued_.size() <= kMaxBatch) {
      batch.swap(queued_);
    } else {
      batch.assign(std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.begin() + kMaxBatch));
      queued_.erase(queued_.begin(), queued_.begin() + kMaxBatch);
    }
    lock.unlock();
    WriteBatch(batch);
    batch.clear();
    lock.lock();
  }
}

void OutboxJournal::WriteBatch(std::vector<Item>& batch) {
  // Consecutive writes go in one transaction; a task splits the batch.
  std::size_t begin = 0;
  while (begin < batch.size()) {
    std::size_t end = begin;
    std::vector<store::OutboxWrite> writes;
    EventData clear;
    for (; end < batch.size() && !batch[end].task; ++end) {
      writes.push_back(std::move(batch[end].write));
      clear.merge(batch[end].clear);
    }
    if (writes.empty()) {
      try {
        batch[begin++].task();
      } catch (const std::exception& e) {
        spdlog::error("outbox: {}", e.what());
      }
      continue;
    }
    std::vector<std::pair<std::exception_ptr, bool>> outcomes;
    {
      try {
        for (bool applied : WriteRows(writes, clear)) outcomes.emplace_back(nullptr, applied);
      } catch (const store::StoreUnavailable&) {
        outcomes.assign(writes.size(), {std::current_exception(), false});
      } catch (const std::exception&) {
        // One bad write must not take the others with it: each on its own.
        outcomes.clear();
        if (writes.size() == 1) outcomes.emplace_back(std::current_exception(), false);
        for (std::size_t i = 0; writes.size() > 1 && i < writes.size(); ++i) {
          try {
            outcomes.emplace_back(nullptr, WriteRows({writes[i]}, clear).at(0));
          } catch (const std::exception&) {
            outcomes.emplace_back(std::current_exception(), false);
          }
        }
      }
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      try {
        batch[begin + i].done(outcomes[i].first, outcomes[i].second);
      } catch (const std::exception& e) {
        spdlog::error("outbox: after a write: {}", e.what());
      }
    }
    begin = end;
  }
}

std::vector<bool> OutboxJournal::WriteRows(const std::vector<store::OutboxWrite>& writes, const EventData& clear) {
  std::vector<store::Event> appended;
  auto applied = store_.WriteOutbox(writes, &appended);
  if (!appended.empty() && appended_) {
    try {
      appended_(appended, clear);
    } catch (const std::exception& e) {
      spdlog::error("outbox: after appending events: {}", e.what());
    }
  }
  return applied;
}

}  // namespace tgmux::service
