#include "service/outbox/outbox.h"

#include <spdlog/spdlog.h>

#include <future>
#include <set>

#include "common/time.h"
#include "crypto/random_id.h"
#include "telegram/message_parse.h"
#include "telegram/parse_mode.h"

namespace tgmux::service {
namespace {

using store::OutboxState;
// How often ?wait looks in the store for an entry another node sends.
constexpr auto kElsewhereLook = std::chrono::milliseconds(200);

// Refuses what Telegram would refuse anyway, before the row exists: a caller
// learns it from the POST instead of from a failed entry.
void CheckText(const std::string& text, std::size_t parsed_length, bool caption) {
  if (text.empty() && !caption) throw Error(ErrorCode::kInvalidRequest, "field \"text\" must not be empty");
  const int max = caption ? telegram::kDefaultCaptionLengthMax : telegram::kDefaultTextLengthMax;
  if (parsed_length > static_cast<std::size_t>(max)) {
    throw Error(ErrorCode::kInvalidRequest, std::string(caption ? "the caption" : "field \"text\"") + " is " +
                                                std::to_string(parsed_length) +
                                                " characters (UTF-16) after formatting; Telegram allows at most " +
                                                std::to_string(max));
  }
}

}  // namespace

OutboxService::OutboxService(Infrastructure& infra, AccountService& accounts, Background& background,
                             FileRegistry& files, MediaSpool& spool)
    : infra_(infra),
      accounts_(accounts),
      background_(background),
      files_(files),
      spool_(spool),
      chat_interval_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(infra.config().outbox_chat_interval_seconds))),
      group_per_minute_(infra.config().outbox_group_per_minute),
      metrics_(infra.metrics()),
      journal_(infra.store()) {
  accounts_.AddObserver(this);
}

store::OutboxEntry OutboxService::Enqueue(const std::string& tenant_id, const std::string& account_id,
                                          SendRequest request) {
  auto written = std::make_shared<std::promise<store::OutboxEntry>>();
  auto result = written->get_future();
  EnqueueAsync(tenant_id, account_id, std::move(request), [written](std::exception_ptr error, const store::OutboxEntry& entry, bool) {
    if (error) return written->set_exception(error);
    written->set_value(entry);
  });
  return result.get();
}

void OutboxService::EnqueueAsync(const std::string& tenant_id, const std::string& account_id, SendRequest request,
                                 Enqueued done) {
  if (!accounts_.Cached(tenant_id, account_id)) accounts_.Get(tenant_id, account_id);  // not_found for other tenants
  auto& store = infra_.store();
  if (!request.idempotency_key.empty()) {
    if (auto found = store.FindOutboxByKey(tenant_id, account_id, request.idempotency_key)) {
      store::OutboxEntry entry = Sealed(*found, false);
      // Its first request may have been committed but answered 503 (the
      // connection broke at the commit): then no sender has it yet. Looked
      // at in the journal's turn: the first request's own answer, which hands
      // the entry to its sender, has then been posted before this look.
      if (entry.state == store::OutboxState::kQueued && accounts_.RunsHere(account_id)) {
        journal_.Then([this, entry] { background_.Post([this, entry] { AcceptIfStillQueued(entry); }); });
      }
      return done(nullptr, entry, false);
    }
  }
  for (const auto& guard : guards_) guard(tenant_id, account_id, request);
  std::size_t length = telegram::Utf16Length(request.text);
  if (auto client = accounts_.Client(account_id); client && !request.text.empty()) {
    auto parsed = client->ParseText(request.text, request.parse_mode);
    if (!parsed.ok()) throw Error(ErrorCode::kInvalidRequest, std::string("field \"text\": ") + parsed.error().what());
    length = telegram::Utf16Length(parsed.value().text);
  }
  CheckText(request.text, length, request.media.has_value());
  store::OutboxEntry entry;
  entry.id = crypto::SortableId("msg");
  entry.tenant_id = tenant_id;
  entry.account_id = account_id;
  entry.idempotency_key = request.idempotency_key;
  entry.to = request.to;
  entry.text = request.text;
  entry.parse_mode = telegram::ParseModeName(request.parse_mode);
  entry.reply_to_message_id = request.reply_to_message_id;
  entry.silent = request.silent;
  entry.created_at = entry.updated_at = UnixSeconds();
  if (request.media) entry.media = MediaRecord(account_id, *request.media).dump();
  // Concurrent sends share a transaction and its commit (OutboxJournal). The
  // uploaded files wait with the answer.
  auto media = std::make_shared<std::optional<MediaRequest>>(std::move(request.media));
  // With several nodes, the node that runs the account picks it up (PickUp).
  // Here its sender has it as soon as it is queued for writing (posted in the
  // journal's turn, so its queue keeps the rows' order), so that its `sending`
  // state can go down in the same transaction as its insert (Queued::confirmed).
  const bool here = accounts_.RunsHere(account_id);
  // Its insert's outcome: for its sender, or for the metrics, which count it from now on.
  auto confirm = [this, here, account_id, id = entry.id](bool written) {
    if (here) return background_.Post([this, account_id, id, written] { Confirm(account_id, id, written); });
    if (!written) metrics_.Untrack(id);
  };
  std::function<void()> hand_over;
  if (here) {
    hand_over = [this, entry] {
      // Its lease may have moved since (Release ran first): the node that runs it now picks it up.
      if (accounts_.RunsHere(entry.account_id)) Accept({entry}, false);
    };
  }
  auto written = [this, entry, confirm, key = request.idempotency_key, media,
                  done = std::move(done)](std::exception_ptr error, bool applied) {
    if (error || !applied) confirm(false);
    if (error) return done(error, entry, false);
    if (!applied) {
      // Another request with the same key won the race.
      try {
        auto found = infra_.store().FindOutboxByKey(entry.tenant_id, entry.account_id, key);
        if (!found) throw Error(ErrorCode::kInternal, "the outbox entry could not be written");
        return done(nullptr, Sealed(*found, false), false);
      } catch (const std::exception&) {
        return done(std::current_exception(), entry, false);
      }
    }
    if (*media) {
      for (auto& file : (*media)->files) file.Keep();  // the entry's now
    }
    for (const auto& listener : created_listeners_) listener(entry);
    confirm(true);
    done(nullptr, entry, true);
  };
  store::OutboxWrite insert{Sealed(entry, true), WriteKind::kInsert, {}};
  metrics_.Track(entry);
  journal_.Write(std::move(insert), std::move(written), {}, [&] {
    if (hand_over) background_.Post(std::move(hand_over));
  });
}

store::OutboxEntry OutboxService::Get(const std::string& tenant_id, const std::string& id) {
  auto entry = Load(id);
  if (!entry || entry->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no outbox entry " + id);
  return *entry;
}

void OutboxService::Wait(const store::OutboxEntry& entry, std::chrono::milliseconds timeout, EntryDone done,
                        bool unfinished) {
  const std::string& id = entry.id;
  std::uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) timeout = std::chrono::milliseconds::zero();
    token = ++next_waiter_;
    waiters_[token] = {id, std::move(done)};
  }
  // Whichever comes first takes the waiter: the final state (Notify), this
  // check (the entry may have ended before the waiter existed) or the timeout.
  auto answer = [this, token, id](bool only_final) {
    auto now = Load(id);
    if (!now || (only_final && !store::IsFinal(now->state))) return;
    EntryDone waiter;
    {
      std::lock_guard lock(mutex_);
      auto it = waiters_.find(token);
      if (it == waiters_.end()) return;
      waiter = std::move(it->second.second);
      waiters_.erase(it);
    }
    waiter(*now);
  };
  if (!unfinished) answer(true);
  // The background thread no longer runs tasks once stopping: answer here.
  if (timeout == std::chrono::milliseconds::zero()) return answer(false);
  const auto deadline = Clock::now() + timeout;
  background_.PostAt(deadline, [answer] { answer(false); });
  // Several nodes: an entry of an account another node runs ends there, and
  // only the store tells this node; it looks every kElsewhereLook.
  if (store::IsFinal(entry.state) || accounts_.RunsHere(entry.account_id)) return;
  auto look = [this, answer, token, deadline](auto self) -> void {
    {
      std::lock_guard lock(mutex_);
      if (!waiters_.count(token)) return;  // answered
    }
    answer(true);
    const auto next = Clock::now() + kElsewhereLook;
    if (next < deadline) background_.PostAt(next, [self] { self(self); });
  };
  background_.PostAt(Clock::now() + kElsewhereLook, [look] { look(look); });
}

void OutboxService::StopWaiting() {
  std::map<std::uint64_t, std::pair<std::string, EntryDone>> waiters;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    waiters.swap(waiters_);
  }
  for (auto& [token, waiter] : waiters) {
    if (auto entry = Load(waiter.first)) waiter.second(*entry);
  }
}

store::OutboxEntry OutboxService::Sealed(store::OutboxEntry entry, bool seal) {
  auto account = accounts_.Find(entry.account_id);
  if (!account) {
    // The account was unlinked: its key is gone, and with it the clear values.
    entry.to = entry.text = entry.media = "";
    return entry;
  }
  const auto& envelope = infra_.envelope();
  auto key = envelope.UnwrapDataKey(account->wrapped_data_key, account->id);
  auto apply = [&](std::string& field, std::string_view purpose) {
    field = seal ? envelope.Encrypt(key, account->id, purpose, field) : envelope.Decrypt(key, account->id, purpose, field);
  };
  apply(entry.to, "outbox_to");
  apply(entry.text, "outbox_text");
  if (!entry.media.empty()) apply(entry.media, "outbox_media");
  return entry;
}

std::optional<store::OutboxEntry> OutboxService::Load(const std::string& id) {
  auto entry = infra_.store().FindOutbox(id);
  if (!entry) return std::nullopt;
  return Sealed(std::move(*entry), false);
}

void OutboxService::Notify(const store::OutboxEntry& entry) {
  std::vector<EntryDone> ready;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.first != entry.id) {
        ++it;
        continue;
      }
      ready.push_back(std::move(it->second.second));
      it = waiters_.erase(it);
    }
  }
  for (auto& waiter : ready) waiter(entry);
}

void OutboxService::Resume() {
  auto unfinished = ReadUnfinished(nullptr);
  if (!unfinished.unreadable) spool_.RemoveOrphans(unfinished.spooled);
  // Several nodes: each account's entries are taken up with its lease (TakeOver).
  if (!accounts_.RunsEverything()) return;
  EndInFlight(unfinished.in_flight);
  for (auto& [account_id, entries] : unfinished.queued) {
    for (const auto& entry : entries) metrics_.Track(entry);
    background_.Post([this, entries = std::move(entries)]() mutable { Accept(std::move(entries)); });
  }
}

void OutboxService::Kick(const std::string& account_id) {
  background_.Post([this, account_id] { Pump(account_id); });
}

void OutboxService::OnSendResult(const std::string& account_id, std::int64_t chat_id, std::int64_t temporary_id,
                                 const telegram::Result<telegram::Message>& result) {
  background_.Post([this, account_id, key = SendKey{chat_id, temporary_id}, result] {
    auto found = senders_.find(account_id);
    if (found == senders_.end()) return;  // not a send of the outbox
    Sender& sender = found->second;
    if (sender.settling.count(key)) return Settle(account_id, key, result);
    // The outcome may come before the send's own `done` (which then says
    // telegram_unreachable when the deadline raced it): keep it for then.
    for (auto& item : sender.queue) {
      if (item.in_flight && item.temporary_id == key.second && item.entry.chat_id == key.first) {
        item.early_result = result;
        return;
      }
    }
  });
}

void OutboxService::SetEndEvents(EndEvents hooks) {
  end_events_ = std::move(hooks);
  journal_.OnAppended(end_events_.appended);
}

OutboxJournal::Events OutboxService::EndEvent(const store::OutboxEntry& entry) {
  OutboxJournal::Events events;
  if (!end_events_.seal) return events;
  try {
    if (auto event = end_events_.seal(entry)) {
      events.clear.emplace(event->first.id, std::move(event->second));
      events.sealed.push_back(std::move(event->first));
    }
  } catch (const std::exception& e) {
    // Its account's tenant could not be read (the store away): on its own, later.
    spdlog::warn("outbox {}: its event waits for the store: {}", entry.id, e.what());
    if (end_events_.append) end_events_.append(entry);
  }
  return events;
}

void OutboxService::Write(const store::OutboxEntry& entry, bool later_if_away, Then then, WriteKind kind,
                          OutboxJournal::Events events) {
  metrics_.Track(entry);
  const bool with_events = !events.sealed.empty();
  OutboxJournal::Done done = [this, entry, later_if_away, with_events, then = std::move(then)](std::exception_ptr error,
                                                                                               bool applied) {
    // Not written with the state (a state kept for later is written without
    // it; an entry gone meanwhile takes none): the event goes on its own.
    if ((error || !applied) && with_events && end_events_.append) end_events_.append(entry);
    error = Written(entry, later_if_away, error);
    if (!error && !applied && !later_if_away) {
      error = std::make_exception_ptr(Error(ErrorCode::kNotFound, "outbox entry " + entry.id + " is not in the store"));
    }
    if (then) background_.Post([then, error] { then(error); });
  };
  store::OutboxEntry stored = entry;
  if (kind == WriteKind::kState) {
    stored.to = stored.text = stored.media = "";  // not written: nothing in clear goes down
  } else {
    try {
      // Sealing may read the account's key from the store, which may be away.
      stored = Sealed(entry, true);
    } catch (const std::exception&) {
      return journal_.Then([done, error = std::current_exception()] { done(error, false); });
    }
  }
  journal_.Write({std::move(stored), kind, std::move(events.sealed)}, std::move(done), std::move(events.clear));
}

std::exception_ptr OutboxService::Written(const store::OutboxEntry& entry, bool later_if_away,
                                          std::exception_ptr error) {
  bool away = false;
  try {
    if (error) std::rethrow_exception(error);
  } catch (const store::StoreUnavailable&) {
    away = true;
  } catch (const std::exception& e) {
    spdlog::error("outbox {}: its state could not be written: {}", entry.id, e.what());
  }
  if (!later_if_away) return error;
  std::lock_guard lock(unsaved_mutex_);
  if (!away) {
    // Written (or failed for a reason of its own): an older state still
    // waiting is out of date. The journal answers in order, so this is the newest.
    unsaved_.erase(entry.id);
    return nullptr;
  }
  if (unsaved_.empty()) spdlog::warn("outbox: the store is unreachable; states wait in memory");
  unsaved_[entry.id] = entry;  // in clear, in memory only; sealed when written
  if (!unsaved_retry_posted_) {
    unsaved_retry_posted_ = true;
    background_.PostAt(Clock::now() + kStoreRetry, [this] { WriteUnsaved(); });
  }
  return nullptr;
}

void OutboxService::WriteUnsaved() {
  // In the journal's turn: what waits is then the newest state of each entry,
  // and no later state can be written before it.
  journal_.Then([this] {
    std::lock_guard lock(unsaved_mutex_);
    unsaved_retry_posted_ = false;
    try {
      std::vector<store::OutboxWrite> writes;
      for (const auto& [id, entry] : unsaved_) writes.push_back({Sealed(entry, true), WriteKind::kWhole, {}});
      infra_.store().WriteOutbox(writes, nullptr);
      unsaved_.clear();
      spdlog::info("outbox: the store is back; the states kept meanwhile are written");
    } catch (const std::exception& e) {
      // Away again, or a failure of its own: tried again, never dropped.
      if (!dynamic_cast<const store::StoreUnavailable*>(&e)) spdlog::error("outbox: {}", e.what());
      unsaved_retry_posted_ = true;
      background_.PostAt(Clock::now() + kStoreRetry, [this] { WriteUnsaved(); });
    }
  });
}

}  // namespace tgmux::service
