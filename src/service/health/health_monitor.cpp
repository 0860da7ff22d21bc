#include "service/health/health_monitor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "common/time.h"
#include "telegram/error_map.h"

namespace tgmux::service {
namespace {

using std::chrono::milliseconds;
using store::AccountStatus;

constexpr double kJitter = 0.2;
constexpr milliseconds kTick{100};  // batches are this far apart (or further with few accounts)

milliseconds DeadlineFor(const config::Config& config, milliseconds interval) {
  // Within the round, so that a check is over before the account's next one.
  auto configured = milliseconds(static_cast<std::int64_t>(config.telegram.deadline_seconds * 1000));
  return std::clamp(interval / 2, milliseconds(500), std::max(configured, milliseconds(500)));
}

}  // namespace

CheckPlan PlanChecks(std::size_t count, milliseconds interval, double jitter) {
  jitter = std::clamp(jitter, -1.0, 1.0);
  CheckPlan plan;
  plan.round = milliseconds(std::max<std::int64_t>(
      1, std::llround(static_cast<double>(interval.count()) * (1.0 + kJitter * jitter))));
  if (count == 0) {
    plan.tick = plan.round;
    return plan;
  }
  // As many ticks as fit, at most one per account: batches as small as possible.
  const std::size_t ticks = std::clamp<std::size_t>(static_cast<std::size_t>(plan.round / kTick), 1, count);
  plan.tick = plan.round / static_cast<std::int64_t>(ticks);
  plan.per_tick = (count + ticks - 1) / ticks;
  return plan;
}

bool LimitOver(const store::AccountHealth& health, std::int64_t now) {
  return health.limited_until != 0 && health.limited_until <= now;
}

// The round in progress; touched on the background thread only.
struct HealthMonitor::State {
  std::atomic<bool> stopped{false};
  std::vector<std::string> round;  // accounts still to check this round
  std::size_t next = 0;
  CheckPlan plan;
  Background::Clock::time_point round_end;
  std::mt19937 random{std::random_device{}()};
};

HealthMonitor::HealthMonitor(Infrastructure& infra, AccountService& accounts, Background& background, UnixClock now)
    : infra_(infra),
      accounts_(accounts),
      background_(background),
      now_(now ? std::move(now) : UnixClock([] { return UnixSeconds(); })),
      interval_(static_cast<std::int64_t>(infra.config().monitor_interval_seconds * 1000)),
      deadline_(DeadlineFor(infra.config(), interval_)),
      state_(std::make_shared<State>()) {
  accounts_.AddObserver(this);
  for (const auto& account : infra_.store().ListAccounts()) ++counts_[account.status];
  infra_.metrics().AddCollector([this](Metrics::Writer& w) {
    static constexpr AccountStatus kAll[] = {AccountStatus::kConnecting, AccountStatus::kActive,
                                             AccountStatus::kFloodWait,  AccountStatus::kLimited,
                                             AccountStatus::kError,      AccountStatus::kRevoked,
                                             AccountStatus::kBanned,     AccountStatus::kDisabled};
    std::lock_guard lock(counts_mutex_);
    for (AccountStatus status : kAll) {
      auto it = counts_.find(status);
      w.Gauge("tgmux_accounts", "Linked accounts by status",
              "status=\"" + std::string(store::AccountStatusName(status)) + "\"",
              it == counts_.end() ? 0.0 : static_cast<double>(it->second));
    }
  });
}

void HealthMonitor::OnStatus(const store::Account& account, std::optional<AccountStatus> previous) {
  std::lock_guard lock(counts_mutex_);
  if (previous && counts_[*previous] > 0) --counts_[*previous];
  ++counts_[account.status];
}

void HealthMonitor::OnUnlinked(const store::Account& account) {
  std::lock_guard lock(counts_mutex_);
  if (counts_[account.status] > 0) --counts_[account.status];
}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Start() {
  if (interval_.count() <= 0) return;
  background_.Post([this] { BeginRound(); });
}

void HealthMonitor::Stop() { state_->stopped = true; }

void HealthMonitor::BeginRound() {
  if (state_->stopped) return;
  State& s = *state_;
  s.round = accounts_.LiveIds();
  s.next = 0;
  std::uniform_real_distribution<double> jitter(-1.0, 1.0);
  s.plan = PlanChecks(s.round.size(), interval_, jitter(s.random));
  s.round_end = Background::Clock::now() + s.plan.round;
  RunTick();
}

void HealthMonitor::RunTick() {
  if (state_->stopped) return;
  State& s = *state_;
  const std::size_t end = std::min(s.round.size(), s.next + s.plan.per_tick);
  for (; s.next < end; ++s.next) Check(s.round[s.next]);
  if (s.next < s.round.size()) {
    background_.PostAt(Background::Clock::now() + s.plan.tick, [this] { RunTick(); });
  } else {
    background_.PostAt(s.round_end, [this] { BeginRound(); });
  }
}

void HealthMonitor::Check(const std::string& account_id) {
  auto row = infra_.store().FindAccount(account_id);
  if (!row || row->status == AccountStatus::kDisabled || AccountService::SessionGone(row->status)) return;
  if (row->status == AccountStatus::kLimited) {
    auto health = infra_.store().FindAccountHealth(account_id);
    if (health && LimitOver(*health, now_())) {
      spdlog::info("account {}: its limit (PEER_FLOOD) ran out", account_id);
      accounts_.ClearLimited(account_id);
    }
  }
  auto client = accounts_.Client(account_id);
  // Starting, logging out or closing: AccountService follows those states itself.
  if (!client || client->auth_state().kind != telegram::AuthState::Kind::kReady) return;
  std::weak_ptr<State> weak = state_;
  client->PingTelegram(deadline_, [this, weak, account_id](telegram::Result<double> answer) {
    auto state = weak.lock();
    if (!state || state->stopped) return;
    OnAnswer(account_id, answer);
  });
}

void HealthMonitor::OnAnswer(const std::string& account_id, const telegram::Result<double>& answer) {
  if (answer.ok()) return accounts_.ReportReachable(account_id, true, "");
  const Error& error = answer.error();
  if (telegram::AccountVerdictOf(error) == telegram::AccountVerdict::kBanned) {
    return accounts_.MarkBanned(account_id, error.what());
  }
  switch (error.code()) {
    case ErrorCode::kAccountNotReady:
      return;  // the client is closing or logging out: its own states say what follows
    case ErrorCode::kTelegramUnreachable:
      return accounts_.ReportReachable(
          account_id, false,
          fmt::format("Telegram did not answer the health check within {:g} s", deadline_.count() / 1000.0));
    default:
      return accounts_.ReportReachable(account_id, false, std::string("the health check failed: ") + error.what());
  }
}

}  // namespace tgmux::service
