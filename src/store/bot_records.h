// A Telegram bot tgmux runs for a tenant (docs/bots.md): its token sealed, what
// it does, who may use it.
#pragma once

#include <cstdint>
#include <string>

#include "store/states.h"

namespace tgmux::store {

struct Bot {
  std::string id;  // "bot_" + random
  std::string tenant_id;
  std::string username;              // from Telegram once logged in
  std::int64_t telegram_user_id = 0;
  std::string token_sealed;          // Envelope::SealRecord("bot_token", id, token)
  std::string token_digest;          // crypto::TokenDigest: one bot per token in an installation
  std::string td_key_sealed;         // TDLib's database key, Envelope::SealRecord("bot_td_key", id, key)
  std::string features;              // feature names, comma-separated ("accounts,terminal")
  std::string access;                // "anyone", or a JSON array of Telegram user ids and "@usernames"
  std::string link_policy;           // "self" or "any"
  BotStatus status = BotStatus::kConnecting;
  std::string last_error;
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t updated_at = 0;
};

// A bot's conversation with one person (service's BotConversations): the
// state sealed as a whole, Envelope::SealRecord("bot_conversation", bot id, ...).
struct BotConversation {
  std::string bot_id;
  std::int64_t user_id = 0;  // the person's Telegram user id
  std::string state_sealed;
  std::int64_t updated_at = 0;
};

// A message of a bot in a person's chat that stands for a message of their
// linked account (the terminal, docs/bots.md): one relayed to them, or one
// they sent through the bot.
struct BotRelay {
  std::string bot_id;
  std::int64_t user_id = 0;
  std::int64_t bot_message_id = 0;
  std::string account_id;
  std::int64_t chat_id = 0;     // the account's chat
  std::int64_t message_id = 0;  // the account's message
  std::string kind;             // "received" or "sent"
  std::int64_t created_at = 0;
};

}  // namespace tgmux::store
