#include "service/events/gap_recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "common/time.h"
#include "service/messaging/message_walks.h"

namespace tgmux::service {

using telegram::Result;
namespace {

constexpr int kMaxMessagesPerChat = 20000;

}  // namespace

// One account's recovery: the most recent chats, then each chat's incoming
// messages back to the checkpoint, one chat at a time (message_walks.h). Its
// steps run on TDLib's threads and only queue events.
struct GapRecovery::Run : std::enable_shared_from_this<GapRecovery::Run> {
  GapRecovery* owner = nullptr;
  std::string account_id;
  std::int64_t since = 0;
  walks::ClientRef client;
  std::vector<std::int64_t> chats;
  std::size_t next_chat = 0;
  int recovered = 0;
  bool complete = true;

  void ListChats() {
    walks::ListChats(client, kMaxChats, std::nullopt, false, [self = shared_from_this()](Result<ChatPage> page) {
      if (!page.ok()) return self->Fail(page.error());
      for (const auto& chat : page.value().chats) {
        if (chat.last_message && chat.last_message->date >= self->since) self->chats.push_back(chat.chat_id);
      }
      // Live messages of other chats need not wait for anything.
      self->owner->events_.NarrowHold(self->account_id, self->chats);
      self->NextChat();
    });
  }

  void NextChat() {
    if (next_chat == chats.size()) return owner->Finished(account_id, recovered, complete);
    std::int64_t chat_id = chats[next_chat++];
    auto older = [since = since](const telegram::Message& m) { return m.date < since; };
    walks::IncomingSince(client, chat_id, older, kMaxMessagesPerChat,
                         [self = shared_from_this(), chat_id](Result<std::vector<telegram::Message>> messages) {
                           if (!messages.ok()) {
                             spdlog::warn("account {}: gap recovery skipped a chat: {}", self->account_id,
                                          messages.error().what());
                             self->complete = false;
                           } else {
                             // Oldest first, as they arrived.
                             for (const auto& m : messages.value()) {
                               self->owner->events_.Recovered(self->account_id, m);
                               if (self->owner->recovered_listener_) self->owner->recovered_listener_(self->account_id, m);
                             }
                             self->recovered += static_cast<int>(messages.value().size());
                           }
                           // The chat's live messages follow the ones read back.
                           self->owner->events_.ReleaseChat(self->account_id, chat_id);
                           self->NextChat();
                         });
  }

  void Fail(const Error& error) {
    spdlog::warn("account {}: gap recovery stopped while listing chats: {}", account_id, error.what());
    owner->Finished(account_id, recovered, false);
  }
};

GapRecovery::GapRecovery(Infrastructure& infra, AccountService& accounts, EventService& events, Background& background)
    : infra_(infra), accounts_(accounts), events_(events), background_(background) {
  accounts_.AddObserver(this);
  events_.OnRefill([this](const std::set<std::string>& account_ids) { Refill(account_ids); });
}

void GapRecovery::Refill(const std::set<std::string>& account_ids) {
  for (const auto& account_id : account_ids) {
    {
      std::lock_guard lock(mutex_);
      caught_up_.erase(account_id);  // its checkpoint stays until this run completes
      if (!recovering_.insert(account_id).second) {
        // The run under way may have read past what was dropped: another follows it.
        again_.insert(account_id);
        continue;
      }
    }
    spdlog::info("account {}: reading back the messages received while the store was unreachable", account_id);
    events_.HoldLive(account_id);
    background_.Post([this, account_id] {
      try {
        Recover(account_id, Since(infra_.store().GetEventCheckpoint(account_id)));
      } catch (const std::exception& e) {
        spdlog::warn("account {}: gap recovery could not start: {}", account_id, e.what());
        Finished(account_id, 0, false);
      }
    });
  }
}

std::int64_t GapRecovery::Since(std::int64_t checkpoint) const {
  // Never before the retention horizon: an event removed by retention must
  // not come back as new. Message dates are whole seconds: round the horizon up.
  auto horizon_ms = UnixMillis() - static_cast<std::int64_t>(infra_.config().event_retention_seconds * 1000);
  return std::max(checkpoint, (horizon_ms + 999) / 1000);
}

void GapRecovery::OnReady(const std::string& account_id) {
  // Before the client's first update is heard (OnReady comes first, on the
  // same thread): its live messages wait for what is read back.
  events_.HoldLive(account_id);
  background_.Post([this, account_id] {
    auto& store = infra_.store();
    std::int64_t since = store.GetEventCheckpoint(account_id);
    {
      std::lock_guard lock(mutex_);
      if (recovering_.count(account_id)) return;
      if (since == 0) {
        // A new account: its events start now.
        store.SetEventCheckpoint(account_id, UnixSeconds());
        caught_up_.insert(account_id);
        events_.ReleaseLive(account_id);
        return;
      }
      recovering_.insert(account_id);
      events_.HoldLive(account_id);
    }
    Recover(account_id, Since(since));
  });
}

void GapRecovery::Recover(const std::string& account_id, std::int64_t since) {
  auto run = std::make_shared<Run>();
  run->owner = this;
  run->account_id = account_id;
  run->since = since;
  auto client = accounts_.Client(account_id);
  if (!client) return Finished(account_id, 0, false);
  run->client = client;
  run->ListChats();
}

void GapRecovery::Finished(const std::string& account_id, int recovered, bool complete) {
  bool again = false;
  {
    std::lock_guard lock(mutex_);
    recovering_.erase(account_id);
    again = again_.erase(account_id) > 0;
    if (complete && !again) caught_up_.insert(account_id);
  }
  events_.ReleaseLive(account_id);
  if (recovered > 0 || !complete) {
    spdlog::info("account {}: {} message(s) received while away recovered{}", account_id, recovered,
                 complete ? "" : " (incomplete; retried at the next start)");
  }
  if (again) Refill({account_id});
}

void GapRecovery::OnStatus(const store::Account& account, std::optional<store::AccountStatus>) {
  using store::AccountStatus;
  if (account.status == AccountStatus::kActive || account.status == AccountStatus::kFloodWait) return;
  // The client is stopping: what arrives from now on is read back when it is ready again.
  std::lock_guard lock(mutex_);
  caught_up_.erase(account.id);
}

void GapRecovery::Checkpoint() {
  std::int64_t at = UnixSeconds() - kMargin;
  // Not while the store is away (what waits for it is not in the log yet).
  if (!events_.Flush()) return;
  // A batch that failed may have held received messages: keep the checkpoints
  // where they are, so that the next start reads those messages back.
  if (events_.write_failures() > 0) return;
  // Received messages dropped while the store was away are read back first.
  // In this order: an account leaves AwaitingRefill only after Refill took it
  // out of caught_up_, so it is in neither set between the two. (The other
  // order let an account handed over to Refill during Flush keep its stale
  // place in caught_up_, and its checkpoint moved past what was to be read back.)
  const std::set<std::string> awaiting = events_.AwaitingRefill();
  std::set<std::string> accounts;
  {
    std::lock_guard lock(mutex_);
    accounts = caught_up_;
  }
  for (const auto& account_id : awaiting) accounts.erase(account_id);
  auto& store = infra_.store();
  for (const auto& account_id : accounts) {
    if (store.GetEventCheckpoint(account_id) < at) store.SetEventCheckpoint(account_id, at);
  }
}

}  // namespace tgmux::service
