// The event log (docs/architecture.md, Event log): everything that happens in a tenant's
// accounts, appended in order to the store (per-tenant `seq`) before anyone is
// told, then read by long-poll, SSE, WebSocket and webhooks with a cursor.
//
// Appending never blocks the caller: drafts queue for one writer thread, which
// writes them in batches, one transaction each, and then wakes the readers.
// While the store cannot be reached (PostgreSQL away) the queue holds what
// arrives, up to TGMUX_EVENT_BUFFER events, and the writer tries again until
// it is back. Beyond that, events are dropped and counted: received messages
// are read back by gap recovery once the store is back (OnRefill), the rest
// (edits, deletions, reads, statuses) are lost.
// Events with a dedup key (a received message: account, chat, message id) are
// in the log at most once, however often they are appended: gap recovery
// after a restart relies on it. Event data is sealed at rest. Thread-safe.
//
// Live consumers (Wait) are handed the events the writer has just written
// from memory, already decrypted: the newest kTailSize events of each tenant
// stay there. Only a consumer whose cursor is older reads the store, on a
// pool of reader threads, never on the caller's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/work_pool.h"
#include "service/accounts/account_observer.h"
#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/infrastructure.h"
#include "service/logins/logins.h"

namespace tgmux::service {

struct EventDraft {
  std::string type;
  std::string account_id;  // its tenant is the event's tenant
  std::string tenant_id;   // for events about no account, or one that is gone
  nlohmann::json data;
  std::string dedup_key;  // "": may repeat
  // An incoming message's kind of chat: the writer drops it unless the
  // account's accepts_* flags let it in.
  std::optional<telegram::ChatType> incoming_chat = std::nullopt;
};

// How messages look inside event data: the REST API's shapes, handed down by
// the api layer when it wires the services (service/ never includes api/), so
// that an event's message is the object GET .../messages answers.
struct MessageShapes {
  std::function<nlohmann::json(const telegram::Message&)> message;
  std::function<nlohmann::json(const std::vector<telegram::TextEntity>&)> entities;
};

// The event types, as documented.
extern const std::set<std::string> kEventTypes;

// A login.state event's data: {login_id, method, state, phone_masked?,
// account_id?, error?}; never the QR link or a code.
nlohmann::json LoginEventData(const LoginView& login);

class EventService : public AccountObserver {
 public:
  using Events = std::vector<nlohmann::json>;
  using Deliver = std::function<void(Events)>;

  EventService(Infrastructure& infra, AccountService& accounts, Background& background, MessageShapes shapes);
  // How messages look in events (and wherever the API shows a stored message).
  const MessageShapes& shapes() const { return shapes_; }
  ~EventService() override;

  // Queues an event; the writer stores it shortly after (or drops it when
  // the buffer is full; see above).
  void Append(EventDraft draft);
  // Returns once everything queued before the call is written: true, or
  // false at once while the store cannot be reached.
  bool Flush();
  // Called (on the writer thread) when the buffer has room again after
  // received messages of these accounts were dropped (the store was away).
  void OnRefill(std::function<void(const std::set<std::string>& account_ids)> listener);
  // Accounts whose dropped received messages are not yet handed to OnRefill:
  // their gap recovery checkpoints must stay where they are.
  std::set<std::string> AwaitingRefill();
  // Before the HTTP server stops: answers every waiter now (with no events),
  // and every later Wait at once, so that no long-poll is left unanswered.
  void ReleaseWaiters();
  bool draining() const { return draining_; }
  // Batches that could not be written since start (the store failed).
  std::uint64_t write_failures() const { return write_failures_; }
  // Writes what is queued, answers every waiter, and stops the writer.
  void Shutdown();

  // Events after query.after, oldest first, each as
  // {seq, id, type, account_id, created_at, data}.
  Events Read(const store::EventQuery& query);
  // Calls `deliver` once: with the events after query.after as soon as there
  // are any, or with none when `timeout` passes, Cancel is called, or the
  // service shuts down. Returns a token for Cancel. Never reads the store on
  // the caller's thread; `deliver` may run on the caller's thread (events
  // already in memory), the writer's or a reader's.
  std::uint64_t Wait(store::EventQuery query, std::chrono::milliseconds timeout, Deliver deliver);
  // Answers a waiter now (with no events) unless it already was.
  void Cancel(std::uint64_t token);
  std::int64_t LastSeq(const std::string& tenant_id) { return infra_.store().LastEventSeq(tenant_id); }
  // Called (on the writer thread) after events of a tenant were written.
  // Several nodes: another node appended events of the tenant, up to `seq`
  // (0: not said; "": of any tenant, some may have been missed). What this
  // node keeps in memory of the tenant's log is stale now; whoever waits reads
  // the store. A batch of this node's own that is older than `seq` and heard
  // later no longer starts a tail: the tail would lack the other node's events.
  void HeardElsewhere(const std::string& tenant_id, std::int64_t seq);
  void OnWritten(std::function<void(const std::string& tenant_id)> listener);

  // AccountObserver (event_sources.cpp): what accounts report becomes events.
  void OnMessage(const std::string& account_id, const telegram::Message& message) override;
  void OnMessageEdited(const std::string& account_id, const telegram::MessageEdit& edit) override;
  void OnMessagesDeleted(const std::string& account_id, std::int64_t chat_id,
                         const std::vector<std::int64_t>& message_ids) override;
  void OnChatRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read,
                  int unread_count) override;
  void OnPeerRead(const std::string& account_id, std::int64_t chat_id, std::int64_t last_read) override;
  void OnSendResult(const std::string& account_id, std::int64_t chat_id, std::int64_t temporary_id,
                    const telegram::Result<telegram::Message>& result) override;
  void OnStatus(const store::Account& account, std::optional<store::AccountStatus> previous) override;
  void OnAccountUpdated(const store::Account& account) override;
  void OnUnlinked(const store::Account& account) override;

  // A received message as the event the log keeps (filters apply; the dedup
  // key makes it once only). Live ones wait while their chat is held.
  void Received(const std::string& account_id, const telegram::Message& message);

  // While gap recovery reads an account's older messages back, its live
  // received messages wait, so that each chat's messages reach the log in
  // the order they were sent (readers such as the relay mirror in log order).
  // HoldLive holds every chat; NarrowHold keeps only the chats still to be
  // read back; ReleaseChat lets one chat go after its recovered messages;
  // ReleaseLive lets everything go. What was held is appended in arrival
  // order. At most kMaxHeld per account wait; later ones go at once.
  void HoldLive(const std::string& account_id);
  void NarrowHold(const std::string& account_id, const std::vector<std::int64_t>& chats);
  void ReleaseChat(const std::string& account_id, std::int64_t chat_id);
  void ReleaseLive(const std::string& account_id);
  // A message read back by gap recovery: appended at once.
  void Recovered(const std::string& account_id, const telegram::Message& message);
  static constexpr std::size_t kMaxHeld = 10000;
  static constexpr std::size_t kTailSize = 1024;
  // Outbox sends, by the outbox: message.sent / message.failed with its id.
  // The outbox appends it with the entry's final state (OutboxService::EndEvents):
  // Seal makes the event, Appended takes in what the outbox's journal wrote;
  // Append(OutboxEnd(entry)) when it goes on its own.
  static EventDraft OutboxEnd(const store::OutboxEntry& entry);
  // A draft as the log stores it (tenant, id, sealed data), or none when its
  // account is gone or does not take it. May read the account from the store.
  std::optional<store::Event> Seal(const EventDraft& draft);
  // Events another writer appended (the outbox's journal): kept for live
  // consumers, who are woken. `clear`: what those events say, by event id,
  // as their drafts said it; an event not in it is opened from its sealed data.
  void Appended(const std::vector<store::Event>& written, const std::map<std::string, nlohmann::json>& clear);

 private:
  struct AccountInfo {
    std::string tenant_id;
    bool accepts_private = true;
    bool accepts_groups = true;
    bool accepts_channels = false;
  };
  struct Waiter {
    store::EventQuery query;
    Deliver deliver;
  };
  // A tenant's newest events as this process wrote them: seqs first.. in order, decrypted.
  // No other node's event lies between them, nor after them (HeardElsewhere).
  struct Tail {
    std::int64_t first = 0;
    std::deque<nlohmann::json> events;
  };
  struct Hold {
    bool all = true;                // every chat, until NarrowHold
    std::set<std::int64_t> chats;   // otherwise these
    std::vector<std::pair<std::int64_t, EventDraft>> held;  // chat, draft; in arrival order
  };
  EventDraft ReceivedDraft(const std::string& account_id, const telegram::Message& message);
  // Moves the held drafts `release` picks to the queue, in order. Under mutex_.
  void ReleaseHeld(Hold& hold, const std::function<bool(std::int64_t chat)>& release);

  void Run();
  // Writes a batch (kept as it is, for a retry); throws StoreUnavailable.
  void WriteBatch(const std::vector<EventDraft>& drafts);
  // A draft the full buffer has no room for. Under mutex_.
  void Drop(const EventDraft& draft);
  // After a batch failed because the store is away: waits before the next try. Under mutex_ (`lock`).
  void AwaitStore(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds& backoff);
  // Hands the accounts whose received messages were dropped to the OnRefill
  // listeners (without the lock). Under mutex_ (`lock`).
  void HandOverRefill(std::unique_lock<std::mutex>& lock);
  std::optional<AccountInfo> Info(const std::string& account_id);
  static bool Accepts(const AccountInfo& info, telegram::ChatType type);
  void WakeWaiters(const std::string& tenant_id);
  bool TakeWaiter(std::uint64_t token, Waiter* out);
  // Keeps written events in their tenants' tails (`view`: each one as
  // consumers see it), then wakes the tenants' waiters.
  void Keep(const std::vector<store::Event>& written, const std::function<nlohmann::json(const store::Event&)>& view);
  // Keeps a tenant's written events (seqs first.., as consumers see them) in
  // its tail. Under mutex_.
  void KeepInTail(const std::string& tenant_id, std::int64_t first, std::vector<nlohmann::json> views);
  // The events after query.after from the tenant's tail, or nullopt when the
  // tail does not reach back to the cursor (or the cursor is past it). Under mutex_.
  std::optional<Events> FromTail(const store::EventQuery& query) const;
  // Reads the store for a waiter the tail cannot answer (on a reader thread).
  void CatchUp(std::uint64_t token, const store::EventQuery& query);
  nlohmann::json View(const store::Event& event);
  static nlohmann::json View(const store::Event& event, nlohmann::json data);

  Infrastructure& infra_;
  MessageShapes shapes_;
  AccountService& accounts_;
  Background& background_;

  std::mutex mutex_;  // the queue, the writer's state, the waiters, the caches
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  std::deque<EventDraft> queue_;
  const std::size_t buffer_limit_;  // TGMUX_EVENT_BUFFER
  bool store_away_ = false;         // the last batch found the store unreachable
  std::uint64_t dropped_ = 0;       // in the current outage
  std::set<std::string> refill_;    // accounts whose received messages were dropped
  std::vector<std::function<void(const std::set<std::string>&)>> refill_listeners_;
  std::uint64_t queued_total_ = 0;
  std::uint64_t written_total_ = 0;
  bool stopping_ = false;
  std::atomic<bool> draining_{false};
  std::atomic<std::uint64_t> write_failures_{0};
  std::uint64_t next_waiter_ = 0;
  std::map<std::uint64_t, Waiter> waiters_;
  std::vector<std::function<void(const std::string&)>> listeners_;
  std::map<std::string, AccountInfo> accounts_info_;
  // Final ids of messages the outbox sent: their message.sent comes from the
  // outbox, with the entry's id.
  std::set<std::tuple<std::string, std::int64_t, std::int64_t>> outbox_messages_;
  // Our last known read position per account and chat, to tell reads from
  // unread counts that only grew.
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> last_read_;
  std::map<std::string, Hold> holds_;  // by account
  std::map<std::string, Tail> tails_;  // by tenant
  std::map<std::string, std::int64_t> elsewhere_;  // by tenant: the newest seq another node said it wrote
  // Times the listening connection came back (HeardElsewhere("")): what other
  // nodes wrote meanwhile is unknown, so a tenant keeps no tail until its log's
  // end was read after the latest one (`ends_read_`: by tenant, the count read after).
  std::uint64_t reconnects_ = 0;
  std::map<std::string, std::uint64_t> ends_read_;
  std::set<std::string> reading_end_;  // tenants whose end is being read
  // Reads the tenant's last seq (a reader thread) into elsewhere_. Under mutex_.
  void ReadEndAfterReconnect(const std::string& tenant_id);
  WorkPool readers_{"events: reader", 2};

  std::thread writer_;
};

}  // namespace tgmux::service
