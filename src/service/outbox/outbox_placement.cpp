// Where entries are sent from: at start-up every unfinished entry (one node),
// or, with several nodes (docs/cluster.md), the entries of the accounts whose
// leases this node holds: taken up with a lease, picked up at every beat when
// another node wrote them, and let go with the lease.
#include <spdlog/spdlog.h>

#include "common/time.h"
#include "service/outbox/outbox.h"

namespace tgmux::service {

using store::OutboxState;

OutboxService::Unfinished OutboxService::ReadUnfinished(
    const std::function<bool(const std::string& account_id)>& which, const std::string& one_account) {
  Unfinished out;
  for (auto& entry : infra_.store().ListUnfinishedOutbox(one_account, 0)) {
    if (which && !which(entry.account_id)) continue;
    if (entry.state != OutboxState::kQueued) {
      out.in_flight.push_back(std::move(entry));
      continue;
    }
    try {
      auto clear = Sealed(entry, false);
      if (!clear.media.empty()) {
        for (const auto& file : nlohmann::json::parse(clear.media).value("files", nlohmann::json::array())) {
          out.spooled.insert(file.value("name", ""));
        }
      }
      out.queued[entry.account_id].push_back(std::move(clear));
    } catch (const std::exception& e) {
      // Its account's keys do not open: no session could send it either.
      spdlog::error("outbox {}: cannot be read ({}); it stays queued", entry.id, e.what());
      out.unreadable = true;
    }
  }
  return out;
}

void OutboxService::EndInFlight(const std::vector<store::OutboxEntry>& entries) {
  for (auto entry : entries) {
    entry.state = OutboxState::kFailed;
    entry.error_code = std::string(CodeName(ErrorCode::kTelegramUnreachable));
    entry.error_message =
        "tgmux stopped while this message was being sent: it may or may not have been delivered, and it is not "
        "sent again to avoid a double send";
    entry.updated_at = UnixSeconds();
    std::optional<store::OutboxEntry> clear;
    try {
      clear = Sealed(entry, false);
    } catch (const std::exception& e) {
      spdlog::error("outbox {}: cannot be read ({})", entry.id, e.what());
    }
    // The state and its message.failed in one transaction, as Finish writes them.
    auto events = clear ? EndEvent(*clear) : OutboxJournal::Events{};
    std::vector<store::Event> appended;
    infra_.store().WriteOutbox({{entry, WriteKind::kWhole, std::move(events.sealed)}}, &appended);
    if (!appended.empty() && end_events_.appended) end_events_.appended(appended, events.clear);
    metrics_.Ended(entry);
    spdlog::warn("outbox {}: outcome unknown after a restart; marked failed", entry.id);
    if (!clear) continue;
    try {
      for (const auto& listener : finished_listeners_) listener(*clear);
    } catch (const std::exception& e) {
      spdlog::error("outbox {}: after marking it failed: {}", entry.id, e.what());
    }
  }
}

void OutboxService::TakeOver(const std::string& account_id) {
  auto unfinished = ReadUnfinished([&](const std::string& id) { return id == account_id; }, account_id);
  EndInFlight(unfinished.in_flight);
  for (auto& [id, entries] : unfinished.queued) {
    for (const auto& entry : entries) metrics_.Track(entry);
  }
  AcceptEachIfStillQueued(std::move(unfinished.queued));
}

void OutboxService::AcceptEachIfStillQueued(std::map<std::string, std::vector<store::OutboxEntry>> queued) {
  for (auto& [id, entries] : queued) {
    background_.Post([this, entries = std::move(entries)] {
      for (const auto& entry : entries) AcceptIfStillQueued(entry);
    });
  }
}

void OutboxService::PickUp(const std::set<std::string>& account_ids) {
  if (account_ids.empty()) return;
  AcceptEachIfStillQueued(
      ReadUnfinished([&](const std::string& id) { return account_ids.count(id) > 0; }).queued);
}

void OutboxService::Wake(const std::string& entry_id) {
  {
    std::lock_guard lock(woken_mutex_);
    woken_.push_back(entry_id);
    if (wake_posted_) return;
    wake_posted_ = true;
  }
  background_.Post([this] {
    std::vector<std::string> woken;
    {
      std::lock_guard lock(woken_mutex_);
      woken.swap(woken_);
      wake_posted_ = false;
    }
    for (const auto& id : woken) {
      try {
        auto entry = Load(id);
        if (entry && entry->state == OutboxState::kQueued && accounts_.RunsHere(entry->account_id)) {
          AcceptIfStillQueued(*entry);
        }
      } catch (const std::exception& e) {
        // The next beat picks it up.
        spdlog::warn("outbox {}: written on another node, waits for the next beat: {}", id, e.what());
      }
    }
  });
}

void OutboxService::AcceptIfStillQueued(const store::OutboxEntry& entry) {
  Sender& sender = SenderOf(entry.account_id);
  if (Find(sender, entry.id) != nullptr) return;  // it has it
  // Or had it: it is in flight or ended once it left the queue (`sending` is
  // on disk before a send leaves). With the store away it waits for later.
  std::optional<store::OutboxEntry> stored;
  try {
    stored = Load(entry.id);
  } catch (const store::StoreUnavailable&) {
    return;
  }
  if (!stored || stored->state != OutboxState::kQueued) return;
  for (const auto& [key, settling] : sender.settling) {
    if (settling.id == entry.id) return;
  }
  Accept({entry});
}

void OutboxService::Release(const std::string& account_id) {
  background_.Post([this, account_id] {
    auto it = senders_.find(account_id);
    if (it == senders_.end()) return;
    auto& queue = it->second.queue;
    for (auto item = queue.begin(); item != queue.end();) {
      item = item->in_flight ? std::next(item) : queue.erase(item);
    }
  });
}

}  // namespace tgmux::service
