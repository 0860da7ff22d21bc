// The event log and webhooks as the store keeps them.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "store/states.h"

namespace tgmux::store {

struct Event {
  std::string tenant_id;
  std::int64_t seq = 0;       // per tenant, from 1, increasing
  std::string id;             // "evt_" + random
  std::string type;           // message.received, account.status, ...
  std::string account_id;     // "" when about no account
  std::int64_t created_at = 0;  // unix ms
  std::string dedup_key;      // "" when the event may repeat
  std::string data;           // JSON; sealed in the store (crypto::Envelope record "event")
};

struct EventQuery {
  std::string tenant_id;
  std::int64_t after = 0;
  int limit = 100;
  std::set<std::string> types;        // empty: every type
  std::set<std::string> account_ids;  // empty: every account
};

struct Webhook {
  std::string id;  // "whk_" + random
  std::string tenant_id;
  std::string url;
  std::vector<std::string> types;        // empty: every type
  std::vector<std::string> account_ids;  // empty: every account
  std::string secret_sealed;             // the signing secret, sealed (record "webhook")
  WebhookState state = WebhookState::kActive;
  std::string disabled_reason;
  std::int64_t delivered_seq = 0;  // every matching event up to here is delivered
  int attempts = 0;                // failed attempts at the next event
  std::int64_t next_attempt_at = 0;  // unix ms
  std::int64_t failing_since = 0;    // unix ms of the first failure in a row; 0: none
  std::string last_error;
  std::int64_t delivered_count = 0;
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t updated_at = 0;
};

}  // namespace tgmux::store
