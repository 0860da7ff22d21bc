// Notifications by bot (docs/pools.md, Health monitor): which of the
// watcher's subscribers (watch_records.h) hear about which events of their
// tenant, such as an account's status changing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tgmux::store {

// One subscriber's choice of events; at most one per subscriber (Put
// replaces it). Removed with its subscriber.
struct NotificationSubscription {
  std::string id;  // "nsub_" + random
  std::string tenant_id;
  std::string subscriber_id;
  std::vector<std::string> events;  // event types ("account.status"), each once
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

}  // namespace tgmux::store
