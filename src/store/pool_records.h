// Account pools (docs/pools.md): each pool's settings, each account's health
// and counters kept beside its row, which account of a pool talks to which
// person, and how many messages each account sent.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux::store {

// An account pool's settings, by name within a tenant.
struct Pool {
  std::string tenant_id;
  std::string name;
  std::string settings;  // JSON: service's PoolSettings
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// What an account's pool keeps about it beyond its row: how often Telegram
// made it wait or banned it, whether it is limited (Telegram's spam limit,
// learned from PEER_FLOOD) and until when, and its own limits overriding its
// pool's. Absent until the first of these happens.
struct AccountHealth {
  std::string account_id;
  std::string tenant_id;
  std::int64_t flood_waits = 0;
  std::int64_t bans = 0;
  std::int64_t limited_until = 0;  // unix seconds; 0: not limited
  std::string limited_reason;
  std::string limits;  // JSON: the service's per-account overrides ("" for none)
  std::int64_t updated_at = 0;
};

// Which of its health counters an event adds one to.
enum class HealthCounter { kFloodWaits, kBans };

// A pool's account in a dialog with a person, so that the pool's next message
// to them goes through the same account. `contact` names the person as sends
// name them: "id:<chat id>", "user:<lowercase username>" or "phone:<digest>"
// (the keyed digest of the number, never the number itself).
struct PoolContact {
  std::string tenant_id;
  std::string pool;
  std::string contact;
  std::string account_id;
  std::int64_t created_at = 0;
};

// An account's sends counted from the outbox: the outbox is the one record
// of what was sent, so the counts survive a crash exactly.
struct AccountSends {
  std::string account_id;
  std::int64_t sent_total = 0;  // entries sent
  std::int64_t since = 0;       // entries created at or after the given time and not failed
  std::int64_t last_at = 0;     // when its latest entry was created (0: never)
};

}  // namespace tgmux::store
