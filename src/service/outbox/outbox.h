// The outbox (docs/architecture.md, The path of a send): every send is a durable row first, then one
// sender per account delivers its entries: in creation order within a chat,
// several chats at once, paced per chat (ChatPacer). A flood wait pauses the
// whole account until it ends; transient failures retry with backoff,
// permanent ones end `failed` with the reason.
//
// The account's state decides what happens to its queue: while it connects or
// is disabled the entries wait; once it is revoked or unlinked they end
// `failed` (account_not_ready, not_found), since no session can send them.
//
// Delivery is at most once. An entry is marked `sending`, on disk, before
// SendText. When
// TDLib's final answer misses the deadline, the entry stays `sending` until
// the late outcome arrives (AccountObserver::OnSendResult, matched by the
// temporary message id) and becomes `sent` or `failed` then; without such an
// outcome (no temporary id, the session ended, kSettleTimeout passed, or the
// process stopped meanwhile) it ends `failed` with telegram_unreachable
// instead of being sent again: a missing message can be resent by the caller,
// a doubled one cannot be unsent. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/infrastructure.h"
#include "service/media/file_registry.h"
#include "service/media/media_spool.h"
#include "service/media/staged_file.h"
#include "service/outbox/outbox_journal.h"
#include "service/outbox/outbox_metrics.h"
#include "service/outbox/outbox_pacing.h"

namespace tgmux::service {

// A file to send: uploaded with the request, or one the account already has.
struct MediaRequest {
  telegram::MediaKind kind = telegram::MediaKind::kDocument;
  bool kind_given = false;        // false: a file_id keeps its own kind
  bool album = false;             // 2 to 10 files, each of the kind its type says
  std::vector<StagedFile> files;  // uploaded: one, or an album's in order
  std::string file_id;            // or this account's file
  int width = 0, height = 0, duration = 0;
};

struct SendRequest {
  std::string to;          // numeric id, @username or +phone
  std::string text;        // the caption when media is set (may then be empty)
  telegram::ParseMode parse_mode = telegram::ParseMode::kNone;
  std::int64_t reply_to_message_id = 0;
  bool silent = false;
  std::string idempotency_key;  // "" when none
  std::optional<MediaRequest> media;
};

class OutboxService : public AccountObserver {
 public:
  using EntryDone = std::function<void(const store::OutboxEntry&)>;

  // Registers itself as an observer of `accounts` (so: before RestoreAll).
  OutboxService(Infrastructure& infra, AccountService& accounts, Background& background, FileRegistry& files,
                MediaSpool& spool);

  // Writes the entry (or returns the one with the same idempotency key) and
  // hands it to the account's sender. Uploaded files become the entry's (they
  // stay sealed in the spool until it ends); an entry found by its key leaves
  // them to be removed. Throws Error: not_found (account of another tenant, a
  // file_id this account does not have), invalid_request (empty or too long
  // text or caption, bad formatting, a file_id of another kind).
  store::OutboxEntry Enqueue(const std::string& tenant_id, const std::string& account_id, SendRequest request);
  // The same without a thread waiting for the disk: throws what it refuses
  // before writing; otherwise calls `done` once, with the entry once it is on
  // disk or with why it could not be written (a store::StoreUnavailable), on
  // the outbox's writing thread (on the caller's for an entry found by its key).
  // `created`: this call wrote the entry, and it cannot end before `done`
  // returns. `done` must be quick: the next writes wait for it.
  using Enqueued = std::function<void(std::exception_ptr error, const store::OutboxEntry& entry, bool created)>;
  void EnqueueAsync(const std::string& tenant_id, const std::string& account_id, SendRequest request, Enqueued done);
  // Throws Error(not_found) for unknown ids and other tenants' entries.
  store::OutboxEntry Get(const std::string& tenant_id, const std::string& id);
  // Calls `done` once: when `entry` is sent or failed, or with its state
  // when `timeout` passes first or StopWaiting is called. `unfinished`: the
  // caller knows the entry has not ended yet (in EnqueueAsync's `done`), so it
  // is not read first. The entry as the caller has it says which node runs
  // its account (not read again either).
  void Wait(const store::OutboxEntry& entry, std::chrono::milliseconds timeout, EntryDone done,
            bool unfinished = false);
  // At shutdown, before the HTTP server stops: answers every Wait now with the
  // entry as it is, and every later Wait at once.
  void StopWaiting();
  // At start-up: settles the sends the last run left in flight and hands every
  // queued entry to its account's sender. With several nodes, each account's
  // entries are taken up when this node takes its lease instead (TakeOver).
  void Resume();
  // Several nodes (docs/cluster.md). This node took the account's lease (its
  // client starts next): the sends the node before left in flight end failed
  // (outcome unknown, never sent twice), its queued entries come here.
  void TakeOver(const std::string& account_id);
  // Queued entries of these accounts (run here) that another node wrote
  // come to this node's senders; at every beat.
  void PickUp(const std::set<std::string>& account_ids);
  // Several nodes: a send's files spooled on another node (its media record's
  // "spool_url", that node's TGMUX_NODE_URL) are fetched from there before it
  // is sent here, and dropped there once it ended. Only before Resume.
  struct RemoteSpool {
    std::function<bool(const std::string& node_url, const std::string& name, const std::filesystem::path& into)> fetch;
    std::function<void(const std::string& node_url, const std::string& name)> drop;
  };
  void SetRemoteSpool(RemoteSpool spool) { remote_spool_ = std::move(spool); }
  // Another node wrote this entry for an account that runs here (NOTIFY):
  // picked up now, not at the next beat, in the order the wakes came.
  void Wake(const std::string& entry_id);
  // The account runs elsewhere now: its entries not yet at Telegram leave
  // this node's memory, for the node that runs it to send.
  void Release(const std::string& account_id);
  // Called by Enqueue before it writes a new entry; throws to refuse it (a
  // stopped dialog). Only before Resume.
  using SendGuard = std::function<void(const std::string& tenant_id, const std::string& account_id,
                                       const SendRequest& request)>;
  void AddGuard(SendGuard guard) { guards_.push_back(std::move(guard)); }
  // When an account enters a flood wait, each of its waiting text entries is
  // offered to `reassigner`, which may name another account to send it (the
  // entry moves there, sealed with that account's key). Only before Resume.
  using Reassigner = std::function<std::optional<std::string>(const store::OutboxEntry&)>;
  void SetReassigner(Reassigner reassigner) { reassigner_ = std::move(reassigner); }
  // Calls `listener` once for every entry Enqueue writes (not for one found by
  // its idempotency key), clear values, on the outbox's writing thread, before
  // it can be sent or end. Only before Resume.
  void OnCreated(EntryDone listener) { created_listeners_.push_back(std::move(listener)); }
  // Calls `listener` once for every entry that ends sent or failed (clear
  // values; on the background thread, or in Resume). Only before Resume.
  void OnFinished(EntryDone listener) { finished_listeners_.push_back(std::move(listener)); }
  // How an entry's end reaches the event log. `seal` makes its event (clear
  // entry in; the sealed event and what it says in clear out; none: no event),
  // which the journal appends in the transaction that writes the final state,
  // so that neither is on disk without the other; `appended` hears of the
  // events so written, with what they say in clear (on the journal's thread;
  // the live tail shows them without opening the sealed copies). When that
  // write fails, or the state is written another way (an entry found in
  // flight at a restart), `append` queues the event on its own instead. Only
  // before Resume.
  struct EndEvents {
    std::function<std::optional<std::pair<store::Event, nlohmann::json>>(const store::OutboxEntry& entry)> seal;
    OutboxJournal::Appended appended;
    EntryDone append;
  };
  void SetEndEvents(EndEvents hooks);

  // AccountObserver: a session ready or a status change may unblock a queue;
  // an unlink ends it; late send outcomes settle entries.
  void OnReady(const std::string& account_id) override { Kick(account_id); }
  void OnStatus(const store::Account& account, std::optional<store::AccountStatus>) override { Kick(account.id); }
  void OnUnlinked(const store::Account& account) override { Kick(account.id); }
  void OnSendResult(const std::string& account_id, std::int64_t chat_id, std::int64_t temporary_id,
                    const telegram::Result<telegram::Message>& result) override;

  // How many sends one account has at Telegram at once, over all its chats.
  static constexpr int kMaxInFlight = 8;
  // How long an entry whose send had no answer waits for its late outcome.
  static constexpr std::chrono::minutes kSettleTimeout{10};

 private:
  using Clock = std::chrono::steady_clock;
  using SendKey = std::pair<std::int64_t, std::int64_t>;  // chat id, temporary message id
  using SendResult = telegram::Result<telegram::Message>;

  // An unfinished entry in its sender's queue (clear text).
  struct Queued {
    store::OutboxEntry entry;
    // False from EnqueueAsync handing it over until its insert is written
    // (Confirm). Meanwhile it may be sent, since its `sending` state is written
    // after the insert and the send waits for that, but not resolved, failed
    // or moved: it may never have been written.
    bool confirmed = true;
    bool in_flight = false;
    std::int64_t temporary_id = 0;           // once TDLib accepted the send
    std::optional<SendResult> early_result;  // the outcome, heard before `done`
  };
  // One account's sender. Touched only on the background thread.
  struct Sender {
    explicit Sender(ChatPacer p) : pacer(std::move(p)) {}
    std::list<Queued> queue;  // creation order
    ChatPacer pacer;
    // The TDLib session the two maps below belong to: a new one knows no chat.
    std::weak_ptr<telegram::AccountClient> session;
    std::map<std::string, std::int64_t> chats;  // recipient as written -> chat id
    std::map<SendKey, store::OutboxEntry> settling;  // sends with no answer, awaiting OnSendResult
    bool resolving = false;
    int in_flight = 0;
    bool pump_posted = false;
    Clock::time_point paused_until{};
    Clock::time_point wake_at = Clock::time_point::max();
  };
  struct Scan;

  // The store keeps recipient, text and media sealed with the account's data
  // key: phone numbers, message texts and file keys are never on disk in clear.
  store::OutboxEntry Sealed(store::OutboxEntry entry, bool seal);
  // Writes an entry's new state through the journal (after every write asked
  // for before it), then runs `then` on the background thread. While the
  // store cannot be reached, the newest state of each entry waits in memory
  // and is written once it is back; `then` runs all the same. kState writes
  // no sealed column, so it needs no sealing; kWhole (an entry that moved to
  // another account) seals them again.
  using WriteKind = store::OutboxWrite::Kind;
  void Save(const store::OutboxEntry& entry, std::function<void()> then = {}, WriteKind kind = WriteKind::kState,
            OutboxJournal::Events events = {}) {
    Write(entry, true, [then = std::move(then)](std::exception_ptr) {
      if (then) then();
    }, kind, std::move(events));
  }
  // The same, but `then` learns the error (store::StoreUnavailable) instead of
  // the state waiting: a send must be known to be in flight before it leaves.
  // An entry that is not in the store is an Error(not_found).
  using Then = std::function<void(std::exception_ptr error)>;
  void SaveBeforeSend(const store::OutboxEntry& entry, Then then) { Write(entry, false, std::move(then), WriteKind::kState); }
  // `events` go down with the write (EndEvents); should it fail, each is queued on its own.
  void Write(const store::OutboxEntry& entry, bool later_if_away, Then then, WriteKind kind,
             OutboxJournal::Events events = {});
  // The event an entry's end writes with its final state (clear entry in);
  // none when it cannot be made now (the store away): then it is queued on its own.
  OutboxJournal::Events EndEvent(const store::OutboxEntry& entry);
  // Journal: a write's outcome; keeps the state in memory while the store is away.
  std::exception_ptr Written(const store::OutboxEntry& entry, bool later_if_away, std::exception_ptr error);
  // While the store is away: how soon its writes and the senders try again.
  static constexpr std::chrono::seconds kStoreRetry{1};
  void WriteUnsaved();
  std::optional<store::OutboxEntry> Load(const std::string& id);
  void Notify(const store::OutboxEntry& entry);
  // Any thread: the account's sender looks at its queue again.
  void Kick(const std::string& account_id);

  // outbox_sender.cpp: the sender's steps, on the background thread.
  Sender& SenderOf(const std::string& account_id);
  Queued* Find(Sender& sender, const std::string& id);
  // `confirmed`: false when handed over as its insert was queued (EnqueueAsync).
  void Accept(std::vector<store::OutboxEntry> entries, bool confirmed = true);
  // An entry handed over unconfirmed: its insert was written, or it was not
  // (then it leaves the queue, unless its `sending` write is on the way:
  // Launch learns from that write whether the entry exists).
  void Confirm(const std::string& account_id, const std::string& id, bool written);
  // Accepts the entry only while the store says it is queued and no sender
  // here has it: an entry that another step accepted meanwhile, or that was
  // sent and left the queue, is never accepted twice.
  void AcceptIfStillQueued(const store::OutboxEntry& entry);
  // The same for each entry, posted to the background thread; by account.
  void AcceptEachIfStillQueued(std::map<std::string, std::vector<store::OutboxEntry>> queued);
  // outbox_placement.cpp: the unfinished entries of the accounts `which` picks (all when empty), opened.
  struct Unfinished {
    std::map<std::string, std::vector<store::OutboxEntry>> queued;  // by account, oldest first
    std::vector<store::OutboxEntry> in_flight;                     // sealed, as stored
    std::set<std::string> spooled;  // the files the queued ones need
    bool unreadable = false;        // an entry whose files cannot be told
  };
  // `one_account`: only that account's are read.
  Unfinished ReadUnfinished(const std::function<bool(const std::string& account_id)>& which,
                            const std::string& one_account = "");
  // Sends a node left in flight end failed: they may or may not have gone.
  void EndInFlight(const std::vector<store::OutboxEntry>& entries);
  void Pump(const std::string& account_id);
  void Repump(const std::string& account_id, Sender& sender);
  void WakeAt(const std::string& account_id, Sender& sender, Clock::time_point when);
  std::optional<Error> AccountGone(const std::string& account_id);
  void UseSession(const std::string& account_id, Sender& sender,
                  const std::shared_ptr<telegram::AccountClient>& client);
  Scan ScanQueue(Sender& sender, Clock::time_point now);
  void Resolve(const std::string& account_id, Sender& sender, const Queued& item);
  void OnResolved(const std::string& account_id, const std::string& id, const std::string& to,
                  const telegram::Result<std::int64_t>& chat);
  void Send(const std::string& account_id, Sender& sender, Queued& item, std::int64_t chat_id);
  // Once the entry's `sending` state is on disk (or could not be written).
  void Launch(const std::string& account_id, const std::string& id, const std::weak_ptr<telegram::AccountClient>& session,
              const telegram::FormattedText& text, std::exception_ptr error);
  // outbox_media.cpp: what an entry with media records, and how it is sent.
  nlohmann::json MediaRecord(const std::string& account_id, MediaRequest& media);
  void SendMediaEntry(telegram::AccountClient& client, Queued& item, const telegram::FormattedText& caption,
                      telegram::AccountClient::MessageDone done, std::function<void(std::int64_t)> accepted);
  void ReleaseMedia(const store::OutboxEntry& entry);
  // Several nodes: the entry's files that are in another node's spool, fetched into this one's.
  void FetchSpooledElsewhere(const std::string& entry_id, const nlohmann::json& record);
  void OnAccepted(const std::string& account_id, const std::string& id, std::int64_t temporary_id);
  void OnSendDone(const std::string& account_id, const std::string& id, SendResult result);

  // outbox_outcome.cpp: how entries end or wait, on the background thread.
  static store::OutboxEntry Sent(store::OutboxEntry entry, const telegram::Message& message);
  void OnFailure(const std::string& account_id, Queued& item, const Error& error);
  void PauseForFlood(const std::string& account_id, Queued& item, const Error& error);
  void MoveWaiting(const std::string& account_id);
  void RetryLater(const std::string& account_id, Queued& item, const Error& error);
  void AwaitLateOutcome(const std::string& account_id, Sender& sender, Queued& item);
  void Settle(const std::string& account_id, const SendKey& key, const SendResult& result);
  void EndUnknown(const std::string& account_id, const SendKey& key, const std::string& why);
  void FailQueue(const std::string& account_id, const Error& error);
  void Finish(const std::string& account_id, store::OutboxEntry entry);
  void Complete(const std::string& account_id, const std::string& id, store::OutboxEntry entry);

  Infrastructure& infra_;
  AccountService& accounts_;
  Background& background_;
  FileRegistry& files_;
  MediaSpool& spool_;
  const Clock::duration chat_interval_;
  const int group_per_minute_;
  OutboxMetrics metrics_;
  std::map<std::string, Sender> senders_;
  std::vector<SendGuard> guards_;
  Reassigner reassigner_;
  std::vector<EntryDone> created_listeners_;
  std::vector<EntryDone> finished_listeners_;
  EndEvents end_events_;

  std::mutex unsaved_mutex_;  // guards the two below
  std::map<std::string, store::OutboxEntry> unsaved_;  // by id, sealed: states the store could not take yet
  bool unsaved_retry_posted_ = false;

  RemoteSpool remote_spool_;
  std::mutex woken_mutex_;  // guards the two below
  std::vector<std::string> woken_;  // entries Wake named, not yet read
  bool wake_posted_ = false;

  std::mutex mutex_;  // guards the waiters
  bool stopping_ = false;
  std::uint64_t next_waiter_ = 0;
  std::map<std::uint64_t, std::pair<std::string, EntryDone>> waiters_;

  // Last: stopped first, writing what is queued while the members above live.
  OutboxJournal journal_;
};

}  // namespace tgmux::service
