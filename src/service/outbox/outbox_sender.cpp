// The sender of one account: walks its queue in creation order, resolves
// recipients, and starts each chat's oldest entry once the chat's pacing
// allows, several chats at once. All steps run on the background thread;
// TDLib's answers are posted back to it.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/time.h"
#include "service/outbox/outbox.h"
#include "telegram/parse_mode.h"

namespace tgmux::service {
namespace {

using Kind = telegram::AuthState::Kind;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether two handles name the same TDLib session (either may have ended).
bool SameSession(const std::weak_ptr<telegram::AccountClient>& a, const std::weak_ptr<telegram::AccountClient>& b) {
  return !a.owner_before(b) && !b.owner_before(a);
}

bool IsNotFound(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code() == ErrorCode::kNotFound;
  } catch (...) {
    return false;
  }
}

bool Due(const store::OutboxEntry& entry, std::int64_t now_ms) { return entry.next_attempt_at <= now_ms; }

std::chrono::steady_clock::time_point DueAt(const store::OutboxEntry& entry, std::int64_t now_ms) {
  auto wait = std::chrono::milliseconds(std::max<std::int64_t>(0, entry.next_attempt_at - now_ms));
  return std::chrono::steady_clock::now() + wait;
}

}  // namespace

// What one look at the queue found to do.
struct OutboxService::Scan {
  std::vector<std::pair<Queued*, std::int64_t>> sends;  // entry, chat
  Queued* resolve = nullptr;
  Clock::time_point wake = Clock::time_point::max();
};


OutboxService::Sender& OutboxService::SenderOf(const std::string& account_id) {
  auto it = senders_.find(account_id);
  if (it == senders_.end()) {
    it = senders_.try_emplace(account_id, ChatPacer(chat_interval_, group_per_minute_)).first;
  }
  return it->second;
}

OutboxService::Queued* OutboxService::Find(Sender& sender, const std::string& id) {
  for (auto& item : sender.queue) {
    if (item.entry.id == id) return &item;
  }
  return nullptr;
}

void OutboxService::Accept(std::vector<store::OutboxEntry> entries, bool confirmed) {
  if (entries.empty()) return;
  const std::string account_id = entries.front().account_id;
  Sender& sender = SenderOf(account_id);
  for (auto& entry : entries) {
    auto& item = sender.queue.emplace_back();
    item.entry = std::move(entry);
    item.confirmed = confirmed;
  }
  Pump(account_id);
}

void OutboxService::Confirm(const std::string& account_id, const std::string& id, bool written) {
  Sender& sender = SenderOf(account_id);
  Queued* item = Find(sender, id);
  if (written) {
    if (!item || item->confirmed) return;
    item->confirmed = true;
    // What waited for it (a lookup of its recipient, an end) may go now.
    if (!item->in_flight) Repump(account_id, sender);
    return;
  }
  if (item && item->in_flight) return;  // its `sending` write tells whether it exists (Launch)
  metrics_.Untrack(id);
  sender.queue.remove_if([&](const Queued& q) { return q.entry.id == id; });
}

void OutboxService::Pump(const std::string& account_id) {
  Sender& sender = SenderOf(account_id);
  sender.pump_posted = false;
  if (sender.queue.empty() && sender.settling.empty()) return;
  const auto now = Clock::now();
  if (now < sender.paused_until) return;  // PauseForFlood pumps again when it ends
  std::optional<Error> gone;
  try {
    gone = AccountGone(account_id);
  } catch (const store::StoreUnavailable&) {
    return WakeAt(account_id, sender, now + kStoreRetry);  // nothing is sent while the store is away
  }
  if (gone) return FailQueue(account_id, *gone);
  auto client = accounts_.Client(account_id);
  // Not connected (starting, disabled, in error): OnReady pumps again.
  if (!client || client->auth_state().kind != Kind::kReady) return;
  UseSession(account_id, sender, client);
  Scan scan = ScanQueue(sender, now);
  if (scan.resolve) Resolve(account_id, sender, *scan.resolve);
  for (auto& [item, chat_id] : scan.sends) Send(account_id, sender, *item, chat_id);
  if (scan.wake != Clock::time_point::max()) WakeAt(account_id, sender, scan.wake);
}

OutboxService::Scan OutboxService::ScanQueue(Sender& sender, Clock::time_point now) {
  Scan scan;
  const std::int64_t now_ms = NowMs();
  int in_flight = sender.in_flight;
  std::set<std::int64_t> taken;  // chats whose oldest entry came earlier in the queue
  for (auto& item : sender.queue) {
    auto chat = sender.chats.find(item.entry.to);
    if (chat == sender.chats.end()) {
      // Its chat is unknown, so any later entry may share it: none overtakes it.
      if (item.in_flight || sender.resolving || !item.confirmed) break;
      if (Due(item.entry, now_ms)) scan.resolve = &item;
      else scan.wake = std::min(scan.wake, DueAt(item.entry, now_ms));
      break;
    }
    if (!taken.insert(chat->second).second || item.in_flight) continue;
    if (!Due(item.entry, now_ms)) {
      scan.wake = std::min(scan.wake, DueAt(item.entry, now_ms));
      continue;
    }
    auto allowed = sender.pacer.NextAllowed(chat->second, now);
    if (allowed > now) {
      scan.wake = std::min(scan.wake, allowed);
      continue;
    }
    if (in_flight >= kMaxInFlight) break;  // a finishing send pumps again
    ++in_flight;
    scan.sends.emplace_back(&item, chat->second);
  }
  return scan;
}

void OutboxService::Repump(const std::string& account_id, Sender& sender) {
  if (sender.pump_posted) return;
  sender.pump_posted = true;
  background_.Post([this, account_id] { Pump(account_id); });
}

void OutboxService::WakeAt(const std::string& account_id, Sender& sender, Clock::time_point when) {
  // One timer per sender: an earlier one that is still ahead covers this one.
  const auto now = Clock::now();
  if (sender.wake_at > now && sender.wake_at <= when) return;
  sender.wake_at = when;
  background_.PostAt(when, [this, account_id, when] {
    Sender& sender = SenderOf(account_id);
    if (sender.wake_at == when) sender.wake_at = Clock::time_point::max();
    Pump(account_id);
  });
}

std::optional<Error> OutboxService::AccountGone(const std::string& account_id) {
  auto row = accounts_.Find(account_id);
  if (!row) return Error(ErrorCode::kNotFound, "the account was unlinked before this message was sent");
  if (row->status == store::AccountStatus::kBanned) {
    return Error(ErrorCode::kAccountNotReady, "Telegram has banned the account; this message was not sent");
  }
  if (row->status == store::AccountStatus::kRevoked) {
    return Error(ErrorCode::kAccountNotReady,
                 "the account's Telegram session was revoked before this message was sent; link the account again");
  }
  return std::nullopt;
}

void OutboxService::UseSession(const std::string& account_id, Sender& sender,
                               const std::shared_ptr<telegram::AccountClient>& client) {
  if (sender.session.lock() == client) return;
  // A new TDLib session: it knows no chat yet, and the old one's late
  // outcomes will never come.
  sender.session = client;
  sender.chats.clear();
  sender.resolving = false;
  std::vector<SendKey> unsettled;
  for (const auto& [key, entry] : sender.settling) unsettled.push_back(key);
  for (const auto& key : unsettled) EndUnknown(account_id, key, "the Telegram session ended before its answer came");
}

void OutboxService::Resolve(const std::string& account_id, Sender& sender, const Queued& item) {
  auto client = sender.session.lock();
  sender.resolving = true;
  client->ResolveRecipient(item.entry.to, [this, account_id, id = item.entry.id, to = item.entry.to,
                                           session = sender.session](telegram::Result<std::int64_t> chat) {
    background_.Post([this, account_id, id, to, session, chat = std::move(chat)] {
      Sender& sender = SenderOf(account_id);
      // An answer from an older session (its chats are not this one's).
      if (!SameSession(sender.session, session)) return;
      sender.resolving = false;
      OnResolved(account_id, id, to, chat);
    });
  });
}

void OutboxService::OnResolved(const std::string& account_id, const std::string& id, const std::string& to,
                               const telegram::Result<std::int64_t>& chat) {
  Sender& sender = SenderOf(account_id);
  if (chat.ok()) {
    sender.chats[to] = chat.value();
    return Pump(account_id);
  }
  Queued* item = Find(sender, id);
  if (!item) return Pump(account_id);
  ++item->entry.attempts;
  OnFailure(account_id, *item, chat.error());
}

void OutboxService::Send(const std::string& account_id, Sender& sender, Queued& item, std::int64_t chat_id) {
  auto client = sender.session.lock();
  auto mode = telegram::ParseModeFromName(item.entry.parse_mode).value_or(telegram::ParseMode::kNone);
  auto text = client->ParseText(item.entry.text, mode);
  if (!text.ok() && !item.confirmed) return;  // ends once it is known to exist (Confirm pumps again)
  item.entry.chat_id = chat_id;
  ++item.entry.attempts;
  if (!text.ok()) return OnFailure(account_id, item, text.error());
  // On disk before the request leaves: after a crash this entry is known to be
  // in flight (see the header on why it is then not sent again). Until then it
  // counts as in flight, so no other pass starts it.
  item.entry.state = store::OutboxState::kSending;
  item.entry.updated_at = UnixSeconds();
  item.in_flight = true;
  item.temporary_id = 0;
  item.early_result.reset();
  ++sender.in_flight;
  SaveBeforeSend(item.entry, [this, account_id, id = item.entry.id, session = sender.session,
                              text = std::move(text.value())](std::exception_ptr error) {
    Launch(account_id, id, session, text, error);
  });
}

void OutboxService::Launch(const std::string& account_id, const std::string& id,
                           const std::weak_ptr<telegram::AccountClient>& session, const telegram::FormattedText& text,
                           std::exception_ptr error) {
  Sender& sender = SenderOf(account_id);
  Queued* item = Find(sender, id);
  if (!item || !item->in_flight) return;
  if (error) {
    item->in_flight = false;
    --sender.in_flight;
    if (!item->confirmed || IsNotFound(error)) {
      // Its insert failed (or its row is gone): it never existed for anyone; not sent.
      metrics_.Untrack(id);
      sender.queue.remove_if([&](const Queued& q) { return q.entry.id == id; });
      return Repump(account_id, sender);
    }
    // Not sent, and not counted as an attempt: tried again when the store is back.
    item->entry.state = store::OutboxState::kQueued;
    --item->entry.attempts;
    metrics_.Track(item->entry);
    return WakeAt(account_id, sender, Clock::now() + kStoreRetry);
  }
  item->confirmed = true;  // its `sending` state was written, so its row exists
  auto client = session.lock();
  if (!client || !SameSession(sender.session, session)) {
    // The session it was meant for ended meanwhile: its chat id may mean nothing to the next one.
    return OnSendDone(account_id, id, Error(ErrorCode::kAccountNotReady, "the Telegram session ended before the send"));
  }
  auto done = [this, account_id, id](SendResult result) {
    background_.Post([this, account_id, id, result = std::move(result)]() mutable {
      OnSendDone(account_id, id, std::move(result));
    });
  };
  auto accepted = [this, account_id, id](std::int64_t temporary_id) {
    background_.Post([this, account_id, id, temporary_id] { OnAccepted(account_id, id, temporary_id); });
  };
  if (!item->entry.media.empty()) return SendMediaEntry(*client, *item, text, done, accepted);
  client->SendText(item->entry.chat_id, text, item->entry.reply_to_message_id, item->entry.silent, done, accepted);
}

void OutboxService::OnAccepted(const std::string& account_id, const std::string& id, std::int64_t temporary_id) {
  if (Queued* item = Find(SenderOf(account_id), id); item && item->in_flight) item->temporary_id = temporary_id;
}

void OutboxService::OnSendDone(const std::string& account_id, const std::string& id, SendResult result) {
  Sender& sender = SenderOf(account_id);
  Queued* item = Find(sender, id);
  if (!item || !item->in_flight) return;
  item->in_flight = false;
  --sender.in_flight;
  sender.pacer.Record(item->entry.chat_id, Clock::now());
  // No answer in time, or the session closed once TDLib had the message: it
  // may still go out, and OnSendResult says so (maybe it already did).
  auto unknown = [&] {
    if (result.ok()) return false;
    const ErrorCode code = result.error().code();
    return code == ErrorCode::kTelegramUnreachable || (code == ErrorCode::kAccountNotReady && item->temporary_id != 0);
  };
  if (unknown() && item->early_result) result = *item->early_result;
  if (result.ok()) {
    accounts_.ClearLimited(account_id);  // Telegram let a message through: no longer limited
    return Complete(account_id, id, Sent(item->entry, result.value()));
  }
  if (unknown()) return AwaitLateOutcome(account_id, sender, *item);
  OnFailure(account_id, *item, result.error());
}

}  // namespace tgmux::service
