// The watcher (docs/watcher.md): rules, the group messages watcher accounts
// saw (once per tenant), the matches notified to subscribers, and the
// subscribers themselves.
#pragma once

#include <cstdint>
#include <string>

#include "store/states.h"

namespace tgmux::store {

// A rule: its matching and notifying settings as JSON (service's WatchRuleSpec:
// chats, any, all, regex, exclude, subscribers, cooldown_per_author).
struct WatchRule {
  std::string id;  // "wr_" + random
  std::string tenant_id;
  std::string name;
  std::string spec;  // JSON
  bool enabled = true;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// A group message some watcher account of the tenant saw: in the store once
// per tenant (dedup_key), whichever watcher saw it first.
struct WatchMessage {
  std::string id;  // "wmsg_" + random: the id classifiers answer with
  std::string tenant_id;
  std::string dedup_key;  // service's WatchKey: the same message as every member sees it
  std::string account_id;  // the watcher that saw it first
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;  // as that watcher sees it
  std::int64_t author_id = 0;   // user id; 0 when a chat wrote it
  std::string data_sealed;      // the event's message JSON, Envelope::SealRecord("watch_message", id, ...)
  bool late = false;            // caught up by gap recovery after a restart
  std::int64_t created_at = 0;  // unix seconds
};

// One message matched for one subscriber (by a rule or a classifier), and
// what became of its notification and of the subscriber's answer.
struct WatchMatch {
  std::string id;  // "wm_" + random
  std::string tenant_id;
  std::string message_id;     // WatchMessage::id
  std::string subscriber_id;  // Subscriber::id
  std::string rule_id;        // "" when a classifier matched it
  std::int64_t author_id = 0;
  std::string extra_sealed;   // {"draft","note"} of a classifier, sealed ("watch_match", id); "" for none
  WatchNotifyState notify_state = WatchNotifyState::kPending;
  std::int64_t bot_message_id = 0;  // the notification in the subscriber's chat with the bot
  WatchAnswerState answer_state = WatchAnswerState::kNone;
  std::string outbox_id;  // the answer, once queued
  std::string error;      // why the notification or the answer failed, in words
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t notified_at = 0;  // when the notification was handed to the bot; 0 before
};

// A person who gets a bot's notifications (the bot must have `notify` and the
// person must have started it: bots cannot write first).
struct Subscriber {
  std::string id;  // "sub_" + random
  std::string tenant_id;
  std::string bot_id;
  std::int64_t telegram_user_id = 0;
  std::string name;
  std::int64_t created_at = 0;
};

}  // namespace tgmux::store
