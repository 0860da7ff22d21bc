#include "service/events/events.h"

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "crypto/random_id.h"

namespace tgmux::service {
namespace {

constexpr std::size_t kBatch = 500;
constexpr int kMaxRead = 500;
// While the store is away: the writer's first wait, doubled up to the last.
constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kLastRetry{2000};

}  // namespace

const std::set<std::string> kEventTypes = {
    "message.received", "message.sent", "message.failed", "message.edited", "message.deleted",
    "message.read",     "chat.read",    "account.status", "login.state",    "webhook.disabled", "bot.status",
    "watch.message",    "watch.match",  "dialog.message", "dialog.status",
};

EventService::EventService(Infrastructure& infra, AccountService& accounts, Background& background,
                           MessageShapes shapes)
    : infra_(infra),
      shapes_(std::move(shapes)),
      accounts_(accounts),
      background_(background),
      buffer_limit_(infra.config().event_buffer),
      writer_([this] { Run(); }) {
  accounts_.AddObserver(this);
  infra_.metrics().AddCollector([this](Metrics::Writer& w) {
    std::lock_guard lock(mutex_);
    w.Gauge("tgmux_events_queued", "Events waiting to be written to the event log", "",
            static_cast<double>(queue_.size()));
    w.Counter("tgmux_events_processed_total", "Events the writer took since start (written, or lost in a failed batch)",
              "", static_cast<double>(written_total_));
    w.Counter("tgmux_event_write_failures_total", "Batches of events the store refused since start", "",
              static_cast<double>(write_failures_));
    w.Gauge("tgmux_event_waiters", "Long-polls and streams waiting for events", "",
            static_cast<double>(waiters_.size()));
  });
}

EventService::~EventService() { Shutdown(); }

void EventService::Append(EventDraft draft) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= buffer_limit_) return Drop(draft);
    queue_.push_back(std::move(draft));
    ++queued_total_;
  }
  wake_writer_.notify_one();
}

void EventService::Drop(const EventDraft& draft) {
  const bool refilled = draft.type == "message.received" && !draft.account_id.empty();
  if (refilled) refill_.insert(draft.account_id);
  infra_.metrics().Increment("tgmux_events_dropped_total",
                             "Events dropped because the buffer was full while the store was unreachable; "
                             "recovered=\"gap_recovery\" ones are read back from Telegram once it is back",
                             "type=\"" + draft.type + "\",recovered=\"" + (refilled ? "gap_recovery" : "none") + "\"");
  if (dropped_++ == 0) {
    spdlog::error("events: the store is unreachable and {} events wait for it (TGMUX_EVENT_BUFFER): further "
                  "events are dropped until it is back; received messages will be read back from Telegram",
                  queue_.size());
  }
}

bool EventService::Flush() {
  std::unique_lock lock(mutex_);
  std::uint64_t target = queued_total_;
  written_.wait(lock, [&] { return written_total_ >= target || !writer_.joinable() || store_away_; });
  return written_total_ >= target;
}

void EventService::OnRefill(std::function<void(const std::set<std::string>&)> listener) {
  std::lock_guard lock(mutex_);
  refill_listeners_.push_back(std::move(listener));
}

std::set<std::string> EventService::AwaitingRefill() {
  std::lock_guard lock(mutex_);
  return refill_;
}

void EventService::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::map<std::uint64_t, Waiter> waiters;
  {
    std::lock_guard lock(mutex_);
    waiters.swap(waiters_);
  }
  for (auto& [token, waiter] : waiters) waiter.deliver({});
}

void EventService::ReleaseWaiters() {
  draining_ = true;
  std::map<std::uint64_t, Waiter> waiters;
  {
    std::lock_guard lock(mutex_);
    waiters.swap(waiters_);
  }
  for (auto& [token, waiter] : waiters) waiter.deliver({});
}

void EventService::Run() {
  std::unique_lock lock(mutex_);
  auto backoff = kFirstRetry;
  for (;;) {
    wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is written
    std::vector<EventDraft> batch;
    while (!queue_.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    std::size_t count = batch.size();
    bool away = false;
    try {
      WriteBatch(batch);
    } catch (const store::StoreUnavailable& e) {
      away = true;
      if (!store_away_) spdlog::error("events: the store is unreachable; events wait in memory: {}", e.what());
    } catch (const std::exception& e) {
      ++write_failures_;
      spdlog::error("events: {} events could not be written: {}", count, e.what());
    }
    lock.lock();
    if (away && !stopping_) {
      // Back to the front, in order, for the next try.
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
      AwaitStore(lock, backoff);
      continue;
    }
    if (away) {
      count += queue_.size();
      queue_.clear();
      ++write_failures_;
      spdlog::error("events: stopping while the store is unreachable: {} events are lost", count);
    } else {
      if (store_away_) {
        backoff = kFirstRetry;
        store_away_ = false;
        spdlog::info("events: the store is back; writing the events kept meanwhile ({} dropped)", dropped_);
        dropped_ = 0;
      }
      // Once the buffer has room again, what it dropped is read back.
      if (!refill_.empty() && queue_.size() < buffer_limit_ / 2) HandOverRefill(lock);
    }
    written_total_ += count;
    written_.notify_all();
  }
  written_.notify_all();
}

void EventService::AwaitStore(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds& backoff) {
  if (!store_away_) {
    store_away_ = true;
    written_.notify_all();  // Flush answers at once while the store is away
  }
  wake_writer_.wait_for(lock, backoff, [&] { return stopping_; });
  backoff = std::min(backoff * 2, kLastRetry);
}

void EventService::HandOverRefill(std::unique_lock<std::mutex>& lock) {
  const std::set<std::string> accounts = refill_;
  auto listeners = refill_listeners_;
  lock.unlock();
  for (const auto& listener : listeners) listener(accounts);
  lock.lock();
  for (const auto& account_id : accounts) refill_.erase(account_id);
}

void EventService::WriteBatch(const std::vector<EventDraft>& drafts) {
  std::vector<store::Event> events;
  std::int64_t now = UnixMillis();
  for (const auto& draft : drafts) {
    store::Event event;
    event.tenant_id = draft.tenant_id;
    if (event.tenant_id.empty() || draft.incoming_chat) {
      auto info = Info(draft.account_id);
      if (!info) continue;  // the account is gone
      if (draft.incoming_chat && !Accepts(*info, *draft.incoming_chat)) continue;
      event.tenant_id = info->tenant_id;
    }
    event.id = crypto::RandomId("evt");
    event.type = draft.type;
    event.account_id = draft.account_id;
    event.created_at = now;
    event.dedup_key = draft.dedup_key;
    event.data = infra_.envelope().SealRecord("event", event.id, draft.data.dump());
    events.push_back(std::move(event));
  }
  if (events.empty()) return;
  auto written = infra_.store().AppendEvents(std::move(events));
  std::set<std::string> tenants;
  for (const auto& event : written) tenants.insert(event.tenant_id);
  for (const auto& tenant : tenants) WakeWaiters(tenant);
}

std::optional<EventService::AccountInfo> EventService::Info(const std::string& account_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = accounts_info_.find(account_id); it != accounts_info_.end()) return it->second;
  }
  auto row = infra_.store().FindAccount(account_id);
  if (!row) return std::nullopt;
  OnAccountUpdated(*row);
  return AccountInfo{row->tenant_id, row->accepts_private, row->accepts_groups, row->accepts_channels};
}

void EventService::OnAccountUpdated(const store::Account& account) {
  std::lock_guard lock(mutex_);
  accounts_info_[account.id] =
      AccountInfo{account.tenant_id, account.accepts_private, account.accepts_groups, account.accepts_channels};
}

bool EventService::Accepts(const AccountInfo& info, telegram::ChatType type) {
  switch (type) {
    case telegram::ChatType::kPrivate: return info.accepts_private;
    case telegram::ChatType::kGroup:
    case telegram::ChatType::kSupergroup: return info.accepts_groups;
    case telegram::ChatType::kChannel: return info.accepts_channels;
  }
  return false;
}

nlohmann::json EventService::View(const store::Event& e) {
  nlohmann::json data;
  try {
    data = nlohmann::json::parse(infra_.envelope().OpenRecord("event", e.id, e.data));
  } catch (const std::exception&) {
    data = {{"error", "this event's data does not decrypt with the master key"}};
  }
  return {{"seq", e.seq},
          {"id", e.id},
          {"type", e.type},
          {"account_id", e.account_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.account_id)},
          {"created_at", Rfc3339(e.created_at / 1000)},
          {"data", std::move(data)}};
}

EventService::Events EventService::Read(const store::EventQuery& query) {
  store::EventQuery bounded = query;
  bounded.limit = std::clamp(query.limit, 1, kMaxRead);
  Events out;
  for (const auto& event : infra_.store().ListEvents(bounded)) out.push_back(View(event));
  return out;
}

std::uint64_t EventService::Wait(store::EventQuery query, std::chrono::milliseconds timeout, Deliver deliver) {
  std::uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || draining_) {
      deliver({});
      return 0;
    }
    token = ++next_waiter_;
    waiters_[token] = Waiter{query, std::move(deliver)};
  }
  // Registered first, read after: an event written in between wakes the waiter.
  Events events;
  try {
    events = Read(query);
  } catch (const store::StoreUnavailable&) {
    // Nothing is written while the store is away: wait as if there were no events.
  }
  Waiter waiter;
  if (!events.empty() && TakeWaiter(token, &waiter)) {
    waiter.deliver(std::move(events));
    return token;
  }
  background_.PostAt(Background::Clock::now() + timeout, [this, token] { Cancel(token); });
  return token;
}

void EventService::Cancel(std::uint64_t token) {
  Waiter waiter;
  if (TakeWaiter(token, &waiter)) waiter.deliver({});
}

bool EventService::TakeWaiter(std::uint64_t token, Waiter* out) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(token);
  if (it == waiters_.end()) return false;
  *out = std::move(it->second);
  waiters_.erase(it);
  return true;
}

void EventService::WakeWaiters(const std::string& tenant_id) {
  std::vector<std::pair<std::uint64_t, store::EventQuery>> candidates;
  std::vector<std::function<void(const std::string&)>> listeners;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [token, waiter] : waiters_) {
      if (waiter.query.tenant_id == tenant_id) candidates.emplace_back(token, waiter.query);
    }
    listeners = listeners_;
  }
  for (const auto& [token, query] : candidates) {
    Events events;
    try {
      events = Read(query);
    } catch (const store::StoreError& e) {
      // The events are written: this waiter reads them at its next look.
      spdlog::warn("events: a waiter could not read the new events: {}", e.what());
      continue;
    }
    Waiter waiter;
    if (!events.empty() && TakeWaiter(token, &waiter)) waiter.deliver(std::move(events));
  }
  for (const auto& listener : listeners) listener(tenant_id);
}

void EventService::OnWritten(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace tgmux::service
