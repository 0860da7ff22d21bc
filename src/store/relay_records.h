// The work-group relay (docs/relay.md): which accounts are mirrored into which
// group by which bot, the conversations (dialogs) it mirrors, the posts it
// made for each message, and how far it has read the event log. The
// dialogs it mirrors are in dialog_records.h.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux::store {

// One account's relay: its conversations go into `group_chat_id` through the bot.
struct Relay {
  std::string account_id;
  std::string tenant_id;
  std::string bot_id;
  std::int64_t group_chat_id = 0;  // as the bot sees it
  std::string mode;                // service's RelayMode name: "topics" or "replies"
  std::string operators;           // JSON array of Telegram user ids; "[]": every human member
  std::int64_t since_seq = 0;      // events up to this one came before the relay: not mirrored
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// One message the relay posted into the group (or is posting: post_message_id
// 0), keyed by the account's message it mirrors. Merged messages share a post.
struct RelayPost {
  std::string account_id;
  std::int64_t peer_chat_id = 0;
  std::int64_t message_id = 0;  // the account's message
  std::int64_t group_chat_id = 0;
  std::int64_t post_message_id = 0;  // the bot's message in the group
  std::string kind;                  // "customer" or "employee"
  std::string author;                // who wrote it, as the post names them ("" for the customer of a private chat)
  int parts = 1;                     // how many messages the post merged
  std::int64_t created_at = 0;
};

}  // namespace tgmux::store
