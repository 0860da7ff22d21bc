// PoolService: which account sends a pool's message (sticky, then the pick).
#include <algorithm>
#include <cctype>

#include "common/time.h"
#include "service/pools/contacts.h"
#include "service/pools/pool_service.h"

namespace tgmux::service {
namespace {

// A session that still sends, or will once it can: the dialog stays on it.
bool KeepsDialogs(store::AccountStatus status) {
  using store::AccountStatus;
  return status == AccountStatus::kActive || status == AccountStatus::kFloodWait ||
         status == AccountStatus::kLimited || status == AccountStatus::kConnecting;
}

}  // namespace

std::string PoolService::PickFor(const std::string& tenant_id, const std::string& name, const std::string& contact) {
  auto& store = infra_.store();
  auto bound = store.FindPoolContact(tenant_id, name, contact);
  std::lock_guard lock(mutex_);
  auto it = pools_.find(KeyOf(tenant_id, name));
  if (it == pools_.end()) {
    if (!store.FindPool(tenant_id, name)) throw Error(ErrorCode::kNotFound, "pool " + name + " has no accounts or settings");
    throw Error(ErrorCode::kNoAccountAvailable, "pool " + name + " has no accounts");
  }
  Pool& pool = it->second;
  Roll(pool);
  if (bound) {
    auto member = pool.members.find(bound->account_id);
    if (member != pool.members.end() && KeepsDialogs(member->second.account.status)) return bound->account_id;
  }
  const std::int64_t now = clock_();
  const auto* picked = pool.index.Pick(now);
  if (picked == nullptr) {
    const std::int64_t at = pool.index.NextAvailableAt(pool.day.next);
    std::optional<int> retry;
    if (at > 0) retry = static_cast<int>(std::max<std::int64_t>(1, at - now));
    throw Error(ErrorCode::kNoAccountAvailable,
                at > 0 ? "no account of pool " + name + " may send now; the first becomes available at " + Rfc3339(at)
                       : "no account of pool " + name + " may send: each is revoked, banned, disabled or not connected",
                retry)
        .With("next_available_at", at > 0 ? nlohmann::json(Rfc3339(at)) : nlohmann::json(nullptr));
  }
  store.PutPoolContact({tenant_id, name, contact, picked->id, now});
  return picked->id;
}

store::OutboxEntry PoolService::Send(const std::string& tenant_id, const std::string& pool, SendRequest request) {
  const std::string contact = pools::ContactOf(accounts_.phone_digests(), request.to);
  // The entry is created under the lock, so the next pick counts it.
  std::lock_guard lock(send_mutex_);
  return outbox_.Enqueue(tenant_id, PickFor(tenant_id, pool, contact), std::move(request));
}

std::string PoolService::Assign(const std::string& tenant_id, const std::string& pool, const std::string& to) {
  const std::string contact = pools::ContactOf(accounts_.phone_digests(), to);
  std::lock_guard lock(send_mutex_);
  return PickFor(tenant_id, pool, contact);
}

}  // namespace tgmux::service
