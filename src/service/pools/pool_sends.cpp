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
  fresh_contacts_.insert(KeyOf(tenant_id, name) + '\n' + contact);
  return picked->id;
}

store::OutboxEntry PoolService::Send(const std::string& tenant_id, const std::string& pool, SendRequest request) {
  const std::string contact = pools::ContactOf(accounts_.phone_digests(), request.to);
  // The entry is created under the lock, so the next pick counts it.
  std::lock_guard lock(send_mutex_);
  const std::string account_id = PickFor(tenant_id, pool, contact);
  auto entry = outbox_.Enqueue(tenant_id, account_id, std::move(request));
  // The first message to a person the pool bound to an account just now (here, or by Assign).
  std::lock_guard state(mutex_);
  if (fresh_contacts_.erase(KeyOf(tenant_id, pool) + '\n' + contact) != 0 && !store::IsFinal(entry.state)) {
    first_messages_.insert(entry.id);
  }
  return entry;
}

std::optional<std::string> PoolService::Reassign(const store::OutboxEntry& entry) {
  std::string contact;
  try {
    contact = pools::ContactOf(accounts_.phone_digests(), entry.to);
  } catch (const Error&) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (first_messages_.count(entry.id) == 0 || !entry.media.empty()) return std::nullopt;
  Pool* pool = PoolOf(entry.account_id);
  if (pool == nullptr || !pool->settings.reassign_first_messages) return std::nullopt;
  const std::int64_t now = clock_();
  const auto* other = pool->index.PickOther(now, entry.account_id);
  if (other == nullptr) return std::nullopt;
  const std::string to = other->id;
  if (entry.created_at >= pool->day.start) pool->index.Count(entry.account_id, -1, now);
  pool->index.Count(to, +1, now);
  infra_.store().PutPoolContact({pool->tenant_id, pool->name, contact, to, now});
  return to;
}

std::string PoolService::Assign(const std::string& tenant_id, const std::string& pool, const std::string& to) {
  const std::string contact = pools::ContactOf(accounts_.phone_digests(), to);
  std::lock_guard lock(send_mutex_);
  return PickFor(tenant_id, pool, contact);
}

}  // namespace tgmux::service
