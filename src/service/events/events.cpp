#include "service/events/events.h"

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "crypto/random_id.h"

namespace tgmux::service {
namespace {

constexpr std::size_t kBatch = 500;
constexpr int kMaxRead = 500;

}  // namespace

const std::set<std::string> kEventTypes = {
    "message.received", "message.sent", "message.failed", "message.edited", "message.deleted",
    "message.read",     "chat.read",    "account.status", "login.state",    "webhook.disabled", "bot.status",
    "watch.message",    "watch.match",  "dialog.message", "dialog.status",
};

EventService::EventService(Infrastructure& infra, AccountService& accounts, Background& background,
                           MessageShapes shapes)
    : infra_(infra), shapes_(std::move(shapes)), accounts_(accounts), background_(background), writer_([this] { Run(); }) {
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
    queue_.push_back(std::move(draft));
    ++queued_total_;
  }
  wake_writer_.notify_one();
}

void EventService::Flush() {
  std::unique_lock lock(mutex_);
  std::uint64_t target = queued_total_;
  written_.wait(lock, [&] { return written_total_ >= target || !writer_.joinable(); });
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
    try {
      WriteBatch(std::move(batch));
    } catch (const std::exception& e) {
      ++write_failures_;
      spdlog::error("events: {} events could not be written: {}", count, e.what());
    }
    lock.lock();
    written_total_ += count;
    written_.notify_all();
  }
  written_.notify_all();
}

void EventService::WriteBatch(std::vector<EventDraft> drafts) {
  std::vector<store::Event> events;
  std::int64_t now = UnixMillis();
  for (auto& draft : drafts) {
    store::Event event;
    event.tenant_id = draft.tenant_id;
    if (event.tenant_id.empty() || draft.incoming_chat) {
      auto info = Info(draft.account_id);
      if (!info) continue;  // the account is gone
      if (draft.incoming_chat && !Accepts(*info, *draft.incoming_chat)) continue;
      event.tenant_id = info->tenant_id;
    }
    event.id = crypto::RandomId("evt");
    event.type = std::move(draft.type);
    event.account_id = std::move(draft.account_id);
    event.created_at = now;
    event.dedup_key = std::move(draft.dedup_key);
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
  auto events = Read(query);
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
    auto events = Read(query);
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
