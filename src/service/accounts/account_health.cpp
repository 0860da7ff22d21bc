// AccountService: what Telegram says about an account's health — limited by
// its spam limit (PEER_FLOOD), banned — and the health monitor's findings.
#include <spdlog/spdlog.h>

#include <cmath>

#include "common/time.h"
#include "service/accounts/accounts.h"

namespace tgmux::service {

using store::AccountStatus;

bool AccountService::SessionGone(AccountStatus status) {
  return status == AccountStatus::kRevoked || status == AccountStatus::kBanned;
}

std::pair<AccountStatus, std::string> AccountService::Settled(const store::Account& row, AccountStatus status,
                                                              const std::string& error) {
  if (status == AccountStatus::kRevoked) {
    std::lock_guard lock(mutex_);
    if (auto it = banned_.find(row.id); it != banned_.end()) return {AccountStatus::kBanned, it->second};
  }
  if (status == AccountStatus::kActive) {
    {
      std::lock_guard lock(mutex_);
      if (unreachable_.count(row.id)) return {AccountStatus::kConnecting, row.last_error};
    }
    auto health = infra_.store().FindAccountHealth(row.id);
    if (health && health->limited_until > UnixSeconds()) {
      std::lock_guard lock(mutex_);
      limited_.insert(row.id);
      return {AccountStatus::kLimited, health->limited_reason};
    }
  }
  return {status, error};
}

void AccountService::MarkLimited(const std::string& account_id, const std::string& reason) {
  const auto seconds = static_cast<std::int64_t>(std::llround(infra_.config().limited_hours * 3600));
  {
    std::lock_guard lock(mutex_);
    limited_.insert(account_id);
  }
  background_.Post([this, account_id, reason, seconds] {
    auto row = infra_.store().FindAccount(account_id);
    if (!row) return;
    infra_.store().SetAccountLimited(row->tenant_id, account_id, UnixSeconds() + std::max<std::int64_t>(1, seconds),
                                     reason);
    spdlog::warn("account {}: limited by Telegram (PEER_FLOOD)", account_id);
    // A flood wait or a connection that is down says more for now; active becomes limited once they end.
    if (row->status == AccountStatus::kActive) SetStatus(account_id, AccountStatus::kLimited, reason);
  });
}

void AccountService::ClearLimited(const std::string& account_id) {
  {
    // Called for every message sent: only a limited account costs more.
    std::lock_guard lock(mutex_);
    if (limited_.erase(account_id) == 0) return;
  }
  background_.Post([this, account_id] {
    auto row = infra_.store().FindAccount(account_id);
    if (!row) return;
    auto health = infra_.store().FindAccountHealth(account_id);
    if (health && health->limited_until != 0) infra_.store().SetAccountLimited(row->tenant_id, account_id, 0, "");
    if (row->status == AccountStatus::kLimited) SetStatus(account_id, AccountStatus::kActive, "");
  });
}

void AccountService::MarkBanned(const std::string& account_id, const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    banned_[account_id] = reason;
  }
  spdlog::warn("account {}: banned by Telegram", account_id);
  SetStatus(account_id, AccountStatus::kBanned, reason);
}

void AccountService::ReportReachable(const std::string& account_id, bool reachable, const std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (!live_.count(account_id)) return;
    if (reachable ? unreachable_.erase(account_id) == 0 : !unreachable_.insert(account_id).second) return;
  }
  background_.Post([this, account_id, reachable, error] {
    auto row = infra_.store().FindAccount(account_id);
    if (!row) return;
    if (!reachable) {
      // Only a running, sending account is held back; others keep the status that says more.
      if (row->status == AccountStatus::kActive || row->status == AccountStatus::kLimited) {
        SetStatus(account_id, AccountStatus::kConnecting, error);
      }
      return;
    }
    if (row->status == AccountStatus::kConnecting) SetStatus(account_id, AccountStatus::kActive, "");
  });
}

}  // namespace tgmux::service
