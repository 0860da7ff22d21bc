#include "service/outbox.h"

#include <spdlog/spdlog.h>

#include "crypto/random_id.h"
#include "telegram/message_parse.h"

namespace tgmux::service {
namespace {

bool IsFinal(const store::OutboxEntry& entry) { return entry.state == "sent" || entry.state == "failed"; }

// Refuses what Telegram would refuse anyway, before the row exists: a caller
// learns it from the POST instead of from a failed entry.
void CheckText(const std::string& text, std::size_t parsed_length) {
  if (text.empty()) throw Error(ErrorCode::kInvalidRequest, "field \"text\" must not be empty");
  if (parsed_length > static_cast<std::size_t>(telegram::kDefaultTextLengthMax)) {
    throw Error(ErrorCode::kInvalidRequest, "field \"text\" is " + std::to_string(parsed_length) +
                                                " characters (UTF-16) after formatting; Telegram allows at most " +
                                                std::to_string(telegram::kDefaultTextLengthMax));
  }
}

}  // namespace

OutboxService::OutboxService(Gateway& gateway, AccountService& accounts, Background& background)
    : gateway_(gateway),
      accounts_(accounts),
      background_(background),
      chat_interval_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(gateway.config().outbox_chat_interval_seconds))) {}

store::OutboxEntry OutboxService::Enqueue(const std::string& tenant_id, const std::string& account_id,
                                          const SendRequest& request) {
  accounts_.Get(tenant_id, account_id);  // not_found for other tenants
  auto& store = gateway_.store();
  if (!request.idempotency_key.empty()) {
    if (auto found = store.FindOutboxByKey(tenant_id, account_id, request.idempotency_key)) {
      return Sealed(*found, false);
    }
  }
  std::size_t length = telegram::Utf16Length(request.text);
  if (auto client = accounts_.Client(account_id); client && !request.text.empty()) {
    auto parsed = client->ParseText(request.text, ParseModeOf(request.parse_mode));
    if (!parsed.ok()) throw Error(ErrorCode::kInvalidRequest, std::string("field \"text\": ") + parsed.error().what());
    length = telegram::Utf16Length(parsed.value().text);
  }
  CheckText(request.text, length);
  store::OutboxEntry entry;
  entry.id = crypto::RandomId("msg");
  entry.tenant_id = tenant_id;
  entry.account_id = account_id;
  entry.idempotency_key = request.idempotency_key;
  entry.to = request.to;
  entry.text = request.text;
  entry.parse_mode = request.parse_mode;
  entry.reply_to_message_id = request.reply_to_message_id;
  entry.silent = request.silent;
  entry.created_at = entry.updated_at = NowSeconds();
  if (!store.InsertOutbox(Sealed(entry, true))) {
    // Another request with the same key won the race.
    if (auto found = store.FindOutboxByKey(tenant_id, account_id, request.idempotency_key)) {
      return Sealed(*found, false);
    }
    throw Error(ErrorCode::kInternal, "the outbox entry could not be written");
  }
  Kick(account_id);
  return entry;
}

store::OutboxEntry OutboxService::Get(const std::string& tenant_id, const std::string& id) {
  auto entry = Load(id);
  if (!entry || entry->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no outbox entry " + id);
  return *entry;
}

void OutboxService::Wait(const std::string& id, std::chrono::milliseconds timeout, EntryDone done) {
  std::uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    token = ++next_waiter_;
    waiters_[token] = {id, std::move(done)};
  }
  // Whichever comes first takes the waiter: the final state (Notify), this
  // check (the entry may have ended before the waiter existed) or the timeout.
  auto answer = [this, token, id](bool only_final) {
    auto entry = Load(id);
    if (!entry || (only_final && !IsFinal(*entry))) return;
    EntryDone waiter;
    {
      std::lock_guard lock(mutex_);
      auto it = waiters_.find(token);
      if (it == waiters_.end()) return;
      waiter = std::move(it->second.second);
      waiters_.erase(it);
    }
    waiter(*entry);
  };
  answer(true);
  background_.PostAt(Clock::now() + timeout, [answer] { answer(false); });
}

store::OutboxEntry OutboxService::Sealed(store::OutboxEntry entry, bool seal) {
  auto account = gateway_.store().FindAccount(entry.account_id);
  if (!account) {
    // The account was unlinked: its key is gone, and with it the clear values.
    entry.to = entry.text = "";
    return entry;
  }
  const auto& envelope = gateway_.envelope();
  auto key = envelope.UnwrapDataKey(account->wrapped_data_key, account->id);
  auto apply = [&](std::string& field, std::string_view purpose) {
    field = seal ? envelope.Encrypt(key, account->id, purpose, field) : envelope.Decrypt(key, account->id, purpose, field);
  };
  apply(entry.to, "outbox_to");
  apply(entry.text, "outbox_text");
  return entry;
}

std::optional<store::OutboxEntry> OutboxService::Load(const std::string& id) {
  auto entry = gateway_.store().FindOutbox(id);
  if (!entry) return std::nullopt;
  return Sealed(std::move(*entry), false);
}

void OutboxService::Notify(const store::OutboxEntry& entry) {
  if (finished_listener_ && IsFinal(entry)) finished_listener_(entry);
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
  std::set<std::string> accounts;
  for (auto& entry : gateway_.store().ListUnfinishedOutbox("", 0)) {
    accounts.insert(entry.account_id);
    if (entry.state != "sending") continue;
    entry.state = "failed";
    entry.error_code = std::string(CodeName(ErrorCode::kTelegramUnreachable));
    entry.error_message =
        "tgmux stopped while this message was being sent: it may or may not have been delivered, and it is not "
        "sent again to avoid a double send";
    entry.updated_at = NowSeconds();
    gateway_.store().UpdateOutbox(entry);
    spdlog::warn("outbox {}: outcome unknown after a restart; marked failed", entry.id);
  }
  for (const auto& account_id : accounts) Kick(account_id);
}

void OutboxService::Kick(const std::string& account_id) {
  background_.Post([this, account_id] { Pump(account_id); });
}

void OutboxService::PumpAt(const std::string& account_id, Clock::time_point when) {
  background_.PostAt(when, [this, account_id] { Pump(account_id); });
}

}  // namespace tgmux::service
