#include "bots/bot_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tgmux::bots {
namespace {

using telegram::Message;
using telegram::Result;

constexpr int kMaxAttempts = 5;  // flood waits in a row before a message is given up

}  // namespace

void BotSender::Bucket::Refill(Clock::time_point now) {
  if (tokens < 0) {
    tokens = burst;
  } else {
    tokens = std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * rate);
  }
  last = now;
}

BotSender::Clock::time_point BotSender::Bucket::ReadyAt(Clock::time_point now) const {
  if (tokens >= 1) return now;
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((1 - tokens) / rate));
}

std::shared_ptr<BotSender> BotSender::Create(std::shared_ptr<service::Background> worker, ClientSource client,
                                             Limits limits) {
  return std::shared_ptr<BotSender>(new BotSender(std::move(worker), std::move(client), limits));
}

BotSender::BotSender(std::shared_ptr<service::Background> worker, ClientSource client, Limits limits)
    : worker_(std::move(worker)), client_(std::move(client)), limits_(limits) {
  global_.rate = limits_.per_second;
  global_.burst = limits_.burst;
}

BotSender::Bucket BotSender::ChatBucket(std::int64_t chat_id) const {
  Bucket bucket;
  if (chat_id < 0) {
    bucket.rate = limits_.group_per_minute / 60;
    bucket.burst = limits_.group_per_minute;
  } else {
    bucket.rate = limits_.chat_per_second;
    bucket.burst = limits_.chat_burst;
  }
  return bucket;
}

BotSender::ChatQueue& BotSender::Queue(std::int64_t chat_id) {
  auto [it, added] = chats_.try_emplace(chat_id);
  if (added) it->second.bucket = ChatBucket(chat_id);
  return it->second;
}

void BotSender::Requeue(Op op) {
  ChatQueue& chat = Queue(op.chat_id);
  if (chat.ops.empty()) turns_.push_front(op.chat_id);
  chat.ops.push_front(std::move(op));
  ++queued_;
}

std::uint64_t BotSender::Enqueue(std::int64_t chat_id, Call call, Done done) {
  ChatQueue& chat = Queue(chat_id);
  if (chat.ops.empty()) turns_.push_back(chat_id);
  const std::uint64_t id = next_id_++;
  chat.ops.push_back(Op{id, chat_id, std::move(call), std::move(done), 0});
  ++queued_;
  Pump();
  return id;
}

bool BotSender::Amend(std::int64_t chat_id, std::uint64_t id, Call call, Done done) {
  auto it = chats_.find(chat_id);
  if (it == chats_.end()) return false;
  for (auto& op : it->second.ops) {
    if (op.id != id || op.attempts > 0) continue;  // one tried already may be at Telegram
    op.call = std::move(call);
    op.done = std::move(done);
    return true;
  }
  return false;
}

void BotSender::Resume() { Pump(); }

bool BotSender::Ready(std::int64_t chat_id) {
  auto now = Clock::now();
  global_.Refill(now);
  if (global_.tokens < 1) return false;
  auto it = chats_.find(chat_id);
  if (it == chats_.end()) return true;
  ChatQueue& chat = it->second;
  chat.bucket.Refill(now);
  return chat.ops.empty() && chat.bucket.tokens >= 1 && chat.paused_until <= now;
}

void BotSender::ScheduleAt(Clock::time_point when) {
  if (when >= pump_at_) return;
  pump_at_ = when;
  worker_->PostAt(when, [weak = weak_from_this(), when] {
    auto self = weak.lock();
    if (!self || self->pump_at_ != when) return;
    self->pump_at_ = Clock::time_point::max();
    self->Pump();
  });
}

void BotSender::Pump() {
  auto client = client_();
  if (!client) return;  // Resume comes when the bot runs again
  auto now = Clock::now();
  while (!turns_.empty()) {
    global_.Refill(now);
    if (global_.tokens < 1) return ScheduleAt(global_.ReadyAt(now));
    // The first chat in turn that may send now; else wake up when one may.
    auto next_ready = Clock::time_point::max();
    auto turn = turns_.begin();
    for (; turn != turns_.end(); ++turn) {
      ChatQueue& chat = chats_[*turn];
      chat.bucket.Refill(now);
      auto ready = std::max(chat.bucket.ReadyAt(now), chat.paused_until);
      if (ready <= now) break;
      next_ready = std::min(next_ready, ready);
    }
    if (turn == turns_.end()) return ScheduleAt(next_ready);
    std::int64_t chat_id = *turn;
    turns_.erase(turn);
    ChatQueue& chat = chats_[chat_id];
    Op op = std::move(chat.ops.front());
    chat.ops.pop_front();
    if (!chat.ops.empty()) turns_.push_back(chat_id);  // the others' turn first
    --queued_;
    chat.bucket.tokens -= 1;
    global_.tokens -= 1;
    ++op.attempts;
    auto call = op.call;
    call(*client, [weak = weak_from_this(), worker = worker_, op = std::move(op)](Result<Message> result) mutable {
      worker->Post([weak, op = std::move(op), result = std::move(result)]() mutable {
        if (auto self = weak.lock()) self->Finish(std::move(op), std::move(result));
      });
    });
  }
}

void BotSender::Finish(Op op, Result<Message> result) {
  if (!result.ok() && result.error().code() == ErrorCode::kPeerNotFound && op.chat_id > 0 && op.attempts == 1) {
    // A person's chat TDLib forgot across a restart: make it known, then again.
    if (auto client = client_()) {
      const std::int64_t chat_id = op.chat_id;
      client->OpenBotChat(chat_id, [weak = weak_from_this(), worker = worker_, op = std::move(op)](auto) mutable {
        worker->Post([weak, op = std::move(op)]() mutable {
          auto self = weak.lock();
          if (!self) return;
          self->Requeue(std::move(op));
          self->Pump();
        });
      });
      return;
    }
  }
  if (!result.ok() && result.error().code() == ErrorCode::kFloodWait && op.attempts < kMaxAttempts) {
    // Telegram slowed the bot down after all: the chat waits, the message goes first again.
    int wait = result.error().retry_after().value_or(1);
    spdlog::warn("bot send into chat {}: flood wait {} s", op.chat_id, wait);
    Queue(op.chat_id).paused_until = Clock::now() + std::chrono::seconds(wait);
    Requeue(std::move(op));
    return Pump();
  }
  if (op.done) op.done(std::move(result));
  auto it = chats_.find(op.chat_id);
  // Forget idle chats once their bucket is full again (nothing to remember).
  if (it != chats_.end() && it->second.ops.empty()) {
    it->second.bucket.Refill(Clock::now());
    if (it->second.bucket.tokens >= it->second.bucket.burst && it->second.paused_until <= Clock::now()) {
      chats_.erase(it);
    }
  }
}

}  // namespace tgmux::bots
