// The `relay` feature of a bot (docs/relay.md): the conversations of the
// accounts relayed through this bot, mirrored into each relay's work group
// (one forum topic, or one header post, per conversation), and the operators'
// answers from the group sent from the account through the outbox.
//
// Mirroring (mirroring.cpp) reads the tenant's event log from a cursor the
// store keeps, so a restart neither loses nor repeats a message: the cursor
// only moves past events whose posts are done, and each post is recorded by
// the account message it mirrors before it goes and again once it went, so an
// event read twice is skipped, and one whose post a crash cut short is looked
// for in the group before it is posted again. Posts
// into one group go one at a time, in order, under Telegram's pace for bots
// in a group (BotSender); while they wait, the queued messages of one
// conversation are merged into one post. Answers and topic commands:
// answers.cpp. Runs on the bots' worker thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bots/bot_sender.h"
#include "bots/relay/relay_text.h"
#include "service/relay/relay_settings.h"
#include "service/services.h"
#include "store/relay_records.h"

namespace tgmux::bots {

// The outbox idempotency key of an operator's answer (one per group message),
// and the group and message it names; false for other keys.
std::string RelayAnswerKey(std::int64_t group_chat_id, std::int64_t message_id);
bool ParseRelayAnswerKey(const std::string& key, std::int64_t& group_chat_id, std::int64_t& message_id);

class WorkGroupRelay : public std::enable_shared_from_this<WorkGroupRelay> {
 public:
  WorkGroupRelay(service::Services& services, std::shared_ptr<service::Background> worker,
                 std::shared_ptr<BotSender> sender, store::Bot bot);

  // The bot is active with the feature (start reading), or no longer (stop).
  void Update(const store::Bot& bot, bool on);
  // A relay through this bot was saved or stopped.
  void Reload();
  // A message in a group the bot is in (an operator's answer or command).
  void OnGroupMessage(const telegram::Message& m);
  // An operator's answer is sent or failed.
  void OnAnswerFinished(std::int64_t group_chat_id, std::int64_t operator_message_id, const store::OutboxEntry& entry);

 private:
  // One thing to do in a group, from one event.
  struct Item {
    enum class Kind { kPost, kEdit, kDelete };
    Kind kind = Kind::kPost;
    std::int64_t seq = 0;
    std::string account_id;
    std::int64_t peer_chat_id = 0;
    std::vector<std::int64_t> message_ids;  // kPost, kEdit: one
    bool employee = false;                  // kPost: the account's own message
    bool in_group = false;                  // the conversation is a group's (authors are named)
    nlohmann::json message;                 // kPost: the event's message; kEdit: {text, entities}
  };
  struct GroupQueue {
    std::deque<Item> items;
    bool busy = false;  // a post (or a topic) is on its way
    int failures = 0;   // of the front item, in a row
  };
  struct Known {  // an account as the posts name it
    std::string name;
    std::int64_t self = 0;  // its Telegram user id
  };

  // `then` on the worker with what a call answered, unless the relay is gone.
  template <typename T>
  std::function<void(T)> Later(std::function<void(WorkGroupRelay&, T)> then) {
    return [weak = weak_from_this(), worker = worker_, then = std::move(then)](T value) {
      worker->Post([weak, then, value = std::move(value)]() mutable {
        if (auto self = weak.lock()) then(*self, std::move(value));
      });
    };
  }

  // --- mirroring.cpp
  void ReadEvents();
  void OnEvents(std::vector<nlohmann::json> events);
  // The event as an item of a relayed account; never for chats with tgmux's `bots`.
  std::optional<Item> ItemOf(const nlohmann::json& event, const std::set<std::int64_t>& bots);
  bool IsAnswer(const nlohmann::json& data);
  void Pump(std::int64_t group_chat_id);
  // The item's dialog with its topic or header post, then `then` (worker).
  void Open(const Item& item, const store::Relay& relay, std::function<void(store::Dialog)> then);
  void OpenIn(store::Dialog dialog, const store::Relay& relay, std::function<void(store::Dialog)> then);
  void Post(std::int64_t group_chat_id, std::vector<Item> items, const store::Dialog& dialog);
  void SendFile(std::int64_t group_chat_id, const store::Dialog& dialog, const Item& item,
                const relay_text::Part& part, std::int64_t reply_to,
                std::function<void(telegram::Result<telegram::Message>)> done);
  void Enqueue(std::int64_t group_chat_id, BotSender::Call call,
               std::function<void(telegram::Result<telegram::Message>)> done);
  // A post written down but not known to have gone (a crash cut it short):
  // recorded when it is the newest message where it would be, else posted.
  void Reconcile(std::int64_t group_chat_id, const Item& item, store::RelayPost intent);
  void Edit(std::int64_t group_chat_id, const Item& item);
  void Deleted(std::int64_t group_chat_id, const Item& item);
  // A post or note into the dialog's topic (or under its header); `done` on the worker.
  void Send(std::int64_t group_chat_id, const store::Dialog& dialog, telegram::FormattedText text,
            std::int64_t reply_to, std::function<void(telegram::Result<telegram::Message>)> done);
  // These items of the group are done: the cursor may move, the next one goes.
  void Done(std::int64_t group_chat_id, const std::vector<std::int64_t>& seqs);
  void DoneFront(std::int64_t group_chat_id);
  // The front item could not go: again later (after a flood wait's seconds), or dropped after kGiveUpAfter.
  void Failed(std::int64_t group_chat_id, const Error& error);
  void RetryLater(std::int64_t group_chat_id, int seconds);
  void Advance();
  void ReportBacklog();
  std::string AccountName(const std::string& account_id);
  std::int64_t SelfOf(const std::string& account_id);

  // --- answers.cpp
  std::optional<store::Dialog> DialogOf(const telegram::Message& m, const store::Relay* replies_relay);
  void OnCommand(const telegram::Message& m, const std::string& command, const std::string& args,
                 const store::Dialog& dialog, const store::Relay& relay);
  void Answer(const telegram::Message& m, const store::Dialog& dialog);
  void EditAnswer(const telegram::Message& m, const std::string& text, const store::Dialog& dialog);
  void DeleteAnswer(const telegram::Message& m, const store::Dialog& dialog);
  // The answer the operator's message replies to.
  std::optional<store::OutboxEntry> AnswerOf(const telegram::Message& m, const store::Dialog& dialog);
  std::optional<store::OutboxEntry> AnswerOfAnyAccount(std::int64_t group_chat_id, std::int64_t message_id);
  // Tells the operator in words, as a reply to their message.
  void Tell(const telegram::Message& m, const std::string& text);
  void Reply(std::int64_t group_chat_id, std::int64_t message_id, const std::optional<store::Dialog>& dialog,
             const std::string& words);
  // Marks a delivered answer: a reaction where the group allows them, else a short reply.
  void Mark(std::int64_t group_chat_id, std::int64_t message_id, const std::optional<store::Dialog>& dialog);

  service::Services& services_;
  std::shared_ptr<service::Background> worker_;
  std::shared_ptr<BotSender> sender_;
  store::Bot bot_;
  bool running_ = false;
  std::map<std::string, store::Relay> relays_;   // by account
  std::map<std::int64_t, bool> reactions_;        // per group: whether it allows the "delivered" reaction
  std::map<std::int64_t, GroupQueue> queues_;     // by group
  std::int64_t read_seq_ = 0;   // the last event read
  std::int64_t saved_seq_ = 0;  // the cursor as stored
  bool reading_ = false;
  std::map<std::int64_t, bool> in_flight_;  // seq of items under way -> done
  std::map<std::string, Known> accounts_;
};

}  // namespace tgmux::bots
