// Dialogs: an account's conversation with one peer chat, shared by the
// work-group relay (docs/relay.md), which mirrors it into a group, and account
// pools (docs/pools.md), which track it with a status; and the messages a
// tracked dialog keeps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/states.h"

namespace tgmux::store {

// A conversation of an account with one peer chat. The relay fills the topic
// (topics mode) or the header post (replies mode) of the group it mirrors into.
struct Dialog {
  std::string id;  // "dlg_" + random
  std::string tenant_id;
  std::string account_id;
  std::int64_t peer_chat_id = 0;  // the account's chat with the customer (or the client group)
  std::string title;              // what the relay named it, e.g. "Anna Petrova (@anna) · Ivan"
  std::int64_t relay_group_chat_id = 0;  // 0 while not mirrored
  std::int64_t topic_id = 0;             // topics mode: the forum topic
  std::int64_t header_message_id = 0;    // replies mode: the post the conversation's messages answer
  bool closed = false;                   // an operator closed the topic
  std::int64_t first_message_at = 0;     // unix seconds
  std::int64_t last_message_at = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  // Tracked dialogs (docs/pools.md): opened through the API, with a status.
  bool tracked = false;
  DialogStatus status = DialogStatus::kActive;
  std::string status_reason;  // why it failed or stopped ("" for none)
  std::string pool;           // the pool it was opened through ("" for none)
  std::string contact;        // the person as sends name them (PoolContact::contact); "" when unknown
  std::string meta;           // the caller's JSON object ("" for none)
};

// One message of a tracked dialog, in or out; its content sealed
// (Envelope::SealRecord, purpose "dialog_message", the dialog id and message
// id as its record id).
struct DialogMessage {
  std::string dialog_id;
  std::string account_id;
  std::int64_t message_id = 0;
  bool outgoing = false;
  std::int64_t date = 0;  // unix seconds
  std::string data_sealed;
};

// Which dialogs a listing shows ("" and nullopt: any).
struct DialogFilter {
  std::string account_id;
  std::string pool;
  std::optional<DialogStatus> status;
  bool tracked_only = false;
};

}  // namespace tgmux::store
