// A bot's outgoing messages, paced to Telegram's limits for bots
// (docs/bots.md): about 30 a second in all, one a second into one private
// chat after a burst of 3, 20 a minute into one group. Sends and edits wait
// in a queue, in order within a chat and taking turns between chats, so that
// tgmux never makes Telegram slow a bot down; a flood wait from Telegram all
// the same pauses the chat, and the message is tried again after it.
// Used on the bots' worker thread only; `done` is called there.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "service/background.h"
#include "telegram/account_client.h"

namespace tgmux::bots {

// How fast a bot may send (BotSender).
struct BotLimits {
  double per_second = 29;  // a little under Telegram's 30, for the clocks' sake
  double burst = 20;
  double chat_per_second = 1;
  double chat_burst = 3;
  double group_per_minute = 19;  // a little under Telegram's 20: the two clocks never agree exactly (config)
};

class BotSender : public std::enable_shared_from_this<BotSender> {
 public:
  using Limits = BotLimits;
  using Clock = std::chrono::steady_clock;
  using ClientSource = std::function<std::shared_ptr<telegram::AccountClient>()>;
  using Call = std::function<void(telegram::AccountClient&, telegram::AccountClient::MessageDone)>;
  using Done = std::function<void(telegram::Result<telegram::Message>)>;

  // `client`: the bot's running client, or null while it is not running (the
  // queue then waits for Resume).
  static std::shared_ptr<BotSender> Create(std::shared_ptr<service::Background> worker, ClientSource client,
                                           Limits limits = {});

  // Returns the message's id in the queue (for Amend).
  std::uint64_t Enqueue(std::int64_t chat_id, Call call, Done done = nullptr);
  // Replaces what a message still waiting in the queue will send (e.g. to
  // merge a newer one into it); false once it has gone to Telegram.
  bool Amend(std::int64_t chat_id, std::uint64_t id, Call call, Done done);
  // Whether a message into the chat would go at once (nothing waits for it,
  // Telegram's pace allows it now).
  bool Ready(std::int64_t chat_id);
  // The bot runs (again): send what waits.
  void Resume();
  std::size_t queued() const { return queued_; }

 private:
  struct Bucket {
    double rate = 1, burst = 1, tokens = -1;
    Clock::time_point last;
    void Refill(Clock::time_point now);
    Clock::time_point ReadyAt(Clock::time_point now) const;  // when a whole token is there
  };
  struct Op {
    std::uint64_t id = 0;
    std::int64_t chat_id = 0;
    Call call;
    Done done;
    int attempts = 0;
  };
  struct ChatQueue {
    std::deque<Op> ops;
    Bucket bucket;
    Clock::time_point paused_until;
  };

  BotSender(std::shared_ptr<service::Background> worker, ClientSource client, Limits limits);
  void Pump();
  void ScheduleAt(Clock::time_point when);
  void Finish(Op op, telegram::Result<telegram::Message> result);
  ChatQueue& Queue(std::int64_t chat_id);
  // Back to the head of its chat's queue (a retry).
  void Requeue(Op op);
  Bucket ChatBucket(std::int64_t chat_id) const;

  std::shared_ptr<service::Background> worker_;
  ClientSource client_;
  Limits limits_;
  Bucket global_;
  std::map<std::int64_t, ChatQueue> chats_;
  std::deque<std::int64_t> turns_;  // chats with queued messages, in turn order
  std::size_t queued_ = 0;
  std::uint64_t next_id_ = 1;
  Clock::time_point pump_at_ = Clock::time_point::max();
};

}  // namespace tgmux::bots
