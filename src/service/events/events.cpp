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

namespace {

// A dropped event that gap recovery reads back from Telegram.
bool ReadBack(const EventDraft& draft) { return draft.type == "message.received" && !draft.account_id.empty(); }

}  // namespace

void EventService::Append(EventDraft draft) {
  bool dropped = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    // The buffer bounds what waits for an unreachable store. While the store
    // is there the writer is draining the queue, and a burst (gap recovery
    // reading back more than the buffer holds) must not be dropped.
    dropped = store_away_ && queue_.size() >= buffer_limit_;
    if (dropped) {
      Drop(draft);
    } else {
      queue_.push_back(std::move(draft));
      ++queued_total_;
    }
  }
  if (!dropped) {
    wake_writer_.notify_one();
    return;
  }
  // Counted outside mutex_: a scrape holds the metrics' lock while this
  // service's collector takes mutex_.
  infra_.metrics().Increment("tgmux_events_dropped_total",
                             "Events dropped because the buffer was full while the store was unreachable; "
                             "recovered=\"gap_recovery\" ones are read back from Telegram once it is back",
                             "type=\"" + draft.type + "\",recovered=\"" + (ReadBack(draft) ? "gap_recovery" : "none") +
                                 "\"");
}

void EventService::Drop(const EventDraft& draft) {
  if (ReadBack(draft)) refill_.insert(draft.account_id);
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
  readers_.Stop();
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

std::optional<store::Event> EventService::Seal(const EventDraft& draft) {
  store::Event event;
  event.tenant_id = draft.tenant_id;
  if (event.tenant_id.empty() || draft.incoming_chat) {
    auto info = Info(draft.account_id);
    if (!info) return std::nullopt;  // the account is gone
    if (draft.incoming_chat && !Accepts(*info, *draft.incoming_chat)) return std::nullopt;
    event.tenant_id = info->tenant_id;
  }
  event.id = crypto::SortableId("evt");
  event.type = draft.type;
  event.account_id = draft.account_id;
  event.created_at = UnixMillis();
  event.dedup_key = draft.dedup_key;
  event.data = infra_.envelope().SealRecord("event", event.id, draft.data.dump());
  return event;
}

void EventService::WriteBatch(const std::vector<EventDraft>& drafts) {
  std::vector<store::Event> events;
  std::map<std::string, const nlohmann::json*> data;  // by event id: what each one says, in clear
  for (const auto& draft : drafts) {
    auto event = Seal(draft);
    if (!event) continue;
    data[event->id] = &draft.data;
    events.push_back(std::move(*event));
  }
  if (events.empty()) return;
  auto written = infra_.store().AppendEvents(std::move(events));
  Keep(written, [&](const store::Event& event) { return View(event, *data.at(event.id)); });
}

void EventService::Appended(const std::vector<store::Event>& written,
                            const std::map<std::string, nlohmann::json>& clear) {
  Keep(written, [&](const store::Event& event) {
    auto data = clear.find(event.id);
    return data == clear.end() ? View(event) : View(event, data->second);
  });
}

void EventService::Keep(const std::vector<store::Event>& written,
                        const std::function<nlohmann::json(const store::Event&)>& view) {
  // By tenant: the first seq and the events as consumers see them (each
  // tenant's seqs are consecutive in a batch, as written).
  std::map<std::string, std::pair<std::int64_t, std::vector<nlohmann::json>>> views;
  for (const auto& event : written) {
    auto& [first, list] = views[event.tenant_id];
    if (list.empty()) first = event.seq;
    list.push_back(view(event));
  }
  {
    std::lock_guard lock(mutex_);
    for (auto& [tenant, batch] : views) KeepInTail(tenant, batch.first, std::move(batch.second));
  }
  for (const auto& [tenant, batch] : views) WakeWaiters(tenant);
}

std::optional<EventService::AccountInfo> EventService::Info(const std::string& account_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = accounts_info_.find(account_id); it != accounts_info_.end()) return it->second;
  }
  auto row = infra_.store().FindAccount(account_id);
  if (!row) return std::nullopt;
  // A change heard meanwhile (OnAccountUpdated) is newer than this row: it stays.
  std::lock_guard lock(mutex_);
  return accounts_info_
      .try_emplace(account_id,
                   AccountInfo{row->tenant_id, row->accepts_private, row->accepts_groups, row->accepts_channels})
      .first->second;
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
  return View(e, std::move(data));
}

nlohmann::json EventService::View(const store::Event& e, nlohmann::json data) {
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
  std::optional<Events> ready;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || draining_) {
      deliver({});
      return 0;
    }
    token = ++next_waiter_;
    ready = FromTail(query);
    if (!ready || ready->empty()) waiters_[token] = Waiter{query, deliver};
  }
  if (ready && !ready->empty()) {
    deliver(std::move(*ready));
    return token;
  }
  // Registered first, read after: an event written in between wakes the waiter.
  if (!ready) readers_.Post([this, token, query] { CatchUp(token, query); });
  background_.PostAt(Background::Clock::now() + timeout, [this, token] { Cancel(token); });
  return token;
}

void EventService::CatchUp(std::uint64_t token, const store::EventQuery& query) {
  {
    std::lock_guard lock(mutex_);
    if (!waiters_.count(token)) return;  // answered meanwhile
  }
  Events events;
  try {
    events = Read(query);
  } catch (const store::StoreError& e) {
    // Nothing is written while the store is away: wait as if there were no
    // events; what was written is read at the waiter's next look.
    spdlog::warn("events: a waiter could not read the log: {}", e.what());
  }
  Waiter waiter;
  if (!events.empty() && TakeWaiter(token, &waiter)) waiter.deliver(std::move(events));
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

void EventService::KeepInTail(const std::string& tenant_id, std::int64_t first, std::vector<nlohmann::json> views) {
  if (views.empty()) return;
  const std::int64_t last = first + static_cast<std::int64_t>(views.size()) - 1;
  if (reconnects_ > 0 && ends_read_[tenant_id] < reconnects_) {
    // Events other nodes wrote while this node was not listening are unknown:
    // this batch may be older than one of them. Left to the store until the
    // log's end is known again.
    return ReadEndAfterReconnect(tenant_id);
  }
  if (auto other = elsewhere_.find(tenant_id); other != elsewhere_.end() && last < other->second) {
    // Older than an event another node wrote, and heard after it: a tail from
    // here would end without that event, and a waiter caught up to it would
    // never be handed it. Left to the store, like the tail HeardElsewhere dropped.
    return;
  }
  Tail& tail = tails_[tenant_id];
  const std::int64_t end = tail.first + static_cast<std::int64_t>(tail.events.size());  // the next seq it expects
  if (!tail.events.empty() && last == tail.first - 1) {
    // Written just before what the tail holds, and heard after it (the
    // outbox's journal and the writer each append): in front.
    for (auto it = views.rbegin(); it != views.rend(); ++it) tail.events.push_front(std::move(*it));
    tail.first = first;
  } else if (!tail.events.empty() && last < end) {
    // Older, with a gap to what the tail holds: left to the store. The tail's
    // end never moves back, or a waiter caught up to it would miss what lies beyond.
    return;
  } else {
    // Not the next seq (another node, or the first batch): start afresh from this one.
    if (tail.events.empty() || first != end) {
      tail.events.clear();
      tail.first = first;
    }
    for (auto& view : views) tail.events.push_back(std::move(view));
  }
  while (tail.events.size() > kTailSize) {
    tail.events.pop_front();
    ++tail.first;
  }
}

std::optional<EventService::Events> EventService::FromTail(const store::EventQuery& query) const {
  auto it = tails_.find(query.tenant_id);
  if (it == tails_.end()) return std::nullopt;
  const Tail& tail = it->second;
  const auto size = static_cast<std::int64_t>(tail.events.size());
  if (query.after < tail.first - 1 || query.after > tail.first - 1 + size) return std::nullopt;
  const auto limit = static_cast<std::size_t>(std::clamp(query.limit, 1, kMaxRead));
  Events out;
  for (auto i = query.after - (tail.first - 1); i < size && out.size() < limit; ++i) {
    const auto& event = tail.events[static_cast<std::size_t>(i)];
    if (!query.types.empty() && !query.types.count(event["type"].get<std::string>())) continue;
    if (!query.account_ids.empty() &&
        (!event["account_id"].is_string() || !query.account_ids.count(event["account_id"].get<std::string>()))) {
      continue;
    }
    out.push_back(event);
  }
  return out;
}

void EventService::WakeWaiters(const std::string& tenant_id) {
  std::vector<std::pair<Deliver, Events>> ready;
  std::vector<std::pair<std::uint64_t, store::EventQuery>> behind;  // older cursors than the tail
  std::vector<std::function<void(const std::string&)>> listeners;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.query.tenant_id != tenant_id) {
        ++it;
        continue;
      }
      auto events = FromTail(it->second.query);
      if (!events) behind.emplace_back(it->first, it->second.query);
      if (!events || events->empty()) {
        ++it;
        continue;
      }
      ready.emplace_back(std::move(it->second.deliver), std::move(*events));
      it = waiters_.erase(it);
    }
    listeners = listeners_;
  }
  for (auto& [deliver, events] : ready) deliver(std::move(events));
  // token = token, query = query: clang 14 (the fuzz build) cannot capture a structured binding itself.
  for (const auto& [token, query] : behind) {
    readers_.Post([this, token = token, query = query] { CatchUp(token, query); });
  }
  for (const auto& listener : listeners) listener(tenant_id);
}

void EventService::ReadEndAfterReconnect(const std::string& tenant_id) {
  if (!reading_end_.insert(tenant_id).second) return;
  readers_.Post([this, tenant_id, after = reconnects_] {
    std::optional<std::int64_t> end;
    try {
      end = LastSeq(tenant_id);  // every event written before now, those missed included
    } catch (const std::exception& e) {
      spdlog::warn("events: the log's end could not be read: {}", e.what());  // the next batch asks again
    }
    std::lock_guard lock(mutex_);
    reading_end_.erase(tenant_id);
    if (!end) return;
    auto& newest = elsewhere_[tenant_id];
    newest = std::max(newest, *end);
    auto& read = ends_read_[tenant_id];
    read = std::max(read, after);
  });
}

void EventService::HeardElsewhere(const std::string& tenant_id, std::int64_t seq) {
  std::set<std::string> tenants;
  {
    std::lock_guard lock(mutex_);
    if (tenant_id.empty()) {
      ++reconnects_;
      tails_.clear();
      for (const auto& [token, waiter] : waiters_) tenants.insert(waiter.query.tenant_id);
    } else {
      tails_.erase(tenant_id);
      tenants.insert(tenant_id);
      auto& newest = elsewhere_[tenant_id];
      newest = std::max(newest, seq);
    }
  }
  for (const auto& tenant : tenants) WakeWaiters(tenant);
}

void EventService::OnWritten(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace tgmux::service
