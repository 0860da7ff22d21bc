// Writes the outbox's rows in batches: every write queued while the previous
// batch was being written goes into the next one, which is one transaction and
// so one durable commit (one fsync of SQLite's WAL, one round trip and commit
// on PostgreSQL) however many sends it carries. Writes are applied in the
// order they were queued, and each one's `done` runs in that order, on the
// journal's thread, once its batch is durable or has failed: so the states of
// one entry are never written out of order, and a caller that waits for
// `done` knows its write is on disk. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace tgmux::service {

class OutboxJournal {
 public:
  // `error`: null once written, else why nothing of the batch was;
  // `applied`: as Store::WriteOutbox says (false for an insert whose
  // idempotency key is taken, or an update of an entry that is gone).
  using Done = std::function<void(std::exception_ptr error, bool applied)>;

  // What events say in clear, by event id (their data is sealed in the store).
  using EventData = std::map<std::string, nlohmann::json>;
  // Events to append with a write: as stored, and what each says in clear.
  struct Events {
    std::vector<store::Event> sealed;
    EventData clear;
  };
  // Gets the events a batch appended (OutboxWrite::events), with their seq,
  // and what the writes said they say in clear (Write's `clear`), on the
  // journal's thread, before the batch's `done`s run.
  using Appended = std::function<void(const std::vector<store::Event>& events, const EventData& clear)>;

  explicit OutboxJournal(store::Store& store);
  ~OutboxJournal();  // writes what is queued, then stops
  OutboxJournal(const OutboxJournal&) = delete;
  OutboxJournal& operator=(const OutboxJournal&) = delete;

  // `entry` is as stored (sealed); `clear`: what write.events say (may be empty).
  // `queued` runs in the caller's thread once the write has its place in the
  // order, before its `done` can run: what it posts elsewhere is posted in the
  // order of the writes, ahead of what their `done`s post. It must be quick
  // and must not call the journal.
  void Write(store::OutboxWrite write, Done done, EventData clear = {}, const std::function<void()>& queued = {});
  // Runs `task` on the journal's thread in its turn: after every write asked
  // for before it is done, before any asked for after it is written. For a
  // write that could not be prepared (its entry could not be sealed), so that
  // what the caller does instead keeps its place in the order.
  void Then(std::function<void()> task);
  // Before the first write.
  void OnAppended(Appended listener) { appended_ = std::move(listener); }

  // At most this many writes in one transaction.
  static constexpr std::size_t kMaxBatch = 256;

 private:
  struct Item {
    store::OutboxWrite write;
    Done done;
    std::function<void()> task;  // instead of a write
    EventData clear;
  };
  void Add(Item item, const std::function<void()>& queued = {});
  void Loop();
  void WriteBatch(std::vector<Item>& batch);
  // One store call; its appended events go to the listener.
  std::vector<bool> WriteRows(const std::vector<store::OutboxWrite>& writes, const EventData& clear);

  store::Store& store_;
  Appended appended_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::vector<Item> queued_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tgmux::service
