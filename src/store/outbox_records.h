// One outbox entry: a message to send from an account, written before anything
// reaches Telegram, and its delivery state.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "store/event_records.h"
#include "store/states.h"

namespace tgmux::store {

struct OutboxEntry {
  std::string id;  // "msg_" + random
  std::string tenant_id;
  std::string account_id;
  std::string idempotency_key;  // "" when the caller gave none
  // Sealed in the store (crypto::Envelope, purposes "outbox_to" and
  // "outbox_text"); clear in the service above it.
  std::string to;               // as the caller wrote it: id, @username, +phone
  std::string text;             // the caption when the entry sends media
  // What it sends besides text (sealed, purpose "outbox_media"): a JSON
  // object written and read by the outbox only; "" for a text message.
  std::string media;
  std::string parse_mode;       // "" (plain), markdown, html
  std::int64_t reply_to_message_id = 0;
  bool silent = false;
  OutboxState state = OutboxState::kQueued;
  std::int64_t chat_id = 0;      // once resolved
  std::int64_t message_id = 0;   // once sent
  std::int64_t message_date = 0;
  std::string error_code;        // failed (or the last transient failure while queued)
  std::string error_message;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;  // unix ms; 0: now
  std::int64_t created_at = 0;       // unix seconds
  std::int64_t updated_at = 0;
};

// One write of Store::WriteOutbox.
struct OutboxWrite {
  enum class Kind {
    kInsert,  // a new entry
    kWhole,   // every column of an entry (as UpdateOutbox)
    kState,   // only what changes as it is sent: state, chat_id, message_id,
              // message_date, error_code, error_message, attempts,
              // next_attempt_at, updated_at; the sealed columns stay as they are
  };
  OutboxEntry entry;
  Kind kind = Kind::kState;
  // Appended to the event log (as Store::AppendEvents does) in the same
  // transaction, when the write takes effect: an entry's final state and its
  // message.sent or message.failed are on disk together or not at all.
  std::vector<Event> events;
};

}  // namespace tgmux::store
